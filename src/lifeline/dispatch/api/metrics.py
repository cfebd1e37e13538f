"""The ``/metrics`` of an AVL worker process (``lifeline dispatch avl-worker --metrics-port``):
its message counters and histograms of its micro-batches, as Prometheus text."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from prometheus_client import Histogram

from lifeline.kernel.metrics import CounterCollector, WorkerMetricsServer

AVL_COUNTERS: Mapping[str, tuple[str, str]] = {  # AvlStats field: (metric, help)
    "messages": ("lifeline_avl_messages", "AVL messages taken from the broker and handled"),
    "batches": ("lifeline_avl_batches", "Micro-batches handled"),
    "accepted": ("lifeline_avl_accepted_fixes", "Position fixes stored"),
    "quarantined": (
        "lifeline_avl_quarantined_fixes",
        "Messages or fixes refused and quarantined with the reason",
    ),
}


class AvlWorkerMetrics(WorkerMetricsServer):
    """The worker's counters (read at scrape time) and its micro-batches: messages per batch
    and seconds from taking a batch to acknowledging it."""

    def __init__(self, stats: Callable[[], Mapping[str, int]]) -> None:
        super().__init__()
        self.registry.register(CounterCollector(AVL_COUNTERS, stats))
        self.batch_messages = Histogram(
            "lifeline_avl_batch_messages",
            "Messages per micro-batch",
            registry=self.registry,
            buckets=(1, 5, 10, 50, 100, 250, 500),
        )
        self.batch_latency = Histogram(
            "lifeline_avl_batch_duration_seconds",
            "Seconds from taking a micro-batch to acknowledging it (stored or quarantined)",
            registry=self.registry,
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )

    def observe_batch(self, messages: int, seconds: float) -> None:
        self.batch_messages.observe(messages)
        self.batch_latency.observe(seconds)
