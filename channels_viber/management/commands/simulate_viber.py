"""Post realistic, signed Viber callbacks for the connected bots to this server.

    manage.py simulate_viber [--interval 25] [--count 0] [--burst 4] [--wait 60]
                             [--idle-without-sandbox]

Sandbox only (SOCIALCARE_SANDBOX=1): `make run` starts it next to the web server, so the
demo inbox receives live Viber conversations, subscriptions and receipts for the replies.
The arguments, the run loop and the idling without the sandbox are inbox.simulation's.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from channels_viber.simulator import BatchReport, Simulator
from inbox.simulation import SimulatorCommand


class Command(SimulatorCommand):
    help = _(
        "Post realistic, signed Viber callbacks (conversations in six languages, pictures, "
        "stickers, locations, contacts, files, subscriptions, receipts) for the connected "
        "bots to this server. Sandbox only."
    )
    platform = "Viber"
    default_interval = 25.0
    simulator_class = Simulator

    def describe(self, batch: int, report: BatchReport, simulator: Simulator) -> str:
        if not report.bots:
            return _("batch %(n)d: no active Viber bot is connected; nothing sent.") % {"n": batch}
        return ngettext(
            "batch %(n)d: %(callbacks)d callbacks for %(bots)d bot to %(url)s, %(failed)d failed",
            "batch %(n)d: %(callbacks)d callbacks for %(bots)d bots to %(url)s, %(failed)d failed",
            report.bots,
        ) % {
            "n": batch,
            "callbacks": report.callbacks,
            "bots": report.bots,
            "url": f"{simulator.base_url}/webhooks/viber/",
            "failed": report.failed,
        }
