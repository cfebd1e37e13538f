"""Shortest travel times and paths on a :class:`~lifeline.geo.network.RoadNetwork`.

Times are found with Dijkstra's algorithm (scipy ``csgraph.dijkstra``, binary-heap based),
bounded by a horizon: a search stops once every node it has not settled is farther than
``limit_s`` seconds, so a query costs what the reachable part of the city costs, not the
whole network. Node pairs beyond the horizon read ``inf``. Many sources are searched in chunks
so the ``(sources, nodes)`` distance block stays within :data:`BLOCK_BYTES`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

BLOCK_BYTES = 64 * 1024 * 1024
"""Largest ``sources × nodes`` float64 block one chunk of searches may fill (bytes)."""


def times_between(
    graph: csr_matrix,
    sources: IntArray,
    targets: IntArray,
    *,
    limit_s: float = np.inf,
    block_bytes: int = BLOCK_BYTES,
) -> FloatArray:
    """``(len(sources), len(targets))`` shortest times in seconds on ``graph`` (``inf`` beyond
    ``limit_s``): d[i, j] = min over paths sources[i] ⇝ targets[j] of Σ edge times.

    Search the transpose of the graph from the targets to get times *to* them instead.
    """
    n = graph.shape[0]
    out = np.full((sources.shape[0], targets.shape[0]), np.inf)
    if sources.size == 0 or targets.size == 0:
        return out
    rows = max(1, block_bytes // (8 * n))
    for start in range(0, sources.shape[0], rows):
        chunk = sources[start : start + rows]
        dist = dijkstra(graph, directed=True, indices=chunk, limit=limit_s)
        out[start : start + chunk.shape[0]] = np.atleast_2d(dist)[:, targets]
    return out


def shortest_path(
    graph: csr_matrix, source: int, target: int, *, limit_s: float = np.inf
) -> list[int] | None:
    """Nodes of a fastest path ``source ⇝ target`` (both included), or ``None`` if there is
    none within ``limit_s`` seconds."""
    dist, pred = dijkstra(
        graph, directed=True, indices=source, return_predecessors=True, limit=limit_s
    )
    if not np.isfinite(dist[target]):
        return None
    path = [target]
    node = target
    while node != source:
        node = int(pred[node])
        path.append(node)
    path.reverse()
    return path
