"""Settings, read from ``LIFELINE_*`` environment variables (or passed in by tests)."""

from __future__ import annotations

from typing import Literal

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
    warning_escalation_interval_s: float = Field(
        default=30.0,
        gt=0,
        description="How often the server runs due alarm escalations and absence checks",
    )
    warning_stream_poll_s: float = Field(
        default=0.5, gt=0, description="How often the live alarm stream looks for new events"
    )
    warning_rules_check_s: float = Field(
        default=1.0,
        ge=0,
        description="How often the evaluator looks for rule changes made by other processes",
    )
    log_json: bool = Field(default=True, description="Structured JSON logs on stderr")
    log_level: str = Field(default="INFO")
    road_network: str | None = Field(
        default=None,
        description="Road network to route on: the path of an OpenStreetMap .osm.pbf extract, "
        "or synthetic:NODES[:SEED[:SPACING_M]] for a generated grid centred on Shenzhen; when "
        "unset, travel times are great-circle distance at a stated speed",
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
    road_tree_budget_mb: float = Field(
        default=256.0,
        ge=0,
        le=65_536,
        description="Memory for search trees kept for units' stations and positions (MiB); "
        "4 bytes per road node each; 0 keeps none",
    )
    road_warm_interval_s: float = Field(
        default=5.0,
        gt=0,
        le=3_600,
        description="How often a serving process looks for new or moved units to warm trees for",
    )
    mqtt_url: str | None = Field(
        default=None,
        description="mqtt://host:port of the broker the sensor ingest workers subscribe to",
    )
    monitoring_late_window_s: float = Field(
        default=86_400.0,
        gt=0,
        description="Observations older than this (phenomenon time before now) are quarantined",
    )
    monitoring_future_tolerance_s: float = Field(
        default=300.0,
        ge=0,
        description="Observations timestamped later than now plus this are quarantined",
    )
    monitoring_device_rate_per_s: float = Field(
        default=50.0, gt=0, description="Observations per second one device may send, sustained"
    )
    monitoring_device_burst: float = Field(
        default=500.0, gt=0, description="Observations one device may send at once (bucket size)"
    )
    monitoring_intake_capacity: int = Field(
        default=100_000,
        gt=0,
        description="Observations received but not yet stored, at most, in one process; beyond "
        "it HTTP ingest answers 503 with Retry-After and MQTT workers withhold acknowledgements",
    )
    monitoring_group_commit_max_observations: int = Field(
        default=10_000,
        gt=0,
        description="HTTP ingest requests that arrive while a commit is in flight are stored "
        "together in the next transaction, up to this many observations",
    )
    monitoring_offline_grace_factor: float = Field(
        default=3.0,
        gt=1,
        description="A device is offline after this many expected reporting intervals of silence",
    )
    monitoring_health_interval_s: float = Field(
        default=30.0, gt=0, description="How often device health is checked while serving"
    )
    sqlite_checkpoint_interval_s: float = Field(
        default=0.05,
        ge=0,
        description="Serving processes on a SQLite file copy the WAL into the database from a "
        "thread of their own this often, so commits rarely run a checkpoint (0: off; "
        "decision 0031)",
    )
    event_chain: bool = Field(
        default=True, description="Hash-chain the event log (off only for benchmarks)"
    )
    plans_overdue_interval_s: float = Field(
        default=60.0,
        gt=0,
        description="How often overdue plan tasks are checked and escalated while serving",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where the public reaches this platform; absolute links in messages "
        "(one-click unsubscribe) start with it",
    )
    link_signing_key: SecretStr | None = Field(
        default=None,
        description="HMAC key (at least 16 characters) signing the unsubscribe links in "
        "messages; every process must share it. When unset a random key is made per process "
        "and links in messages sent earlier stop working after a restart",
    )
    # --- delivery of public warnings (alerts) -----------------------------------------------
    delivery_loop: bool = Field(
        default=True,
        description="Run the alerts delivery loop inside every API process (leases keep "
        "several processes from sending the same message); off: run `lifeline alerts deliver`",
    )
    delivery_interval_s: float = Field(
        default=2.0, gt=0, description="How often each channel looks for due messages"
    )
    delivery_lease_s: float = Field(
        default=300.0,
        gt=0,
        description="How long a worker holds the messages it claimed; a crashed worker's "
        "messages are claimed again after this",
    )
    delivery_batch: int = Field(default=100, gt=0, le=10_000, description="Messages per claim")
    delivery_backoff_base_s: float = Field(
        default=30.0, gt=0, description="Wait after the first failed attempt (doubles each time)"
    )
    delivery_backoff_max_s: float = Field(
        default=3600.0, gt=0, description="Longest wait between attempts"
    )
    delivery_max_attempts: int = Field(
        default=8, gt=0, description="Attempts before a message becomes a dead letter"
    )
    delivery_rate_email_per_s: float = Field(
        default=0.0, ge=0, description="Most e-mails per second per worker (0: unpaced)"
    )
    delivery_rate_sms_per_s: float = Field(
        default=0.0, ge=0, description="Most SMS per second per worker (0: unpaced)"
    )
    delivery_rate_webhook_per_s: float = Field(
        default=0.0, ge=0, description="Most webhook calls per second per worker (0: unpaced)"
    )
    smtp_host: str | None = Field(
        default=None, description="SMTP server for e-mail warnings; unset: e-mail is not sent"
    )
    smtp_port: int = Field(default=25, gt=0, lt=65_536)
    smtp_tls: Literal["none", "starttls", "tls"] = Field(
        default="none", description="none, starttls (upgrade) or tls (implicit, e.g. port 465)"
    )
    smtp_user: str | None = Field(default=None, description="SMTP login, when the server needs one")
    smtp_password: SecretStr | None = Field(default=None)
    smtp_from: str = Field(default="alerts@lifeline.invalid", description="From address")
    sms_gateway_url: str | None = Field(
        default=None,
        description="SMS gateway endpoint (provider json: an HTTP URL; provider file: a path "
        "or file:// URL of a JSON-lines file); unset: SMS is not sent",
    )
    sms_provider: Literal["json", "file"] = Field(
        default="json",
        description="SMS provider adapter: json (POST {to, parts} to the gateway) or file "
        "(append each message to a local JSON-lines file; nothing leaves the machine)",
    )
    sms_user: str | None = Field(default=None, description="Gateway login (HTTP basic auth)")
    sms_password: SecretStr | None = Field(default=None)
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="HMAC-SHA256 key signing webhook bodies (X-Lifeline-Signature); unset: "
        "webhooks are not sent",
    )
    incident_merge_window_s: float = Field(
        default=600.0, gt=0, description="Reports this close in time may be duplicates (seconds)"
    )
    incident_merge_distance_m: float = Field(
        default=200.0, gt=0, description="Reports this close in space may be duplicates (metres)"
    )
    incident_public_window_s: float = Field(
        default=3600.0, gt=0, description="Window of the public report rate limits (seconds)"
    )
    incident_public_per_ip: int = Field(
        default=10, gt=0, description="Public reports accepted per address per window"
    )
    incident_public_per_phone: int = Field(
        default=5, gt=0, description="Public reports accepted per phone number per window"
    )
    incident_sitrep_check_interval_s: float = Field(
        default=60.0,
        gt=0,
        description="How often due situation reports are reminded while serving (seconds)",
    )
    incident_photo_max_bytes: int = Field(
        default=5 * 1024 * 1024, gt=0, description="Largest photo a public report may carry"
    )
    # --- scheduled refresh of the data hub's HTTP sources ------------------------------------
    sharing_refresh_loop: bool = Field(
        default=True,
        description="Fetch due HTTP sources and file drops of the data hub inside every API "
        "process (leases keep two workers off one dataset); off: run "
        "`lifeline ingest refresh --every S`",
    )
    sharing_refresh_interval_s: float = Field(
        default=30.0, gt=0, description="How often the refresh loop looks for due sources"
    )
    sharing_refresh_lease_s: float = Field(
        default=900.0,
        gt=0,
        description="How long a worker holds a dataset it is fetching; a crashed worker's "
        "datasets are fetched by another after this (keep it above the longest fetch)",
    )
    sharing_refresh_backoff_base_s: float = Field(
        default=60.0, gt=0, description="Retry after the first failed fetch (doubles each time)"
    )
    sharing_refresh_backoff_max_s: float = Field(
        default=3600.0, gt=0, description="Longest wait before retrying a failing source"
    )
    sharing_drop_roots: str = Field(
        default="",
        description="Directories (separated by ':') that file drops may lie in; a drop "
        "elsewhere is refused (403). Empty: file drops are disabled",
    )
