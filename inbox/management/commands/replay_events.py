"""Re-run stored webhook events through parse and ingest, in this process.

    manage.py replay_events --failed
    manage.py replay_events --id 12 --id 15
    manage.py replay_events --kind facebook --since 2026-03-01T09:00 --dry-run

Selectors combine (all must match). Replaying is safe: ingest dedupes on the platforms'
ids, so an event that was in fact processed changes nothing the second time.
"""

from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from inbox.selectors.commands import webhook_events_chosen
from inbox.services import events_replay


def parse_since(value: str) -> datetime:
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(
            _(
                "--since takes an ISO date or date-time, such as 2026-03-01 or "
                "2026-03-01T09:30 (got %(value)r)."
            )
            % {"value": value}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = _("Re-run chosen webhook events through parse and ingest (failed ones, by id, ...).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--failed", action="store_true", help=_("Events whose processing failed.")
        )
        parser.add_argument(
            "--id",
            dest="ids",
            type=int,
            nargs="+",
            action="extend",
            default=[],
            metavar="ID",
            help=_("These events (repeatable)."),
        )
        parser.add_argument(
            "--since", metavar="ISO-DATETIME", help=_("Events received at or after this time.")
        )
        parser.add_argument("--kind", help=_("Events of this channel (facebook, viber, ...)."))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("List the chosen events; change nothing.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        failed, ids, kind = options["failed"], options["ids"], options["kind"]
        since = parse_since(options["since"]) if options["since"] else None
        if not (failed or ids or since or kind):
            raise CommandError(
                _(
                    "Choose the events to replay: --failed, --id ID, --since ISO-DATETIME "
                    "and/or --kind KIND (they combine). Add --dry-run to see them first."
                )
            )
        events = list(
            webhook_events_chosen(failed=failed, ids=ids, since=since, kind=kind).values(
                "pk", "kind", "status", "received_at", "last_error"
            )
        )
        for missing in sorted(set(ids) - {e["pk"] for e in events}):
            self.stderr.write(_("No webhook event with id %(id)s.") % {"id": missing})
        if not events:
            self.stderr.write(_("No webhook events match; nothing to replay."))
            return
        if options["dry_run"]:
            self._list(events)
            return
        self._replay(events)

    def _list(self, events: list[dict[str, Any]]) -> None:
        for e in events:
            self.stdout.write(
                _("event %(id)s %(kind)s: %(status)s, received %(received)s%(error)s")
                % {
                    "id": e["pk"],
                    "kind": e["kind"],
                    "status": e["status"],
                    "received": e["received_at"].isoformat(timespec="seconds"),
                    "error": f" ({e['last_error']})" if e["last_error"] else "",
                }
            )
        self.stderr.write(_("Dry run: %(n)d events would be replayed.") % {"n": len(events)})

    def _replay(self, events: list[dict[str, Any]]) -> None:
        failures = 0
        # One at a time, so each line appears as its event finishes.
        for e in events:
            [(event_id, result, error)] = events_replay(event_ids=[e["pk"]])
            if result is None:
                failures += 1
                self.stdout.write(
                    _("event %(id)s %(kind)s: failed: %(error)s")
                    % {"id": event_id, "kind": e["kind"], "error": error or _("unknown error")}
                )
                continue
            self.stdout.write(
                _(
                    "event %(id)s %(kind)s: created %(created)d, duplicates %(duplicates)d, "
                    "updated %(updated)d, skipped %(skipped)d"
                )
                % {
                    "id": event_id,
                    "kind": e["kind"],
                    "created": result.created,
                    "duplicates": result.duplicates,
                    "updated": result.updated,
                    "skipped": result.skipped,
                }
            )
        summary = _("Replayed %(n)d events: %(ok)d processed, %(failed)d failed.") % {
            "n": len(events),
            "ok": len(events) - failures,
            "failed": failures,
        }
        if failures:
            # A non-zero exit status tells a script that something still needs attention.
            raise CommandError(summary)
        self.stderr.write(summary)
