"""Re-encrypting secrets at rest with the newest FIELD_ENCRYPTION_KEY, so old keys can go.

Every EncryptedJSONField of every model is found by its type, so a secret added later is
covered without touching this module. The stored tokens are rotated as they are (the JSON
inside is never decoded) and a row is written only when its token is not on the newest key
yet, so running it again changes nothing. Nothing is written unless every stored value
decrypts: an unreadable one is named (never shown) and the whole run refuses.
"""

from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from inbox.fields import EncryptedJSONField, rotated

RAW = "_sealed_raw"


@dataclass(frozen=True)
class EncryptedColumn:
    model: type[models.Model]
    field: EncryptedJSONField

    @property
    def label(self) -> str:
        return f"{self.model._meta.verbose_name} {self.field.verbose_name}"


@dataclass(frozen=True)
class ReencryptCount:
    column: EncryptedColumn
    rewritten: int
    current: int


class UndecryptableValues(Exception):
    """Stored values no configured key decrypts; `rows` names them, without their content."""

    def __init__(self, rows: list[str]) -> None:
        super().__init__(", ".join(rows))
        self.rows = rows


def encrypted_columns() -> list[EncryptedColumn]:
    return [
        EncryptedColumn(model=model, field=field)
        for model in apps.get_models()
        if not model._meta.proxy
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedJSONField)
    ]


def credentials_reencrypt(*, dry_run: bool = False, batch_size: int = 200) -> list[ReencryptCount]:
    """Rewrite every encrypted value with the newest key, one transaction per batch.

    Raises UndecryptableValues, having changed nothing, when any value cannot be decrypted.
    """
    columns = encrypted_columns()
    unreadable = [row for column in columns for row in _unreadable(column, batch_size)]
    if unreadable:
        raise UndecryptableValues(unreadable)
    return [_reencrypt_column(column, dry_run=dry_run, batch_size=batch_size) for column in columns]


def _raw_rows(column: EncryptedColumn):
    # Cast to plain text so the field's own decoding (decrypt, then JSON) stays out of it.
    name = column.field.attname
    return (
        column.model._base_manager.exclude(**{f"{name}__isnull": True})
        .annotate(**{RAW: Cast(name, output_field=models.TextField())})
        .order_by("pk")
    )


def _batch(column: EncryptedColumn, *, after, size: int, lock: bool) -> list[tuple]:
    """The next `size` (pk, token) pairs after the row `after`, locked with `lock` (the
    caller's transaction holds them until it has written)."""
    rows = _raw_rows(column)
    if after is not None:
        rows = rows.filter(pk__gt=after)
    if lock:
        rows = rows.select_for_update()
    return list(rows.values_list("pk", RAW)[:size])


def _unreadable(column: EncryptedColumn, batch_size: int) -> list[str]:
    bad, after = [], None
    while batch := _batch(column, after=after, size=batch_size, lock=False):
        for pk, token in batch:
            try:
                rotated(token or "")
            except InvalidToken:
                bad.append(pk)
        after = batch[-1][0]
    # Named by the row's own str() with the secret column left unloaded: it cannot decrypt.
    named = column.model._base_manager.defer(column.field.attname).in_bulk(bad)
    return [f"{column.label}: {named.get(pk, '')} (id {pk})" for pk in bad]


def _reencrypt_column(column: EncryptedColumn, *, dry_run: bool, batch_size: int) -> ReencryptCount:
    rewritten = current = 0
    after = None
    while True:
        with transaction.atomic():
            batch = _batch(column, after=after, size=batch_size, lock=not dry_run)
            for pk, token in batch:
                try:
                    fresh = rotated(token)
                except InvalidToken:
                    # Written since the check by a process with other keys: this batch rolls back.
                    raise UndecryptableValues([f"{column.label}: id {pk}"]) from None
                if fresh is None:
                    current += 1
                    continue
                rewritten += 1
                if not dry_run:
                    _store(column, pk, fresh)
        if not batch:
            break
        after = batch[-1][0]
    return ReencryptCount(column=column, rewritten=rewritten, current=current)


def _store(column: EncryptedColumn, pk, token: str) -> None:
    # A plain-text Value: the token is sealed already, and the field would seal it again.
    column.model._base_manager.filter(pk=pk).update(
        **{column.field.attname: models.Value(token, output_field=models.TextField())}
    )
