"""Public-warning throughput: CAP 1.2 validations per second, and fan-out of one alert to many
SMS subscribers through a throttled local gateway — time and peak Python memory.

1. **CAP validation**: the full pipeline of ``lifeline.alerts.cap.validate`` (safe parse,
   namespace, official XSD, model, spec rules) on the four CAP 1.2 spec examples and one
   bilingual Lifeline alert, against a baseline of the safe parse alone, in the same run.
2. **SMS fan-out**: one published alert rendered once to its bilingual SMS text and segmented
   (70/67 UCS-2 code units, so it takes several parts), then sent to ``--subscribers`` phone
   numbers generated on the fly, each segment through an in-process gateway paced to at most
   ``--rate`` segments/s. The baseline is the same loop into an unthrottled gateway that only
   counts.
   Peak memory (``tracemalloc``) is measured for the full run and for a tenth of it: a ratio
   near 1.0 means memory does not grow with the number of subscribers.
3. **Targeting**: which of the same number of random Shenzhen subscribers lie in a district
   polygon, a park circle or under a district code (vectorised), as a ratio to the fan-out
   baseline.

4. **Database outbox** (SQLite file, WAL, ``synchronous=FULL``): ``--outbox`` queued in-app
   messages of one alert drained by ``DeliveryWorker`` — claimed in leased batches, each marked
   sent in its own transaction — by one worker and by two workers at once, against a baseline
   of the same per-message mark without claims or leases. Two workers must send each message
   exactly once; the script checks it.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from lifeline.alerts.cap import produce, validate
from lifeline.alerts.cap.model import CapArea, CapCircle, CapMsgType, CapStatus, NamedValue
from lifeline.alerts.cap.safexml import parse_untrusted
from lifeline.alerts.channels import InApp
from lifeline.alerts.levels import Colour
from lifeline.alerts.model import ALERTS, AlertState, AlertText, PublicAlert
from lifeline.alerts.outbox import OUTBOX, Channel, Delivery, DeliveryState, idempotency_key
from lifeline.alerts.sms import segment
from lifeline.alerts.targeting import in_areas
from lifeline.alerts.templates import template_for
from lifeline.alerts.worker import DeliveryWorker
from lifeline.bootstrap import Platform, build_platform
from lifeline.config import Settings
from lifeline.kernel.clock import VirtualClock
from lifeline.migrations import runner

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "tests" / "data" / "cap").glob("*.xml"))
T0 = datetime(2026, 7, 1, 8, tzinfo=UTC)


def demo_alert() -> PublicAlert:
    template = template_for("typhoon")
    texts = tuple(
        AlertText(
            language=t.language,
            event=t.event,
            headline=t.headline.format(area=name, colour=colour),
            description=t.description.format(area=name, colour=colour),
            instruction=t.instruction.format(area=name, colour=colour),
            area_desc=name,
        )
        for t, name, colour in (
            (template.text("zh-CN"), "深圳市", "橙色"),
            (template.text("en"), "Shenzhen", "orange"),
        )
    )
    return PublicAlert(
        id="bench",
        organisation_id="city",
        organisation_path="/city/",
        identifier="44030000000000_20260701160000_0",
        hazard=template.hazard,
        colour=Colour.ORANGE,
        status=CapStatus.ACTUAL,
        msg_type=CapMsgType.ALERT,
        category=template.category,
        response_type=template.response_type,
        urgency=template.urgency,
        certainty=template.certainty,
        texts=texts,
        areas=(CapArea("", geocodes=(NamedValue("GB/T 2260", "440300"),)),),
        expires_at=T0 + timedelta(hours=12),
        created_by="user:a",
        created_at=T0,
    )


def bench_validation(seconds: float) -> tuple[float, float]:
    documents = [p.read_bytes() for p in EXAMPLES] + [produce(demo_alert().to_cap(sent=T0))]

    def rate(fn: object) -> float:
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for doc in documents:
                fn(doc)  # type: ignore[operator]
            count += len(documents)
        return count / (time.perf_counter() - start)

    for doc in documents:  # warm the schema cache and check the inputs are valid
        assert validate(doc).ok
    return rate(validate), rate(parse_untrusted)


class ThrottledGateway:
    """An in-process SMS gateway that accepts at most ``rate`` segments per second."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.sent = 0
        self._start = time.perf_counter()

    def send(self, phone: str, parts: tuple[str, ...]) -> None:
        self.sent += len(parts)
        due = self._start + self.sent / self.rate
        wait = due - time.perf_counter()
        if wait > 0.001:
            time.sleep(wait)


