"""Readers every channel's parse.py shares: platform payloads -> plain Python values."""

from datetime import UTC, datetime, timedelta
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def from_ms(value: Any) -> datetime:
    """A timestamp in milliseconds since the epoch (Messenger's and Viber's)."""
    return EPOCH + timedelta(milliseconds=int(value))


def required(obj: dict, key: str) -> str:
    """A non-empty id-like field, as a string (some platforms send ids as integers)."""
    value = obj.get(key)
    if value is None or value == "":
        raise ValueError(f"no {key!r}")
    return str(value)
