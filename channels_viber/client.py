"""The Viber REST Bot API client: the only code that talks to Viber.

Platform facts (methods, shapes, status codes) are in ../shared/channels/viber.md §1, §4
and §5. Viber answers most errors with HTTP 200 and a non-zero `status`, so every answer's
`status` is read; errors are classified from that number, never from its message. The
bot token travels in the X-Viber-Auth-Token header only: it is never logged nor put into
an error's text.

send_message has no idempotency key and Viber offers no way to look a message up, so a
send whose request went out without a usable answer (a read timeout, a dropped
connection, HTTP 5xx, status 0 without a message_token) is `maybe_sent`, never retried:
sending again could reach the customer twice. A refusal with a status (12 included) means
Viber did not send it.
"""

import logging

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox.http import int_or_none, json_object, may_have_been_sent, retry_after_header

log = logging.getLogger(__name__)

# viber.md §1.1: the callbacks the inbox needs; message, subscribed and unsubscribed come
# whatever we ask, but naming them keeps the registration readable.
EVENT_TYPES: list[str] = [
    "delivered",
    "seen",
    "failed",
    "subscribed",
    "unsubscribed",
    "conversation_started",
]

TIMEOUT = (5, 20)  # seconds: connect, read
TOO_MANY_REQUESTS = 12
TOKEN_INVALID = {2, 8}
UNSUBSCRIBED = {5, 6}
# Viber publishes no wait for status 12 ("exponential backoff, minutes"): start at this.
RATE_LIMIT_PAUSE = 60.0

# viber.md §5: every documented status; a status outside it is Viber's "General error",
# which is worth a limited retry.
STATUS_NAMES: dict[int, str] = {
    1: "invalidUrl",
    2: "invalidAuthToken",
    3: "badData",
    4: "missingData",
    5: "receiverNotRegistered",
    6: "receiverNotSubscribed",
    7: "publicAccountBlocked",
    8: "publicAccountNotFound",
    9: "publicAccountSuspended",
    10: "webhookNotSet",
    11: "receiverNoSuitableDevice",
    12: "tooManyRequests",
    13: "apiVersionNotSupported",
    14: "incompatibleWithVersion",
    15: "publicAccountNotAuthorized",
    16: "inchatReplyMessageNotAllowed",
    17: "publicAccountIsNotInline",
    18: "noPublicChat",
    19: "cannotSendBroadcast",
    20: "broadcastNotAllowed",
    21: "unsupportedCountry",
    22: "paymentUnsupported",
    23: "freeMessagesExceeded",
    24: "noBalance",
}

# What an agent or admin can do about a status, appended to the reason.
STATUS_HELP = {
    1: gettext_lazy("Viber could not reach the webhook address, or did not trust its certificate."),
    2: gettext_lazy("The bot token is not valid: reconnect the bot with its current token."),
    3: gettext_lazy("Viber could not accept the content of the request."),
    4: gettext_lazy("The request missed something Viber needs."),
    5: gettext_lazy("The customer no longer uses Viber."),
    6: gettext_lazy(
        "The customer is not subscribed to the bot: replies can be delivered again once "
        "they write to it."
    ),
    7: gettext_lazy("Viber has blocked the bot."),
    8: gettext_lazy("The token belongs to no bot: reconnect the bot with its current token."),
    9: gettext_lazy("Viber has suspended the bot."),
    10: gettext_lazy("The bot has no webhook: reconnect it so Viber knows where to deliver."),
    11: gettext_lazy("The customer's Viber app cannot show this message."),
    12: gettext_lazy("Viber asked us to slow down."),
    13: gettext_lazy("The customer's Viber app is too old for this message."),
    15: gettext_lazy("Viber has not authorized the bot."),
    21: gettext_lazy("Viber does not deliver this message to the customer's country."),
    23: gettext_lazy("The bot used up its free messages for this month."),
    24: gettext_lazy("The bot's Viber account has no balance left."),
}


