"""Model fields for secrets stored at rest."""

import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64-encoded bytes), "
            "comma-separated."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def newest_key_fernet() -> MultiFernet:
    """The first key alone: what a token must decrypt with once older keys are retired."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS[:1]))


def rotated(token: str) -> str | None:
    """`token` encrypted with the newest key, or None when it already is.

    Raises InvalidToken when no configured key decrypts it. The token keeps its original
    timestamp (MultiFernet.rotate), so a TTL on it means what it meant before.
    """
    try:
        newest_key_fernet().decrypt(token.encode())
        return None
    except InvalidToken:
        return fernet().rotate(token.encode()).decode()


def seal(value: Any) -> str:
    """A JSON value as a Fernet token, for secrets that wait somewhere in the clear
    (a session) between two steps of a flow."""
    return fernet().encrypt(json.dumps(value, sort_keys=True).encode()).decode()


def unseal(token: str, *, ttl: int) -> Any:
    """What `seal` sealed; None when the token is empty, forged, or older than `ttl`
    seconds, so a flow left waiting starts over."""
    if not token:
        return None
    try:
        return json.loads(fernet().decrypt(token.encode(), ttl=ttl))
    except (InvalidToken, ValueError):
        return None


class EncryptedJSONField(models.TextField):
    """A JSON object stored as a Fernet token: readable only with FIELD_ENCRYPTION_KEY.

    The first key encrypts, every key decrypts, so keys can be rotated by prepending one.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        try:
            return json.loads(fernet().decrypt(value.encode()))
        except InvalidToken as exc:
            raise ImproperlyConfigured(
                "Stored credentials cannot be decrypted with FIELD_ENCRYPTION_KEY; "
                "was the key changed without keeping the old one?"
            ) from exc

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return seal(value)
