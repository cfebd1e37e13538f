"""Dispatch domain types: units, their status machine, orders (filled in by the dispatch work)."""
