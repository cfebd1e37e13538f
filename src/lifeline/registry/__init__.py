"""Registry: organisations in a hierarchy, administrative areas and facilities."""
