"""Post realistic, signed Viber callbacks for the connected bots to this server.

    manage.py simulate_viber [--interval 25] [--count 0] [--burst 4] [--wait 60]
                             [--idle-without-sandbox]

Sandbox only (SOCIALCARE_SANDBOX=1): `make run` starts it next to the web server, so the
demo inbox receives live Viber conversations, subscriptions and receipts for the replies.
honcho stops every process when one exits, so under `SOCIALCARE_SANDBOX=0 make run` the
Procfile's --idle-without-sandbox keeps it waiting quietly instead of refusing.
"""

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from channels_viber.simulator import BatchReport, Simulator


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """honcho stops its processes with SIGTERM: end the loop as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Command(BaseCommand):
    help = _(
        "Post realistic, signed Viber callbacks (conversations in six languages, pictures, "
        "stickers, locations, contacts, files, subscriptions, receipts) for the connected "
        "bots to this server. Sandbox only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=25.0,
            metavar="SECONDS",
            help=_("Seconds between two batches (default %(default)s)."),
        )
        parser.add_argument(
            "--count",
            type=int,
            default=0,
            metavar="N",
            help=_("Stop after this many batches; 0 runs until Ctrl-C (default %(default)s)."),
        )
        parser.add_argument(
            "--burst",
            type=int,
            default=4,
            metavar="N",
            help=_("Customer actions per batch (default %(default)s)."),
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=60.0,
            metavar="SECONDS",
            help=_(
                "How long to wait for the web server to answer before the first batch "
                "(default %(default)s)."
            ),
        )
        parser.add_argument(
            "--idle-without-sandbox",
            action="store_true",
            help=_("With the sandbox off, wait until stopped instead of refusing to run."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SANDBOX and options["idle_without_sandbox"]:
            self._idle()
            return
        if not settings.SANDBOX:
            raise CommandError(
                _(
                    "simulate_viber only runs with SOCIALCARE_SANDBOX=1: it posts invented "
                    "customer traffic, which must never reach a real inbox."
                )
            )
        interval, count, burst = options["interval"], options["count"], options["burst"]
        if interval < 0 or count < 0 or burst < 1:
            raise CommandError(_("--interval and --count must be 0 or more, --burst 1 or more."))
        simulator = Simulator()
        try:
            with sigterm_as_interrupt():
                self._wait(simulator, options["wait"])
                batch = 0
                while True:
                    batch += 1
                    self._report(batch, simulator.run_batch(burst=burst), simulator)
                    if count and batch >= count:
                        break
                    time.sleep(interval)
        except KeyboardInterrupt:
            self._say(_("Viber simulator stopped."))

    def _idle(self) -> None:
        self._say(_("SOCIALCARE_SANDBOX is off: no simulated Viber traffic."))
        try:
            with sigterm_as_interrupt():
                while True:
                    time.sleep(3600)
        except KeyboardInterrupt:
            return

    def _say(self, line: str) -> None:
        # Under honcho stdout is a pipe: flush, so each line shows when it happens.
        self.stdout.write(line)
        self.stdout.flush()

    def _wait(self, simulator: Simulator, timeout: float) -> None:
        if timeout > 0 and not simulator.wait_for_server(timeout=timeout):
            self.stderr.write(
                _("No answer from %(url)s yet; sending anyway.") % {"url": simulator.base_url}
            )

    def _report(self, batch: int, report: BatchReport, simulator: Simulator) -> None:
        if not report.bots:
            self._say(
                _("batch %(n)d: no active Viber bot is connected; nothing sent.") % {"n": batch}
            )
            return
        self._say(
            ngettext(
                "batch %(n)d: %(callbacks)d callbacks for %(bots)d bot to %(url)s, "
                "%(failed)d failed",
                "batch %(n)d: %(callbacks)d callbacks for %(bots)d bots to %(url)s, "
                "%(failed)d failed",
                report.bots,
            )
            % {
                "n": batch,
                "callbacks": report.callbacks,
                "bots": report.bots,
                "url": f"{simulator.base_url}/webhooks/viber/",
                "failed": report.failed,
            }
        )
