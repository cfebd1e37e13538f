"""Road network and travel times: OSM loading, snapping, one-to-many and many-to-many matrices."""
