"""Impact estimates: the area a hazard affects (a Gaussian plume for a toxic gas release,
hazard-specific buffers otherwise) and what lies inside it (``exposure``)."""