class ViberError(Exception):
    """A Viber call that failed; `reason` is for an agent or admin to read."""

    def __init__(
        self,
        reason: str,
        *,
        status: int | None = None,
        status_message: str = "",
        http_status: int = 0,
        retryable: bool = False,
        retry_after: float | None = None,
        maybe_sent: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.status_message = status_message
        self.http_status = http_status
        self.token_invalid = status in TOKEN_INVALID
        self.unsubscribed = status in UNSUBSCRIBED
        # The message may have gone out: never retried by itself.
        self.maybe_sent = maybe_sent
        self.retryable = retryable and not maybe_sent
        self.retry_after = retry_after


class ViberClient:
    """One bot's view of the Viber REST Bot API."""

    def __init__(self, auth_token: str) -> None:
        self.auth_token = auth_token
        self.session = requests.Session()

    def account_info(self) -> dict:
        """The bot's id ("pa:..."), name, uri, icon and current webhook (viber.md §1.2)."""
        return self._call("get_account_info", {})

    def set_webhook(self, url: str, event_types: list[str]) -> dict:
        """Point the bot's only webhook at `url`. Viber checks it with a signed
        `event: webhook` callback, so the webhook view must already answer 200."""
        body = {"url": url, "event_types": event_types, "send_name": True, "send_photo": True}
        return self._call("set_webhook", body, what="webhook")

    def remove_webhook(self) -> None:
        self._call("set_webhook", {"url": ""}, what="webhook")

    def user_details(self, user_id: str) -> dict:
        """The "user" object of get_user_details; Viber allows it twice per user per 12 h."""
        answer = self._call("get_user_details", {"id": user_id})
        user = answer.get("user")
        if not isinstance(user, dict):
            raise _unreadable(200)
        return user

    def send_message(self, payload: dict) -> str:
        """POST send_message with a full payload (receiver, sender, type, ...); returns the
        message_token that delivered/seen/failed callbacks will name."""
        answer = self._call("send_message", payload, what="message", sends=True)
        token = answer.get("message_token")
        if token is None:
            raise _without_token()
        return str(token)

    def _call(self, method: str, body: dict, *, what: str = "request", sends: bool = False) -> dict:
        """One API call. `sends`: it messages the customer, so an answer that does not say
        whether it did is `maybe_sent`, not retryable."""
        url = f"{settings.VIBER_API_URL}/{method}"
        headers = {"X-Viber-Auth-Token": self.auth_token}
        try:
            response = self.session.post(url, json=body, headers=headers, timeout=TIMEOUT)
        except requests.RequestException as exc:
            error = _no_answer(exc) if sends and may_have_been_sent(exc) else _unreachable(exc)
        else:
            answer = json_object(response)
            status = int_or_none(answer.get("status")) if answer is not None else None
            if response.ok and status == 0:
                return answer
            error = _error(response, answer, status, what=what, sends=sends)
        log.warning(
            "viber %s failed: HTTP %s status %s %s",
            method,
            error.http_status or "-",
            error.status,
            error.status_message,
        )
        raise error


# --- errors ------------------------------------------------------------------------------


def _error(
    response: requests.Response,
    answer: dict | None,
    status: int | None,
    *,
    what: str,
    sends: bool = False,
) -> ViberError:
    http_status = response.status_code
    if not response.ok:
        # viber.md §1: anything but HTTP 200 is a transport problem, worth a retry, except
        # a server error on a send, which may have sent it.
        return ViberError(
            _("Viber had a server error (HTTP %(status)d).") % {"status": http_status},
            http_status=http_status,
            retryable=True,
            retry_after=retry_after_header(response),
            maybe_sent=sends and http_status >= 500,
        )
    if answer is None or status is None:
        return _without_token() if sends else _unreadable(http_status)
    status_message = str(answer.get("status_message") or STATUS_NAMES.get(status, ""))
    known = status in STATUS_NAMES
    retry_after = None
    if status == TOO_MANY_REQUESTS:
        retry_after = max(RATE_LIMIT_PAUSE, retry_after_header(response) or 0)
    return ViberError(
        _reason(what, status, status_message),
        status=status,
        status_message=status_message,
        http_status=http_status,
        retryable=status == TOO_MANY_REQUESTS or not known,
        retry_after=retry_after,
    )


def _reason(what: str, status: int, status_message: str) -> str:
    values = {"status": status, "message": status_message or _("General error")}
    if what == "message":
        reason = _("Viber refused the message (status %(status)d, %(message)s).") % values
    elif what == "webhook":
        reason = _("Viber refused the webhook (status %(status)d, %(message)s).") % values
    else:
        reason = _("Viber refused the request (status %(status)d, %(message)s).") % values
    help_text = STATUS_HELP.get(status)
    return f"{reason} {help_text}" if help_text else reason


def _unreadable(http_status: int) -> ViberError:
    return ViberError(
        _("Viber sent an answer that could not be read (HTTP %(status)d).")
        % {"status": http_status},
        http_status=http_status,
        retryable=True,
    )


def _no_answer(exc: requests.RequestException) -> ViberError:
    return ViberError(
        _("Viber did not answer after the message was sent (%(error)s).")
        % {"error": type(exc).__name__},
        maybe_sent=True,
    )


def _without_token() -> ViberError:
    return ViberError(
        _("Viber answered without the message's token, so it cannot tell us it was sent."),
        http_status=200,
        maybe_sent=True,
    )


def _unreachable(exc: requests.RequestException) -> ViberError:
    # Name the exception's kind only: its text may carry more than we want in a reason.
    return ViberError(
        _("Viber could not be reached (%(error)s).") % {"error": type(exc).__name__},
        retryable=True,
    )
