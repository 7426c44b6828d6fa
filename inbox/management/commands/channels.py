"""Connect, list and remove channel accounts from the shell: what the settings screens do.

    manage.py channels add facebook --name "Acme" --page-id 1234 --access-token EAAB... \\
        [--team Support --team Sales]
    manage.py channels list [--json]
    manage.py channels remove 7

The `add` subcommand is generic over the registered adapters: each adapter's
`credential_fields` become its flags (`page_id` -> `--page-id`), so a channel app only
declares its fields. `add` prints nothing but the new account's id on stdout, so a script
can capture it; everything else goes to stderr.

Connect side effects (e.g. subscribing the Page's webhook) are the adapter's
`on_connect(account)`, run by `inbox.services.account_connect`. An error from it leaves
the account stored and is reported; fix the cause and run `add` again, which updates
the same account.
"""

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from inbox.adapters import ChannelAdapter, CredentialField, adapters, is_simulated
from inbox.selectors.commands import account_get, accounts_all, team_names, teams_named
from inbox.services import AccountConnectError, account_connect, account_remove

CREDENTIAL_DEST = "credential__"


def flag(field: CredentialField) -> str:
    return "--" + field.name.replace("_", "-")


class Command(BaseCommand):
    help = _("Connect (add), list and remove channel accounts.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{add,list,remove}")

        add = actions.add_parser(
            "add",
            help=_("Connect an account; prints its id."),
            description=_(
                "Connect an account of one channel. "
                "`channels add KIND --help` lists the fields that channel needs."
            ),
        )
        kinds = add.add_subparsers(dest="kind", required=True, metavar="KIND")
        for kind, adapter in sorted(adapters().items()):
            self._add_kind_parser(kinds, kind, adapter)

        listing = actions.add_parser("list", help=_("List connected accounts."))
        listing.add_argument(
            "--json", action="store_true", help=_("Print a JSON list, for scripts.")
        )

        remove = actions.add_parser(
            "remove", help=_("Remove an account with its conversations and messages.")
        )
        remove.add_argument("account_id", type=int, metavar="ID", help=_("See `channels list`."))
        remove.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=_("Do not ask for confirmation."),
        )

    def _add_kind_parser(self, kinds: Any, kind: str, adapter: ChannelAdapter) -> None:
        sub = kinds.add_parser(
            kind,
            help=str(adapter.label),
            description=_("Connect a %(channel)s account.") % {"channel": adapter.label},
        )
        sub.add_argument("--name", required=True, help=_("The name agents see for it."))
        for field in adapter.credential_fields:
            notes = [str(field.label)]
            if field.help_text:
                notes.append(str(field.help_text))
            notes.append(_("required") if field.required else _("optional"))
            sub.add_argument(
                flag(field),
                dest=CREDENTIAL_DEST + field.name,
                metavar=field.name.upper(),
                help="; ".join(notes),
            )
        sub.add_argument(
            "--team",
            action="append",
            dest="teams",
            default=[],
            metavar="TEAM",
            help=_("A team that works this account (repeat for several)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "add":
            self.add_account(options)
        elif action == "list":
            self.list_accounts(as_json=options["json"])
        else:
            self.remove_account(
                account_id=options["account_id"], interactive=options["interactive"]
            )

    # --- add ----------------------------------------------------------------------------

    def add_account(self, options: dict[str, Any]) -> None:
        kind = options["kind"]
        adapter = adapters()[kind]
        credentials = {
            field.name: options[CREDENTIAL_DEST + field.name]
            for field in adapter.credential_fields
            if options.get(CREDENTIAL_DEST + field.name)
        }
        missing = [
            flag(f) for f in adapter.credential_fields if f.required and f.name not in credentials
        ]
        if missing:
            raise CommandError(
                _(
                    "Missing %(flags)s (the %(channel)s channel needs them to connect). "
                    "See `manage.py channels add %(kind)s --help`."
                )
                % {"flags": ", ".join(missing), "channel": adapter.label, "kind": kind}
            )
        teams, unknown = teams_named(names=options["teams"])
        if unknown:
            raise CommandError(
                _("No team named %(names)s. Teams: %(known)s.")
                % {
                    "names": ", ".join(unknown),
                    "known": ", ".join(team_names()) or _("none yet"),
                }
            )
        try:
            account = account_connect(
                kind=kind, name=options["name"], credentials=credentials, teams=teams
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except AccountConnectError as exc:
            raise CommandError(
                _(
                    "The account is stored (id %(id)s), but connecting it on the platform "
                    "failed: %(error)s. Fix the cause and run `channels add` again."
                )
                % {"id": exc.account.pk, "error": exc.reason}
            ) from exc
        self.stdout.write(str(account.pk))
        self.stderr.write(
            _(
                "Connected %(channel)s account “%(name)s” "
                "(platform id %(external_id)s) as id %(id)s."
            )
            % {
                "channel": adapter.label,
                "name": account.name,
                "external_id": account.external_id,
                "id": account.pk,
            }
        )
        if adapter.simulated:
            self.stderr.write(SIMULATED_WARNING % {"channel": adapter.label})

    # --- list ---------------------------------------------------------------------------

    def list_accounts(self, *, as_json: bool) -> None:
        rows = [
            {
                "id": account.pk,
                "kind": account.kind,
                "name": account.name,
                "external_id": account.external_id,
                "status": account.status,
                "status_reason": account.status_reason,
                "simulated": is_simulated(account.kind),
                "teams": [team.name for team in account.teams.all()],
            }
            for account in accounts_all()
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stderr.write(_("No accounts connected yet. Add one with `channels add KIND`."))
            return
        header = [_("id"), _("kind"), _("name"), _("platform id"), _("status"), _("teams")]
        table = [
            [
                str(r["id"]),
                r["kind"],
                r["name"],
                r["external_id"],
                _("%(status)s (simulated)") % {"status": r["status"]}
                if r["simulated"]
                else r["status"],
                ", ".join(r["teams"]),
            ]
            for r in rows
        ]
        widths = [max(len(line[i]) for line in [header, *table]) for i in range(len(header))]
        for line in [header, *table]:
            cells = (cell.ljust(w) for cell, w in zip(line, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())

    # --- remove -------------------------------------------------------------------------

    def remove_account(self, *, account_id: int, interactive: bool) -> None:
        account = account_get(account_id=account_id)
        if account is None:
            raise CommandError(
                _("No channel account with id %(id)s; `channels list` shows the ids.")
                % {"id": account_id}
            )
        summary = ngettext(
            "%(kind)s account “%(name)s” (id %(id)s) with its %(count)d conversation",
            "%(kind)s account “%(name)s” (id %(id)s) with its %(count)d conversations",
            account.conversation_count,
        ) % {
            "kind": account.kind,
            "name": account.name,
            "id": account.pk,
            "count": account.conversation_count,
        }
        if interactive and sys.stdin.isatty():
            answer = input(
                _("Remove %(summary)s? This cannot be undone. Type 'yes' to continue: ")
                % {"summary": summary}
            )
            if answer.strip().lower() != "yes":
                raise CommandError(_("Nothing removed."))
        account_remove(account=account)
        self.stderr.write(_("Removed %(summary)s.") % {"summary": summary})


SIMULATED_WARNING = gettext_lazy(
    "Note: the %(channel)s channel is a simulated stand-in in this version of socialcare. "
    "It receives no webhooks, and replies reach only the sandbox."
)
