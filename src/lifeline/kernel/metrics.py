"""Prometheus plumbing shared by the worker processes (MQTT ingest, AVL): a collector that reads
a worker's counters at scrape time, and a registry of the worker's own served over HTTP from a
daemon thread."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector


class CounterCollector(Collector):
    """Reads a worker's counters at scrape time (no second set of books to keep in step).

    ``counters`` maps a field of ``stats()`` to its metric name (without ``_total``) and help
    text; a field ``stats()`` does not have reads as 0."""

    def __init__(
        self, counters: Mapping[str, tuple[str, str]], stats: Callable[[], Mapping[str, int]]
    ) -> None:
        self._counters = dict(counters)
        self._stats = stats

    def collect(self) -> Iterable[Metric]:
        stats = self._stats()
        for field, (metric, help_text) in self._counters.items():
            yield CounterMetricFamily(metric, help_text, value=stats.get(field, 0))


class WorkerMetricsServer:
    """A worker process's own metrics registry, served over HTTP on demand; the workers'
    metrics classes add their collectors and histograms to ``registry``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.port: int | None = None  # where :meth:`serve` listens

    def serve(self, port: int, host: str = "127.0.0.1") -> Callable[[], None]:
        """Serve the registry as Prometheus text at ``http://host:port/metrics`` from a daemon
        thread; returns the function that stops the server. Port 0 takes a free port."""
        server, thread = start_http_server(port, addr=host, registry=self.registry)
        self.port = int(server.server_port)

        def stop() -> None:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

        return stop
