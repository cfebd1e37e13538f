"""Prometheus collector of the bounded ingest intake: accepted, shed, backlog (``/metrics``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from lifeline.monitoring.intake import BoundedIntake

SOURCES = ("http", "mqtt")


class IntakeCollector(Collector):
    """Reads the intake's counters at scrape time (no second set of books to keep in step);
    ``intake`` is asked for the platform's current intake at each scrape."""

    def __init__(self, intake: Callable[[], BoundedIntake]) -> None:
        self._intake = intake

    def collect(self) -> Iterable[Metric]:
        snap = self._intake().snapshot()
        counters = (
            ("accepted", snap.accepted, "Observations accepted into the ingest backlog"),
            ("shed", snap.shed, "Observations refused because the ingest backlog was full"),
            ("committed", snap.committed, "Accepted observations whose write committed"),
            ("failed", snap.failed, "Accepted observations whose write failed (not acknowledged)"),
        )
        for name, values, help_text in counters:
            family = CounterMetricFamily(
                f"lifeline_ingest_{name}_observations", help_text, labels=["source"]
            )
            for source in sorted({*SOURCES, *values}):
                family.add_metric([source], values.get(source, 0))
            yield family
        gauges = (
            ("backlog_observations", snap.backlog, "Observations accepted, not yet written"),
            ("backlog_peak_observations", snap.peak_backlog, "Largest backlog since start"),
            ("capacity_observations", snap.capacity, "Most observations the backlog may hold"),
            (
                "drain_rate_observations_per_second",
                snap.drain_rate_per_s,
                "Recent rate at which writes drain the backlog",
            ),
        )
        for name, value, help_text in gauges:
            yield GaugeMetricFamily(f"lifeline_ingest_{name}", help_text, value=value)
