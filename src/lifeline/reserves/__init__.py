"""Reserves: material catalogue, depots, stock by lot, movements, standards, siting, allocation."""
