"""What the driver's monitors say about the store: is it up, and how many commands it was sent.

PyMongo heartbeats every server (``heartbeatFrequencyMS``) and reports each
change of a server's description.  While no server is usable, booking answers
503 at once instead of letting requests queue behind a dead connection, and it
resumes by itself when a heartbeat succeeds again: no restart needed.  The
command counter feeds /metrics and the benchmark's round trips per booking.
"""

from __future__ import annotations

from pymongo import monitoring
from pymongo.server_type import SERVER_TYPE


class StoreHealth(monitoring.ServerListener):
    def __init__(self) -> None:
        self._usable: dict[object, bool] = {}

    @property
    def available(self) -> bool:
        """True until the monitor has seen every known server become unusable."""
        return not self._usable or any(self._usable.values())

    def opened(self, event: monitoring.ServerOpeningEvent) -> None:
        self._usable.setdefault(event.server_address, True)

    def description_changed(self, event: monitoring.ServerDescriptionChangedEvent) -> None:
        self._usable[event.server_address] = (
            event.new_description.server_type != SERVER_TYPE.Unknown
        )

    def closed(self, event: monitoring.ServerClosedEvent) -> None:
        self._usable.pop(event.server_address, None)


class CommandCounter(monitoring.CommandListener):
    """Counts the commands sent to the store: round trips, for /metrics and the benchmark."""

    def __init__(self) -> None:
        self.sent = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.sent += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass
