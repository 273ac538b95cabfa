"""Signed checkpoints of the log: evidence of tampering that the database alone cannot forge.

Each event's hash is unkeyed, so whoever can write to the database can insert
or delete events and recompute every hash.  The sealer (``sealer``) follows
the log and, every few seconds, signs ``{position, running_hash, sealed_at,
key_id}`` with an Ed25519 key kept outside the database (``keys``), where the
running hash chains every event up to ``position`` in global order
(``running_hash``).  Seals go to the ``seals`` collection (``records``) and
to an append-only file (``export``); ``boxoffice audit`` checks the log
against both and against any checkpoints an auditor saved.
"""
