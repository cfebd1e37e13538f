"""A delivery worker that dies (``os._exit``) right after its N-th e-mail is sent and before it
is marked sent — the worst moment for a crash. Run as a script by ``test_kill_mid_delivery``."""

from __future__ import annotations

import os
import sys

from lifeline.alerts.channels import SmtpEmail
from lifeline.alerts.model import PublicAlert
from lifeline.alerts.outbox import Channel, Delivery
from lifeline.alerts.worker import DeliveryWorker
from lifeline.bootstrap import build_platform
from lifeline.config import Settings

EXIT_CODE = 3


class DieAfter:
    channel = Channel.EMAIL

    def __init__(self, inner: SmtpEmail, sends: int) -> None:
        self.inner = inner
        self.left = sends

    def send(self, delivery: Delivery, alert: PublicAlert, cap_xml: bytes) -> None:
        self.inner.send(delivery, alert, cap_xml)
        self.left -= 1
        if self.left == 0:
            os._exit(EXIT_CODE)  # no cleanup, no commit: as if the process were killed


def main(database_url: str, smtp_port: int, sends: int) -> None:
    platform = build_platform(Settings(database_url=database_url, log_json=False))
    email = SmtpEmail("127.0.0.1", smtp_port, "alerts@lifeline.test")
    worker = DeliveryWorker(platform.uow, platform.clock, {Channel.EMAIL: DieAfter(email, sends)})
    worker.run_once()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
