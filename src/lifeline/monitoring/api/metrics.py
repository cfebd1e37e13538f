"""Prometheus collectors of the bounded ingest intake (accepted, shed, backlog) for the API's
``/metrics``, and the ``/metrics`` of an MQTT ingest worker process (the same intake collector,
the worker's counters and its micro-batches)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from prometheus_client import Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from lifeline.kernel.metrics import CounterCollector, WorkerMetricsServer
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


WORKER_COUNTERS: Mapping[str, tuple[str, str]] = {  # WorkerStats field: (metric, help)
    "messages": (
        "lifeline_mqtt_messages",
        "MQTT messages taken from the broker and handled (stored or quarantined)",
    ),
    "batches": ("lifeline_mqtt_batches", "Micro-batches handled"),
    "accepted": ("lifeline_mqtt_accepted_observations", "Observations stored"),
    "duplicates": (
        "lifeline_mqtt_duplicate_observations",
        "Observations stored before (re-sent), skipped",
    ),
    "rejected": (
        "lifeline_mqtt_rejected_observations",
        "Observations refused by validation and quarantined",
    ),
    "refused": (
        "lifeline_mqtt_refused_observations",
        "Observations quarantined before validation (unauthenticated, rate-limited)",
    ),
    "shed_qos0": (
        "lifeline_mqtt_shed_qos0_messages",
        "QoS 0 messages shed because too many were already waiting",
    ),
}


class WorkerMetrics(WorkerMetricsServer):
    """The ``/metrics`` of an MQTT ingest worker process: the same intake collector as the
    API's ``/metrics``, the worker's counters, and histograms of its micro-batches (messages,
    observations, seconds from taking a batch to acknowledging it)."""

    def __init__(
        self, intake: Callable[[], BoundedIntake], stats: Callable[[], Mapping[str, int]]
    ) -> None:
        super().__init__()
        self.registry.register(IntakeCollector(intake))
        self.registry.register(CounterCollector(WORKER_COUNTERS, stats))
        self.batch_messages = Histogram(
            "lifeline_mqtt_batch_messages",
            "Messages per micro-batch",
            registry=self.registry,
            buckets=(1, 10, 50, 100, 250, 500, 1000, 2500, 5000),
        )
        self.batch_observations = Histogram(
            "lifeline_mqtt_batch_observations",
            "Observations per micro-batch",
            registry=self.registry,
            buckets=(1, 10, 100, 500, 1000, 5000, 10_000, 50_000),
        )
        self.batch_latency = Histogram(
            "lifeline_mqtt_batch_duration_seconds",
            "Seconds from taking a micro-batch to acknowledging it (stored or quarantined)",
            registry=self.registry,
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )

    def observe_batch(self, messages: int, observations: int, seconds: float) -> None:
        self.batch_messages.observe(messages)
        self.batch_observations.observe(observations)
        self.batch_latency.observe(seconds)