class CountingGateway:
    def __init__(self) -> None:
        self.sent = 0

    def send(self, phone: str, parts: tuple[str, ...]) -> None:
        self.sent += len(parts)


def subscribers(n: int) -> Iterator[str]:
    for i in range(n):
        yield f"+86138{i:08d}"


def fan_out(n: int, gateway: ThrottledGateway | CountingGateway) -> tuple[float, int, int]:
    """Send one alert to ``n`` subscribers; return seconds, segments sent, peak bytes."""
    tracemalloc.start()
    start = time.perf_counter()
    zh, en = demo_alert().texts
    body = (
        f"【深圳预警】{zh.headline}：{zh.description}{zh.instruction} "
        f"{en.headline}. {en.instruction}"
    )
    parts = segment(body).parts
    for phone in subscribers(n):
        gateway.send(phone, parts)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, gateway.sent, peak


def bench_targeting(n: int) -> tuple[float, int]:
    """Seconds to find which of ``n`` random Shenzhen subscribers lie in a district polygon, a
    park circle or under a district code (``lifeline.alerts.targeting.in_areas``)."""
    rng = np.random.default_rng(7)
    lons = rng.uniform(113.75, 114.62, n)
    lats = rng.uniform(22.45, 22.86, n)
    codes = [("440304", "440303", "")[i % 3] for i in range(n)]
    ring = ((22.52, 114.02), (22.52, 114.09), (22.57, 114.09), (22.57, 114.02), (22.52, 114.02))
    areas = (
        CapArea("", polygons=(ring,), geocodes=(NamedValue("GB/T 2260", "440304"),)),
        CapArea("", circles=(CapCircle(22.688, 114.127, 0.8),)),
    )
    start = time.perf_counter()
    hit = in_areas(areas, lons, lats, codes)
    return time.perf_counter() - start, int(hit.sum())


def _outbox_platform(directory: Path, n: int) -> Platform:
    settings = Settings(
        database_url=f"sqlite:///{directory / 'outbox.sqlite'}",
        log_json=False,
        master_key=base64.b64encode(bytes(32)).decode("ascii"),
        link_signing_key="benchmark-link-signing-key",
    )
    platform = build_platform(settings, clock=VirtualClock(T0 + timedelta(minutes=1)))
    runner.upgrade(platform.engine)
    alert = dataclasses.replace(demo_alert(), state=AlertState.PUBLISHED, published_at=T0)
    with platform.uow() as uow:
        uow.repo(ALERTS).add(alert)
        uow.repo(OUTBOX).enqueue(
            [
                Delivery(
                    id=f"d{i:09d}",
                    alert_id=alert.id,
                    subscription_id=f"s{i:09d}",
                    channel=Channel.IN_APP,
                    address=f"user-{i}",
                    language="zh-CN",
                    idempotency_key=idempotency_key(alert.id, f"s{i:09d}", Channel.IN_APP),
                    state=DeliveryState.QUEUED,
                    attempts=0,
                    next_attempt_at=T0,
                )
                for i in range(n)
            ]
        )
        uow.commit()
    return platform


def _sent(platform: Platform) -> int:
    with platform.uow() as uow:
        return uow.repo(OUTBOX).report("bench").get("in_app", {}).get("sent", 0)


