"""Small readers of a platform's HTTP answers, for the channels' clients.

Only the plumbing every client repeats: what an answer means (error codes, pauses) stays
in each channel's client.py.
"""

from typing import Any

import requests


def retry_after_header(response: requests.Response) -> float | None:
    """The Retry-After header in seconds; None when it is missing, a date or negative."""
    try:
        value = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return value if value >= 0 else None


def json_object(response: requests.Response) -> dict | None:
    """The answer's JSON object; None when it is not one (a proxy's HTML page)."""
    try:
        value = response.json()
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
