"""Mappings shipped with Lifeline for known public data sources (YAML)."""
