"""Readers every channel's parse.py shares: platform payloads -> plain Python values.

`MalformedPayload` is the one refusal a parser raises: the body is not what the platform
documents, so re-running it cannot help. The event that carried it is marked failed at
once, without retries (see `webhook_event_process`); anything else a parser raises is a
bug, retried a few times and then marked failed with its type and message.
"""

import math
from datetime import UTC, datetime, timedelta
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# No platform writes before the epoch or after this: a time outside is not a time, and
# refusing it here keeps date arithmetic (an SLA's minutes) from overflowing later.
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


class MalformedPayload(ValueError):
    """The payload (or one event of it) is not the shape the platform documents."""


def number(value: Any, what: str = "timestamp") -> int:
    """An integer count (a timestamp, a size) sent as a number or a numeric string."""
    # bool is an int in Python, and a float may be NaN or infinite: neither is a count.
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MalformedPayload(f"{what} is not a number: {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise MalformedPayload(f"{what} is not a finite number")
    try:
        return int(value)
    except ValueError:
        raise MalformedPayload(f"{what} is not a number: {str(value)[:40]!r}") from None


def _moment(value: Any, unit: timedelta) -> datetime:
    count = number(value)
    # Compared in whole units before any date arithmetic: a huge count never reaches timedelta.
    if not 0 <= count < (LATEST - EPOCH) // unit:
        raise MalformedPayload(f"timestamp {str(count)[:20]} is out of range")
    return EPOCH + count * unit


def from_ms(value: Any) -> datetime:
    """A timestamp in milliseconds since the epoch (Messenger's and Viber's)."""
    return _moment(value, timedelta(milliseconds=1))


def from_seconds(value: Any) -> datetime:
    """A timestamp in seconds since the epoch (Meta's changes[] `created_time`)."""
    return _moment(value, timedelta(seconds=1))


def required(obj: Any, key: str) -> str:
    """A non-empty id-like field, as a string (some platforms send ids as integers)."""
    value = obj.get(key) if isinstance(obj, dict) else None
    if value is None or value == "":
        raise MalformedPayload(f"no {key!r}")
    if isinstance(value, bool) or not isinstance(value, str | int):
        # A list or an object where an id belongs would otherwise become its repr.
        raise MalformedPayload(f"{key!r} is not an id: {type(value).__name__}")
    return str(value)


def optional_id(obj: dict, key: str) -> str:
    """An id-like field that may be missing ("" then), else as `required` reads it."""
    return required(obj, key) if obj.get(key) not in (None, "") else ""


def text(obj: dict, key: str) -> str:
    """An optional text field: missing or null is "", anything else but a string refused."""
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedPayload(f"{key!r} is not text: {type(value).__name__}")
    return value


def mapping(obj: dict, key: str) -> dict:
    """A nested object that must be there: `obj[key]` as a dict, else refused."""
    value = obj.get(key)
    if not isinstance(value, dict):
        raise MalformedPayload(f"{key!r} is not an object")
    return value
