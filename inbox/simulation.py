"""What the channels' traffic simulators share: the simulate_* command and its run loop.

A channel's `manage.py simulate_<channel>` subclasses `SimulatorCommand`, giving its help
text, platform name, default interval and simulator class, and saying in one line what a
batch did; the command waits for the server over the simulator's session. The simulators
post with `post_or_log`. Nothing here knows a platform's payloads: those stay in each
channel's simulator.
"""

import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, Protocol

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


class Simulator(Protocol):
    base_url: str  # this server, where the webhooks go
    session: requests.Session

    def run_batch(self, *, burst: int) -> Any: ...


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


def wait_for_server(session: requests.Session, base_url: str, *, timeout: float) -> bool:
    """True once the web server answers at all (it may still be starting)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            session.get(f"{base_url}/healthz", timeout=2)
            return True
        except requests.RequestException:
            if time.monotonic() >= deadline:
                return False
            time.sleep(1)


def post_or_log(
    session: requests.Session,
    url: str,
    *,
    log: logging.Logger,
    command: str,
    timeout: float,
    **kwargs: Any,
) -> bool:
    """POST; True when it was taken (2xx). A failure is logged, not raised: the server
    may be starting or restarting, and the run goes on."""
    try:
        response = session.post(url, timeout=timeout, **kwargs)
    except requests.RequestException as exc:
        log.warning("%s: POST %s failed: %s", command, url, exc)
        return False
    if response.status_code >= 300:
        log.warning(
            "%s: POST %s answered %s: %s",
            command,
            url,
            response.status_code,
            response.text[:200],
        )
        return False
    return True


class SimulatorCommand(BaseCommand):
    """Sandbox only: posts a batch every --interval seconds until Ctrl-C or --count.

    honcho stops every process when one exits, so under `SOCIALCARE_SANDBOX=0 make run`
    the Procfile's --idle-without-sandbox keeps the command waiting quietly instead of
    refusing.
    """

    platform: ClassVar[str]  # "Facebook": a brand name, so it is not translated
    default_interval: ClassVar[float]
    simulator_class: ClassVar[type[Simulator]]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=self.default_interval,
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

    def check_settings(self) -> None:
        """Raise CommandError when a setting the simulator needs is missing."""

    def describe(self, batch: int, report: Any, simulator: Any) -> str:
        """One line saying what batch number `batch` did."""
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SANDBOX and options["idle_without_sandbox"]:
            self._idle()
            return
        if not settings.SANDBOX:
            raise CommandError(
                _(
                    "%(command)s only runs with SOCIALCARE_SANDBOX=1: it posts invented "
                    "customer traffic, which must never reach a real inbox."
                )
                % {"command": self._name()}
            )
        self.check_settings()
        interval, count, burst = options["interval"], options["count"], options["burst"]
        if interval < 0 or count < 0 or burst < 1:
            raise CommandError(_("--interval and --count must be 0 or more, --burst 1 or more."))
        simulator = self.simulator_class()
        try:
            with sigterm_as_interrupt():
                self._wait(simulator, options["wait"])
                batch = 0
                while True:
                    batch += 1
                    self._say(self.describe(batch, simulator.run_batch(burst=burst), simulator))
                    if count and batch >= count:
                        break
                    time.sleep(interval)
        except KeyboardInterrupt:
            self._say(_("%(platform)s simulator stopped.") % {"platform": self.platform})

    def _name(self) -> str:
        # Django names a command after its module: simulate_facebook.py.
        return type(self).__module__.rsplit(".", 1)[-1]

    def _idle(self) -> None:
        self._say(
            _("SOCIALCARE_SANDBOX is off: no simulated %(platform)s traffic.")
            % {"platform": self.platform}
        )
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
        if timeout > 0 and not wait_for_server(
            simulator.session, simulator.base_url, timeout=timeout
        ):
            self.stderr.write(
                _("No answer from %(url)s yet; sending anyway.") % {"url": simulator.base_url}
            )
