"""DRF's throttles, counting in the cache through inbox.outage.

Throttling protects the server; it is not worth an error. With Redis down the counts
cannot be read, so every request is let through (and logged by inbox.outage) rather than
answered 500. Rates are read per request from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
(SOCIALCARE_API_THROTTLE_*); a scope without a rate is not throttled.
"""

from typing import Any

from rest_framework import throttling
from rest_framework.settings import api_settings

from inbox.outage import cache_get, cache_set


class OutageSafeCache:
    """The two calls DRF's throttles make, answering "no history" when the cache is down."""

    def get(self, key: str, default: Any = None) -> Any:
        return cache_get(key, default)

    def set(self, key: str, value: Any, timeout: float) -> None:
        cache_set(key, value, timeout)


class RatesFromSettings:
    cache = OutageSafeCache()

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(RatesFromSettings, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(RatesFromSettings, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(RatesFromSettings, throttling.ScopedRateThrottle):
    pass
