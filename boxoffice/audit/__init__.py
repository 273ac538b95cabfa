"""Replay and audit of the event log.

``boxoffice replay`` prints the log, filtered, as JSON lines or a table;
``boxoffice audit`` replays all of it once and checks the invariants the rest
of the system promises: rising positions (every number an event or sealed), gapless versions, an intact hash chain,
seats never below zero or above capacity, one decision per request, per-user
limits, causal order across streams, and read models that agree with the log
field by field; then a second pass, through the event store's port, checks the
log against its signed seals (``boxoffice.seals``).  The checks are pure
(``auditor``, ``bookings``, ``chain``, ``causality``, ``read_model_checks``,
``seal_checks``); reading the store and the command line are kept apart from them.
"""
