"""Anomaly detectors for datastreams without a fixed threshold (``seasonal``), how their flags
are scored against labels (``metrics``), and the sink that runs them on every stored batch
(``sink``)."""
