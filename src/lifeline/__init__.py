"""Lifeline: smart emergency management for a mega-city and its parks."""

__version__ = "0.1.0"
