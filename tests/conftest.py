"""Fixtures shared by every tier live in the tier's own conftest; this file sets hypothesis."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")
