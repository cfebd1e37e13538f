"""One-click unsubscribe: check a signed link and withdraw the subscription it names."""

from __future__ import annotations

from dataclasses import dataclass

from lifeline.alerts.events import SubscriptionWithdrawn
from lifeline.alerts.links import LINKS
from lifeline.alerts.messages import CheckUnsubscribeToken, Unsubscribe
from lifeline.alerts.outbox import OUTBOX, Channel, Subscription
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import NotFound
from lifeline.security.masking import mask_phone


@dataclass(frozen=True, slots=True)
class UnsubscribeView:
    """What the confirmation page shows: never the full address."""

    subscription_id: str
    channel: Channel
    masked_address: str
    active: bool


def mask_address(channel: Channel, address: str) -> str:
    """``alice@example.org`` → ``a****@example.org``; phones keep 3 + 4 digits; URLs their host."""
    if channel is Channel.EMAIL and "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}{'*' * max(1, len(local) - 1)}@{domain}"
    if channel is Channel.SMS:
        return mask_phone(address) or ""
    if channel is Channel.WEBHOOK:
        scheme, sep, rest = address.partition("://")
        host = rest.split("/", 1)[0] if sep else ""
        return f"{scheme}://{host}/…" if host else "…"
    return address[:2] + "…"


def _subscription(ctx: HandlerContext, token: str) -> Subscription:
    subscription_id = ctx.uow.repo(LINKS).verify(token)
    sub = ctx.uow.repo(OUTBOX).get_subscription(subscription_id)
    if sub is None:
        raise NotFound("subscription", subscription_id)
    ctx.authorize(target_kind="subscription", target_id=sub.id, target_path="/")
    return sub


def check_unsubscribe_token(query: CheckUnsubscribeToken, ctx: HandlerContext) -> UnsubscribeView:
    sub = _subscription(ctx, query.token)
    return UnsubscribeView(
        sub.id, sub.channel, mask_address(sub.channel, sub.address), sub.unsubscribed_at is None
    )


def unsubscribe(cmd: Unsubscribe, ctx: HandlerContext) -> UnsubscribeView:
    """Withdraw the subscription and its queued deliveries; recorded without the address."""
    sub = _subscription(ctx, cmd.token)
    view = UnsubscribeView(sub.id, sub.channel, mask_address(sub.channel, sub.address), False)
    if sub.unsubscribed_at is not None:
        return view
    withdrawn = ctx.uow.repo(OUTBOX).withdraw(sub.id, ctx.uow.clock.now())
    ctx.uow.record(
        SubscriptionWithdrawn(
            aggregate_id=sub.id, channel=sub.channel.value, deliveries_withdrawn=withdrawn
        )
    )
    return view
