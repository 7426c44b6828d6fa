"""Re-encrypt every secret stored at rest with the newest FIELD_ENCRYPTION_KEY.

    FIELD_ENCRYPTION_KEY=new,old manage.py reencrypt_credentials --dry-run
    FIELD_ENCRYPTION_KEY=new,old manage.py reencrypt_credentials

Afterwards every value decrypts with the first key alone, so the others can be removed.
Safe to run again: values already on the newest key are left as they are.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inbox.services.encryption import UndecryptableValues, credentials_reencrypt


class Command(BaseCommand):
    help = _("Re-encrypt stored credentials with the first FIELD_ENCRYPTION_KEY key.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Count what would change; write nothing.")
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=200,
            help=_("Rows per transaction (default 200)."),
        )

    def handle(self, *args: Any, dry_run: bool, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        try:
            counts = credentials_reencrypt(dry_run=dry_run, batch_size=batch_size)
        except UndecryptableValues as exc:
            raise CommandError(
                _(
                    "Nothing was changed: no key in FIELD_ENCRYPTION_KEY decrypts these stored "
                    "values: %(rows)s. Add the key they were encrypted with after the newest "
                    "one and run this again, or reconnect those accounts."
                )
                % {"rows": "; ".join(exc.rows)}
            ) from None
        for count in counts:
            line = (
                _("%(what)s: %(rewritten)d would be rewritten, %(current)d already current.")
                if dry_run
                else _("%(what)s: %(rewritten)d rewritten, %(current)d already current.")
            )
            self.stdout.write(
                line
                % {
                    "what": count.column.label,
                    "rewritten": count.rewritten,
                    "current": count.current,
                }
            )
        if len(settings.FIELD_ENCRYPTION_KEYS) > 1 and not dry_run:
            self.stdout.write(
                _(
                    "Every value is on the newest key: the older keys can now be removed from "
                    "FIELD_ENCRYPTION_KEY (restart every process after that)."
                )
            )
