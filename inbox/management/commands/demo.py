"""Load the demo inbox: users with known passwords, teams, accounts, conversations.

    manage.py demo [--conversations 300] [--force]

Idempotent: `make run` runs it on every start. Because the demo users' passwords are
printed (and written here), it refuses to run with DEBUG off unless --force is given.
"""

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from inbox.demo.conversations import conversation_load, script_for
from inbox.demo.world import USERS, world_ensure

DEFAULT_CONVERSATIONS = 300
# Below this a run takes a few seconds; a progress bar would only flicker.
PROGRESS_FROM = 1000


class Command(BaseCommand):
    help = _(
        "Load demo users, teams, accounts and a few hundred conversations in six languages. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--conversations",
            type=int,
            default=DEFAULT_CONVERSATIONS,
            metavar="N",
            help=_("How many conversations (default %(default)s)."),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Run even with DEBUG off (the demo users' passwords are public)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["conversations"]
        if count < 0:
            raise CommandError(_("--conversations must be 0 or more."))
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                _(
                    "The demo creates users whose passwords are printed and published, so it "
                    "runs only with DEBUG=1. Use --force to load it anyway (never on a server "
                    "that real people use)."
                )
            )
        world = world_ensure()
        missing = [
            c for c in ("facebook", "instagram", "twitter", "viber") if c not in world.accounts
        ]
        if missing:
            self.stderr.write(
                _("No adapter installed for %(kinds)s: their demo conversations are left out.")
                % {"kinds": ", ".join(missing)}
            )
        now = timezone.now()
        created = skipped = 0
        for index in tqdm(
            range(count),
            disable=count < PROGRESS_FROM,
            file=sys.stderr,
            unit=" conversations",
            desc=_("Demo conversations"),
        ):
            script = script_for(index, now=now)
            if script.channel.kind not in world.accounts:
                skipped += 1
                continue
            created += conversation_load(script, world=world)
        self._report(world=world, total=count - skipped, created=created)

    def _report(self, *, world: Any, total: int, created: int) -> None:
        self.stdout.write(
            _(
                "Demo inbox ready: %(total)d conversations on %(accounts)d accounts "
                "(%(created)d new in this run)."
            )
            % {"total": total, "accounts": len(world.accounts), "created": created}
        )
        login = settings.SOCIALCARE_PUBLIC_URL + reverse("login")
        self.stdout.write(_("Open %(url)s and sign in as:") % {"url": login})
        name_width = max(len(u.username) for u in USERS)
        password_width = max(len(u.password) for u in USERS)
        for user in USERS:
            self.stdout.write(
                f"  {user.username.ljust(name_width)}  {user.password.ljust(password_width)}"
                f"  {user.description}"
            )
        self.stdout.write(
            _("Passwords are set when the demo creates a user; one changed since is kept.")
        )
