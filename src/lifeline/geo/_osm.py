"""Read an OpenStreetMap ``.osm.pbf`` extract into a :class:`RoadNetwork` (pyosmium).

One pass over nodes and ways with a node-location cache: every drivable way (see
:mod:`lifeline.geo.roadclass`) becomes directed edges between its consecutive nodes, with the
way's speed and direction. Edge length is the great-circle distance between the two nodes.
Way nodes whose location is missing from the extract (ways clipped at its border) split the
way there. The network keeps its largest strongly connected component
(:meth:`RoadNetwork.from_edges`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import osmium

from lifeline.geo.network import MalformedNetwork, RoadNetwork
from lifeline.geo.roadclass import Direction, direction, is_drivable, speed_kmh
from lifeline.geo.snapping import haversine_pairs_m


def load_pbf(path: str | Path, *, name: str | None = None) -> RoadNetwork:
    """The drivable road network of the extract at ``path``.

    Raises :class:`MalformedNetwork` when the file is missing, a directory, empty, unreadable
    (corrupt or truncated) or has no drivable road, and
    :class:`~lifeline.geo.network.DisconnectedNetwork` when it falls apart.
    """
    path = Path(path)
    if path.is_dir():
        raise MalformedNetwork(f"road network {str(path)!r} is a directory, not an extract file")
    if not path.is_file():
        raise MalformedNetwork(f"road network file {str(path)!r} does not exist")
    if path.stat().st_size == 0:
        raise MalformedNetwork(f"road network file {str(path)!r} is empty")
    segments = _Segments()
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    try:
        for obj in processor:
            if isinstance(obj, osmium.osm.Way):
                segments.add_way(obj)
    except RuntimeError as exc:  # libosmium reports unreadable input as RuntimeError
        raise MalformedNetwork(f"cannot read {str(path)!r} as OpenStreetMap PBF: {exc}") from None
    if not segments.tails:
        raise MalformedNetwork(f"{str(path)!r} holds no drivable road")
    return segments.network(name or path.name)


class _Segments:
    """Consecutive node pairs of drivable ways, with each way's speed and direction."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.lons: list[float] = []
        self.lats: list[float] = []
        self.tails: list[int] = []  # positions in ids/lons/lats of each segment's two ends
        self.heads: list[int] = []
        self.speeds: list[float] = []
        self.directions: list[str] = []

    def add_way(self, way: osmium.osm.Way) -> None:
        tags = {tag.k: tag.v for tag in way.tags}
        if not is_drivable(tags):
            return
        speed = speed_kmh(tags)
        way_direction = direction(tags).value
        previous: int | None = None
        for ref in way.nodes:
            location = ref.location
            if not location.valid():  # clipped at the extract's border: split the way here
                previous = None
                continue
            self.ids.append(ref.ref)
            self.lons.append(location.lon)
            self.lats.append(location.lat)
            current = len(self.ids) - 1
            if previous is not None:
                self.tails.append(previous)
                self.heads.append(current)
                self.speeds.append(speed)
                self.directions.append(way_direction)
            previous = current

    def network(self, name: str) -> RoadNetwork:
        _, first, position = np.unique(np.asarray(self.ids), return_index=True, return_inverse=True)
        lon = np.asarray(self.lons)[first]
        lat = np.asarray(self.lats)[first]
        seg_a = position[np.asarray(self.tails)]
        seg_b = position[np.asarray(self.heads)]
        way_dir = np.asarray(self.directions)
        forward = way_dir != Direction.BACKWARD.value
        backward = way_dir != Direction.FORWARD.value
        speed = np.asarray(self.speeds)
        tail = np.concatenate([seg_a[forward], seg_b[backward]])
        head = np.concatenate([seg_b[forward], seg_a[backward]])
        length = haversine_pairs_m(lon[tail], lat[tail], lon[head], lat[head])
        return RoadNetwork.from_edges(
            name, lon, lat, tail, head, length, np.concatenate([speed[forward], speed[backward]])
        )
