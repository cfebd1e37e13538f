"""Geo integration tests run on a generated street grid centred on Shenzhen."""

from __future__ import annotations

import pytest

from lifeline.config import Settings

NETWORK = "synthetic:2500"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_secret="test-secret-" + "x" * 32,
        log_json=False,
        relay_interval_s=0.05,
        road_network=NETWORK,
        road_horizon_s=1800,
    )
