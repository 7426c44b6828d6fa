"""Small readers of a platform's HTTP answers, for the channels' clients.

Only the plumbing every client repeats: what an answer means (error codes, pauses) stays
in each channel's client.py.
"""

from typing import Any

import requests
import urllib3


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


def may_have_been_sent(exc: requests.RequestException) -> bool:
    """Whether a request that failed may still have reached the platform and been acted on.

    Yes after the request went out: a read timeout, or the connection dropped or the answer
    broke off before it was complete. No when nothing was sent: a refused or timed-out
    connect (requests wraps those in MaxRetryError), a failed TLS handshake, a bad URL.
    """
    if isinstance(exc, requests.ReadTimeout | requests.exceptions.ChunkedEncodingError):
        return True
    if isinstance(exc, requests.ConnectTimeout | requests.exceptions.SSLError):
        return False
    if isinstance(exc, requests.ConnectionError):
        cause = exc.args[0] if exc.args else None
        # MaxRetryError (a failed connect) and ClosedPoolError are both PoolErrors.
        return not isinstance(cause, urllib3.exceptions.PoolError)
    return False
