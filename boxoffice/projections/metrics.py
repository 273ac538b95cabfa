"""The projection gauges, refreshed from the runner whenever metrics are scraped."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Gauge

from .runner import ProjectionRunner


class ProjectionGauges:
    def __init__(self, registry: CollectorRegistry) -> None:
        labels = ["projection"]
        self.position = Gauge(
            "boxoffice_projection_position",
            "Last global log position applied to the read model.",
            labels,
            registry=registry,
        )
        self.lag_events = Gauge(
            "boxoffice_projection_lag_events",
            "Events in the log not yet applied to the read model (head - position).",
            labels,
            registry=registry,
        )
        self.lag_seconds = Gauge(
            "boxoffice_projection_lag_seconds",
            "Age of the oldest event not yet applied to the read model; 0 when caught up.",
            labels,
            registry=registry,
        )

    async def refresh(self, runner: ProjectionRunner) -> None:
        for lag in await runner.lag():
            self.position.labels(lag.name).set(lag.position)
            self.lag_events.labels(lag.name).set(lag.events)
            self.lag_seconds.labels(lag.name).set(lag.seconds)
