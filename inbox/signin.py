"""Sign-in protection: repeated failures are locked out for a while (django-axes), and a
session nobody uses expires.

Axes counts every failed `authenticate(request=...)`: the login page, the admin's login
and the API token endpoint all go through it. Two limits, because an office behind one
address is many people: SOCIALCARE_LOGIN_FAILURE_LIMIT failures of one username from one
address lock that pair (a stranger elsewhere cannot lock a colleague out), and
SOCIALCARE_LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, over all usernames,
lock the address (someone trying name after name). A lock lasts
SOCIALCARE_LOGIN_COOLOFF_MINUTES after the last failure; a success clears its pair.
"""

import time
from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout, user_logged_in
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

PER_PERSON = ["username", "ip_address"]
API_PREFIX = "/api/"


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """AXES_COOLOFF_TIME (axes passes the request; the time is the same for all)."""
    return timedelta(minutes=settings.SOCIALCARE_LOGIN_COOLOFF_MINUTES)


def lockout_parameters(request_or_attempt: Any, credentials: dict | None = None) -> list:
    """AXES_LOCKOUT_PARAMETERS: the pair always; the address alone once it has failed
    SOCIALCARE_LOGIN_ADDRESS_FAILURE_LIMIT times (then its count is over any limit)."""
    address = getattr(request_or_attempt, "axes_ip_address", None) or getattr(
        request_or_attempt, "ip_address", None
    )
    if address and _address_failures(address) >= settings.SOCIALCARE_LOGIN_ADDRESS_FAILURE_LIMIT:
        return [PER_PERSON, "ip_address"]
    return [PER_PERSON]


def _address_failures(address: str) -> int:
    recent = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=timezone.now() - cool_off()
    )
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


def lockout_message() -> str:
    minutes = settings.SOCIALCARE_LOGIN_COOLOFF_MINUTES
    return _(
        "Too many failed sign-ins. Signing in is locked for %(minutes)d minutes; "
        "try again then, or ask an admin to unlock it."
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with the reason, as JSON for the API, as a page elsewhere.

    Even the right password gets this answer until the lock ends."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": lockout_message()}, status=429)
    else:
        response = render(
            request, "registration/locked_out.html", {"message": lockout_message()}, status=429
        )
    response["Retry-After"] = str(int(cool_off().total_seconds()))
    return response


# --- Idle sessions ------------------------------------------------------------------------

LAST_SEEN = "socialcare_last_seen"
# Requests the page makes by itself: they neither keep a session alive nor end it early.
AUTOMATIC = {"inbox:events", "inbox:folders", "inbox:row", "inbox:message", "inbox:presence"}
# The stamp is rewritten at most this often, so an active agent costs one session write a
# minute, not one a request.
STAMP_EVERY_SECONDS = 60


def stamp_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A new session starts its idle time at sign-in, so its first requests write nothing.
    (A token sign-in has no session to stamp: it must not start one.)"""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        session[LAST_SEEN] = time.time()


def connect_signals() -> None:
    user_logged_in.connect(stamp_sign_in, dispatch_uid="socialcare-idle-stamp")


class IdleSessionMiddleware(MiddlewareMixin):
    """Sign out a session unused for SOCIALCARE_SESSION_IDLE_MINUTES.

    SESSION_COOKIE_AGE alone would not do: the live stream reconnects every few minutes
    from an open tab, so a forgotten browser would stay signed in for ever. Only what the
    agent does counts as use; the stream, live counts and presence do not.
    """

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return
        now = time.time()
        seen = request.session.get(LAST_SEEN)
        if seen is not None and now - seen > settings.SOCIALCARE_SESSION_IDLE_MINUTES * 60:
            # The view then sees an anonymous request: the login page, or the API's 401/403.
            logout(request)
            return
        automatic = request.resolver_match and request.resolver_match.view_name in AUTOMATIC
        if seen is None or (not automatic and now - seen > STAMP_EVERY_SECONDS):
            request.session[LAST_SEEN] = now
