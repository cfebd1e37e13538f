"""Settings, read from ``LIFELINE_*`` environment variables (or passed in by tests)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything that differs between a laptop demo and a production deployment."""

    model_config = SettingsConfigDict(env_prefix="LIFELINE_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./lifeline.sqlite",
        description="SQLAlchemy URL: sqlite:///path (embedded default) or "
        "postgresql+psycopg://user:pass@host/db",
    )
    jwt_secret: SecretStr | None = Field(
        default=None,
        description="HMAC key for access tokens; when unset a random key is made per process",
    )
    master_key: SecretStr | None = Field(
        default=None,
        description="Base64 of 32 bytes: the key wrapping the data hub's per-dataset data keys "
        "(encryption at rest of personal fields). Production must set it; when unset a random "
        "key is made per process and data encrypted under it is unreadable after a restart",
    )
    jwt_ttl_s: int = Field(default=900, gt=0, le=86_400, description="Access-token lifetime")
    max_body_bytes: int = Field(
        default=10 * 1024 * 1024, gt=0, description="Largest request body accepted"
    )
    relay_interval_s: float = Field(
        default=1.0, gt=0, description="How often the outbox relay polls while serving"
    )
    log_json: bool = Field(default=True, description="Structured JSON logs on stderr")
    log_level: str = Field(default="INFO")
    road_network: str | None = Field(
        default=None,
        description="Road network to route on: the path of an OpenStreetMap .osm.pbf extract, "
        "or synthetic:NODES[:SEED] for a generated grid centred on Shenzhen; when unset, travel "
        "times are great-circle distance at a stated speed",
    )
    road_horizon_s: float = Field(
        default=1800.0,
        gt=0,
        le=86_400,
        description="Longest road travel time searched for (s); farther reads as unreachable",
    )
    road_snap_max_m: float = Field(
        default=500.0,
        gt=0,
        le=100_000,
        description="Farthest a point may lie from the road network and still be routed (m)",
    )
    road_access_kmh: float = Field(
        default=20.0,
        gt=0,
        le=200,
        description="Speed between a point and the road node it snaps to (km/h)",
    )
    mqtt_url: str | None = Field(
        default=None,
        description="mqtt://host:port of the broker the sensor ingest workers subscribe to",
    )
    event_chain: bool = Field(
        default=True, description="Hash-chain the event log (off only for benchmarks)"
    )
    plans_overdue_interval_s: float = Field(
        default=60.0,
        gt=0,
        description="How often overdue plan tasks are checked and escalated while serving",
    )