def bench_outbox(n: int) -> tuple[float, float, float]:
    """Seconds to drain ``n`` messages: plain per-message marks, one leased worker, two."""
    with tempfile.TemporaryDirectory() as tmp:
        timings = []
        for workers in (0, 1, 2):
            directory = Path(tmp) / f"w{workers}"
            directory.mkdir()
            platform = _outbox_platform(directory, n)
            start = time.perf_counter()
            if workers == 0:
                with platform.uow() as uow:
                    rows = uow.repo(OUTBOX).claim(
                        Channel.IN_APP, platform.clock.now(), n, owner="x", lease_until=T0
                    )
                for d in rows:  # the same per-message transaction, without leases
                    with platform.uow() as uow:
                        uow.repo(OUTBOX).mark_sent(d.id, platform.clock.now())
                        uow.commit()
            else:
                pool = [
                    DeliveryWorker(platform.uow, platform.clock, {Channel.IN_APP: InApp()})
                    for _ in range(workers)
                ]
                threads = [threading.Thread(target=w.run_once) for w in pool]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                if sum(w.totals.sent.get(Channel.IN_APP, 0) for w in pool) != n:
                    raise SystemExit("outbox: a message was sent twice or not at all")
            timings.append(time.perf_counter() - start)
            if _sent(platform) != n:
                raise SystemExit("outbox: not every message was marked sent")
            platform.close()
    return timings[0], timings[1], timings[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="seconds: does it still work?")
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=500_000.0, help="gateway segments/s")
    parser.add_argument("--outbox", type=int, default=2_000, help="messages in the outbox part")
    args = parser.parse_args()
    n = 20_000 if args.quick else args.subscribers
    seconds = 0.3 if args.quick else 3.0

    validations, parses = bench_validation(seconds)
    print("CAP 1.2 validation throughput (documents/s)")
    print(f"validate (parse+XSD+model+rules)  {validations:>12,.0f}")
    print(f"safe parse only (baseline)        {parses:>12,.0f}")
    print(f"ratio validate/parse: {validations / parses:.2f}")

    fan_out(1000, CountingGateway())  # warm up
    base_s, _, _ = fan_out(n, CountingGateway())
    full_s, segments, full_peak = fan_out(n, ThrottledGateway(args.rate))
    tenth_s, _, tenth_peak = fan_out(max(n // 10, 1), ThrottledGateway(args.rate))
    print(f"\nSMS fan-out of one alert to {n:,} subscribers ({segments // n} segments each)")
    print(f"throttled gateway at {args.rate:,.0f} segments/s  {full_s:>8.2f} s")
    print(f"unthrottled counting gateway (baseline)  {base_s:>8.2f} s")
    print(f"ratio throttled/baseline: {full_s / base_s:.2f}")
    print(f"peak memory: {full_peak / 1024:,.0f} KiB for {n:,}; {tenth_peak / 1024:,.0f} KiB for")
    print(f"  {max(n // 10, 1):,} subscribers ({tenth_s:.2f} s)")
    print(f"ratio peak memory full/tenth: {full_peak / max(tenth_peak, 1):.2f}")
    target_s, hits = bench_targeting(n)
    print(f"\ntargeting {n:,} subscribers (polygon, circle, codes): {target_s:.2f} s, {hits:,} in")
    print(f"ratio targeting/fan-out baseline: {target_s / base_s:.2f}")

    m = 200 if args.quick else args.outbox
    plain_s, one_s, two_s = bench_outbox(m)
    print(f"\ndatabase outbox on SQLite: {m:,} in-app messages, one transaction per mark")
    print(f"plain marks, no claims (baseline)  {m / plain_s:>10,.0f} messages/s")
    print(f"one leased worker                  {m / one_s:>10,.0f} messages/s")
    print(f"two leased workers at once         {m / two_s:>10,.0f} messages/s")
    print(f"ratio one worker/baseline: {plain_s / one_s:.2f}")
    print(f"ratio two workers/one: {one_s / two_s:.2f}")


if __name__ == "__main__":
    main()
