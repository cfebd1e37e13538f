"""The data sharing hub: a canonical standard, sources, mappings, ingest, quarantine, lineage."""
