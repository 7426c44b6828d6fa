"""Post realistic, signed Facebook webhooks for the connected Pages to this server.

    manage.py simulate_facebook [--interval 20] [--count 0] [--burst 4] [--wait 60]
                                [--idle-without-sandbox]

Sandbox only (SOCIALCARE_SANDBOX=1): `make run` starts it next to the web server, so the
demo inbox receives live Messenger messages, comment threads and reviews. The arguments,
the run loop and the idling without the sandbox are inbox.simulation's.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from channels_fb.simulator import BatchReport, Simulator
from inbox.simulation import SimulatorCommand


class Command(SimulatorCommand):
    help = _(
        "Post realistic, signed Facebook webhooks (Messenger messages, comment threads, "
        "reviews, in six languages) for the connected Pages to this server. Sandbox only."
    )
    platform = "Facebook"
    default_interval = 20.0
    simulator_class = Simulator

    def check_settings(self) -> None:
        if not settings.FACEBOOK_APP_SECRET:
            raise CommandError(
                _("FACEBOOK_APP_SECRET is not set: the simulator cannot sign its webhooks.")
            )

    def describe(self, batch: int, report: BatchReport, simulator: Simulator) -> str:
        if not report.pages:
            return _("batch %(n)d: no active Facebook Page is connected; nothing sent.") % {
                "n": batch
            }
        return ngettext(
            "batch %(n)d: %(events)d events in %(posts)d POSTs for %(pages)d Page "
            "to %(url)s, %(failed)d failed",
            "batch %(n)d: %(events)d events in %(posts)d POSTs for %(pages)d Pages "
            "to %(url)s, %(failed)d failed",
            report.pages,
        ) % {
            "n": batch,
            "posts": report.posts,
            "events": report.events,
            "pages": report.pages,
            "url": simulator.webhook_url,
            "failed": report.failed,
        }
