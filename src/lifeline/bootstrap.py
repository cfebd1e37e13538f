"""The composition root: the only place that picks concrete adapters and wires the platform.

``build_platform(settings)`` makes the engine, the unit-of-work factory, the access policy, the
message bus with every context's handlers, and the outbox relay with every subscriber. The API
(``create_app``) and the CLI both call it; nothing connects at import time.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from lifeline.alerts import service as alerts_service
from lifeline.alerts.channels import (
    ChannelAdapter,
    FileSms,
    HttpSmsGateway,
    InApp,
    SignedWebhook,
    SmtpEmail,
)
from lifeline.alerts.links import LINKS, LinkSigner
from lifeline.alerts.model import ALERTS, EXTERNAL_ALERTS
from lifeline.alerts.notices import NOTICES
from lifeline.alerts.outbox import OUTBOX, Backoff, Channel
from lifeline.alerts.store import (
    SqlAlertRepository,
    SqlExternalAlertRepository,
    SqlNoticeRepository,
    SqlOutboxRepository,
)
from lifeline.alerts.worker import DeliveryWorker
from lifeline.config import Settings
from lifeline.dispatch import service as dispatch_service
from lifeline.dispatch.model import DISPATCH, TRAVEL
from lifeline.dispatch.store import SqlDispatchRepository
from lifeline.geo import service as geo_service
from lifeline.geo.loading import road_travel_times
from lifeline.geo.network import RoadNetworkError
from lifeline.geo.road import RoadTravelTimes
from lifeline.geo.travel import GreatCircleTravelTimes, LonLat, TravelTimes
from lifeline.geo.warming import TreeWarmer
from lifeline.incidents import service as incidents_service
from lifeline.incidents.merging import MergeRules
from lifeline.incidents.model import INCIDENTS
from lifeline.incidents.service import IntakeSettings
from lifeline.incidents.store import SqlIncidentsRepository
from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.clock import Clock, SystemClock
from lifeline.kernel.db import make_engine
from lifeline.kernel.errors import ConfigurationError
from lifeline.kernel.eventlog import AUDIT, SqlAuditRepository
from lifeline.kernel.group_commit import GroupCommit
from lifeline.kernel.heap import freeze_after_startup
from lifeline.kernel.outbox import OutboxRelay, Subscription
from lifeline.kernel.uow import RepoFactory, SqlUnitOfWork
from lifeline.kernel.wal_checkpoints import WalCheckpointer
from lifeline.monitoring import service as monitoring_service
from lifeline.monitoring.intake import BoundedIntake
from lifeline.monitoring.model import MONITORING
from lifeline.monitoring.ratelimit import RateLimiter
from lifeline.monitoring.sinks import BatchSink
from lifeline.monitoring.store import SqlMonitoringRepository
from lifeline.monitoring.validation import IngestWindow
from lifeline.plans import service as plans_service
from lifeline.plans.model import PLANS
from lifeline.plans.store import SqlPlansRepository
from lifeline.registry import service as registry_service
from lifeline.registry.model import REGISTRY
from lifeline.registry.store import SqlRegistryRepository
from lifeline.reserves import service as reserves_service
from lifeline.reserves.model import RESERVES
from lifeline.reserves.store import SqlReservesRepository
from lifeline.security import audit as security_audit
from lifeline.security import service as security_service
from lifeline.security.model import ORG_PATHS, SECURITY
from lifeline.security.policy import ScopePolicy
from lifeline.security.store import SqlSecurityRepository
from lifeline.security.tokens import TokenCodec
from lifeline.sharing import service as sharing_service
from lifeline.sharing.crypto import parse_master_key
from lifeline.sharing.drop_folder import parse_roots
from lifeline.sharing.model import SHARING
from lifeline.sharing.refresh import RefreshBackoff
from lifeline.sharing.store import SqlSharingRepository
from lifeline.warning import service as warning_service
from lifeline.warning.detectors.sink import StreamDetectorSink
from lifeline.warning.live import AlarmBell
from lifeline.warning.model import WARNING
from lifeline.warning.store import SqlWarningRepository

log = logging.getLogger(__name__)


@cache
def _process_master_key() -> bytes:
    log.warning(
        "LIFELINE_MASTER_KEY is not set: using a random master key for this process only; "
        "personal data encrypted now cannot be read after a restart (production must set it)"
    )
    return secrets.token_bytes(32)


def master_key(settings: Settings) -> bytes:
    """The master key of encryption at rest; one random key per process (with a warning)
    when ``LIFELINE_MASTER_KEY`` is unset."""
    if settings.master_key is not None:
        return parse_master_key(settings.master_key.get_secret_value())
    return _process_master_key()


@cache
def _process_link_key() -> bytes:
    log.warning(
        "LIFELINE_LINK_SIGNING_KEY is not set: unsubscribe links are signed with a random key "
        "for this process only; links in messages already sent stop working after a restart"
    )
    return secrets.token_bytes(32)


def link_signer(settings: Settings) -> LinkSigner:
    """The signer of unsubscribe links, keyed by ``LIFELINE_LINK_SIGNING_KEY``."""
    key = settings.link_signing_key
    raw = key.get_secret_value().encode("utf-8") if key is not None else _process_link_key()
    try:
        return LinkSigner(raw, settings.public_base_url)
    except ValueError as exc:
        raise ConfigurationError(f"LIFELINE_LINK_SIGNING_KEY: {exc}") from None


@dataclass
class Platform:
    """Everything a running Lifeline needs, built once from settings."""

    settings: Settings
    engine: Engine
    clock: Clock
    bus: MessageBus
    relay: OutboxRelay
    tokens: TokenCodec
    travel: TravelTimes = field(default_factory=GreatCircleTravelTimes)
    batch_sinks: tuple[BatchSink, ...] = ()
    alarm_bell: AlarmBell = field(default_factory=AlarmBell)  # wakes the live alarm stream
    repo_factories: dict[str, RepoFactory] = field(default_factory=dict)
    ingest_limiter: RateLimiter = field(
        default_factory=lambda: RateLimiter(rate_per_s=50.0, burst=500.0)
    )
    ingest_intake: BoundedIntake = field(default_factory=lambda: BoundedIntake(100_000))
    ingest_commits: GroupCommit | None = None
    """Group commit of HTTP ingest requests (``None``: each request commits on its own)."""
    tree_warmer: TreeWarmer | None = None
    """Keeps the road network's search trees on the units' stations and positions (started by
    the API; ``None`` without a road network or with no tree budget)."""
    wal_checkpointer: WalCheckpointer | None = None
    """Background WAL checkpoints of a SQLite file (see :meth:`start_wal_checkpoints`)."""

    def uow(self, actor: Actor = SYSTEM_ACTOR, *, read_only: bool = False) -> SqlUnitOfWork:
        """A fresh unit of work acting as ``actor``."""
        return SqlUnitOfWork(
            self.engine,
            self.repo_factories,
            self.clock,
            actor,
            chained=self.settings.event_chain,
            read_only=read_only,
        )

    def authenticate(self, *, bearer: str | None, api_key: str | None) -> Actor:
        """Resolve credentials to an :class:`Actor` (raises ``Unauthenticated``)."""
        return security_service.authenticate(self.uow, self.tokens, bearer=bearer, api_key=api_key)

    def start_wal_checkpoints(self) -> WalCheckpointer | None:
        """On a SQLite file, start copying the WAL into the database from a thread of its own
        every ``sqlite_checkpoint_interval_s`` (decision 0031); the serving processes call it.
        ``None`` (nothing started) on PostgreSQL, in memory, or with the interval at 0."""
        interval_s = self.settings.sqlite_checkpoint_interval_s
        path = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or interval_s <= 0 or not path:
            return None
        if path == ":memory:" or path.startswith("file:"):
            return None
        if self.wal_checkpointer is None:
            self.wal_checkpointer = WalCheckpointer(path, interval_s)
            self.wal_checkpointer.start()
        return self.wal_checkpointer

    def ready_to_serve(self) -> None:
        """What a long-running serving process (the API, the workers) does once it is built and
        before it serves: background WAL checkpoints on SQLite, then a frozen startup heap
        (decisions 0031 and 0030)."""
        self.start_wal_checkpoints()
        freeze_after_startup()

    def close(self) -> None:
        if self.wal_checkpointer is not None:
            self.wal_checkpointer.stop()
        self.engine.dispose()


def build_platform(
    settings: Settings,
    *,
    clock: Clock | None = None,
    subscriptions: tuple[Subscription, ...] = (),
    engine: Engine | None = None,
) -> Platform:
    """Wire the platform. Tests pass a virtual ``clock``, extra ``subscriptions`` or an engine."""
    engine = engine or make_engine(settings.database_url)
    clock = clock or SystemClock()
    factories: dict[str, RepoFactory] = {
        REGISTRY.name: SqlRegistryRepository,
        SECURITY.name: SqlSecurityRepository,
        ORG_PATHS.name: SqlRegistryRepository,  # the registry answers organisation paths
        AUDIT.name: SqlAuditRepository,
        ALERTS.name: SqlAlertRepository,
        EXTERNAL_ALERTS.name: SqlExternalAlertRepository,
        OUTBOX.name: SqlOutboxRepository,
        NOTICES.name: SqlNoticeRepository,
        SHARING.name: partial(SqlSharingRepository, master_key=master_key(settings)),
        RESERVES.name: SqlReservesRepository,
        PLANS.name: SqlPlansRepository,
        WARNING.name: SqlWarningRepository,
        DISPATCH.name: SqlDispatchRepository,
        MONITORING.name: SqlMonitoringRepository,
        INCIDENTS.name: SqlIncidentsRepository,
    }
    links = link_signer(settings)
    factories[LINKS.name] = lambda _conn: links

    def uow_for(actor: Actor, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            engine, factories, clock, actor, chained=settings.event_chain, read_only=read_only
        )

    def system_uow(*, read_only: bool = False) -> SqlUnitOfWork:
        return uow_for(SYSTEM_ACTOR, read_only=read_only)

    travel = load_travel_times(settings)
    relay = OutboxRelay(system_uow, subscriptions)
    bus = MessageBus(uow_for, ScopePolicy(), relay)
    registry_service.register_handlers(bus)
    security_service.register_handlers(bus)
    security_audit.register_handlers(bus)
    alerts_service.register_handlers(bus)
    for subscription in alerts_service.subscriptions():
        relay.subscribe(subscription)
    sharing_service.register_handlers(bus, drop_roots=parse_roots(settings.sharing_drop_roots))
    reserves_service.register_handlers(bus)
    for context in (
        monitoring_service,
        warning_service,
        plans_service,
        dispatch_service,
    ):
        context.register_handlers(bus)
        for subscription in context.subscriptions():
            relay.subscribe(subscription)
    geo_service.register_handlers(bus, travel)
    factories[TRAVEL.name] = lambda _conn: travel  # the travel-time port, per unit of work
    alarm_bell = AlarmBell()
    rule_sink = warning_service.RuleEvaluationSink(
        rules_check_s=settings.warning_rules_check_s, bell=alarm_bell
    )
    detector_sink = StreamDetectorSink()
    warning_service.register_evaluation(bus, rule_sink, detector_sink)
    batch_sinks: tuple[BatchSink, ...] = (rule_sink, detector_sink)
    intake_settings = incident_intake_settings(settings)
    incidents_service.register_handlers(bus, intake_settings)
    for subscription in incidents_service.subscriptions(intake_settings):
        relay.subscribe(subscription)
    secret = (
        settings.jwt_secret.get_secret_value() if settings.jwt_secret else secrets.token_hex(32)
    )
    tokens = TokenCodec(secret=secret, ttl_s=settings.jwt_ttl_s, clock=clock)
    platform = Platform(
        settings=settings,
        engine=engine,
        clock=clock,
        bus=bus,
        relay=relay,
        tokens=tokens,
        travel=travel,
        batch_sinks=batch_sinks,
        alarm_bell=alarm_bell,
        repo_factories=factories,
        ingest_limiter=RateLimiter(
            rate_per_s=settings.monitoring_device_rate_per_s,
            burst=settings.monitoring_device_burst,
        ),
        ingest_intake=BoundedIntake(settings.monitoring_intake_capacity),
        ingest_commits=GroupCommit(
            bus,
            max_weight=settings.monitoring_group_commit_max_observations,
            weight=lambda command: command.rows.total,
        ),
    )
    if isinstance(travel, RoadTravelTimes) and travel.max_trees > 0:

        def route_origins() -> list[LonLat]:
            with system_uow(read_only=True) as uow:
                return dispatch_service.route_origins(uow)

        platform.tree_warmer = TreeWarmer(
            travel, route_origins, interval_s=settings.road_warm_interval_s
        )
    monitoring_service.register_runtime(
        bus,
        window=IngestWindow(
            late_window_s=settings.monitoring_late_window_s,
            future_tolerance_s=settings.monitoring_future_tolerance_s,
        ),
        grace_factor=settings.monitoring_offline_grace_factor,
        sinks=lambda: platform.batch_sinks,
    )
    return platform


def channel_adapters(settings: Settings) -> dict[Channel, ChannelAdapter]:
    """The channels the settings configure; in-app always, the others when their endpoint is
    set (unconfigured channels' messages stay queued, visible in the delivery report)."""
    adapters: dict[Channel, ChannelAdapter] = {Channel.IN_APP: InApp()}
    if settings.smtp_host:
        adapters[Channel.EMAIL] = SmtpEmail(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_from,
            tls=settings.smtp_tls,
            user=settings.smtp_user,
            password=_secret(settings.smtp_password),
        )
    if settings.sms_gateway_url:
        if settings.sms_provider == "file":
            path = settings.sms_gateway_url.removeprefix("file://")
            adapters[Channel.SMS] = FileSms(Path(path))
        else:
            adapters[Channel.SMS] = HttpSmsGateway(
                settings.sms_gateway_url,
                user=settings.sms_user,
                password=_secret(settings.sms_password),
            )
    if settings.webhook_secret is not None:
        adapters[Channel.WEBHOOK] = SignedWebhook(
            settings.webhook_secret.get_secret_value().encode("utf-8")
        )
    return adapters


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def delivery_worker(platform: Platform, *, owner: str | None = None) -> DeliveryWorker:
    """The alerts delivery worker over the channels the settings configure."""
    s = platform.settings
    return DeliveryWorker(
        platform.uow,
        platform.clock,
        channel_adapters(s),
        backoff=Backoff(
            base_s=s.delivery_backoff_base_s,
            max_s=s.delivery_backoff_max_s,
            max_attempts=s.delivery_max_attempts,
        ),
        batch=s.delivery_batch,
        lease_s=s.delivery_lease_s,
        links=link_signer(s),
        rates_per_s={
            Channel.EMAIL: s.delivery_rate_email_per_s,
            Channel.SMS: s.delivery_rate_sms_per_s,
            Channel.WEBHOOK: s.delivery_rate_webhook_per_s,
        },
        owner=owner,
    )


def refresh_worker(
    platform: Platform, *, owner: str | None = None
) -> sharing_service.RefreshWorker:
    """The worker fetching the data hub's scheduled HTTP sources, as the settings say."""
    s = platform.settings
    return sharing_service.RefreshWorker(
        platform.bus,
        platform.uow,
        platform.clock,
        owner=owner,
        lease_s=s.sharing_refresh_lease_s,
        backoff=RefreshBackoff(
            base_s=s.sharing_refresh_backoff_base_s, max_s=s.sharing_refresh_backoff_max_s
        ),
        drop_roots=parse_roots(s.sharing_drop_roots),
    )


def incident_intake_settings(settings: Settings) -> IntakeSettings:
    """Duplicate detection and public-report limits of the incidents context."""
    return IntakeSettings(
        merge=MergeRules(
            window_s=settings.incident_merge_window_s,
            distance_m=settings.incident_merge_distance_m,
        ),
        public_window_s=settings.incident_public_window_s,
        public_per_ip=settings.incident_public_per_ip,
        public_per_phone=settings.incident_public_per_phone,
        photo_max_bytes=settings.incident_photo_max_bytes,
    )


def load_travel_times(settings: Settings) -> TravelTimes:
    """The road network named by ``settings.road_network``, else the great-circle fallback."""
    if not settings.road_network:
        return GreatCircleTravelTimes()
    try:
        return road_travel_times(
            settings.road_network,
            horizon_s=settings.road_horizon_s,
            snap_max_m=settings.road_snap_max_m,
            access_kmh=settings.road_access_kmh,
            tree_budget_bytes=int(settings.road_tree_budget_mb * 2**20),
        )
    except RoadNetworkError as exc:
        raise ConfigurationError(f"LIFELINE_ROAD_NETWORK={settings.road_network}: {exc}") from exc
