"""The Graph API client: the only code that talks to Facebook.

Platform facts (endpoints, error codes, usage headers) are in ../shared/channels/meta.md
§7-10. Errors are classified from the JSON error object's code and subcode, never from
its message text. Tokens travel as the `access_token` query parameter and are never
logged nor put into an error's text.

A call that sends something the customer sees (a message, a comment reply) has a third
outcome beside retryable and permanent: `maybe_sent`. The Send API has no idempotency
key, so when the request went out and no usable answer came back (a read timeout, a
dropped connection, HTTP 5xx, a success without the new id) it may have been sent, and
calling again could send it twice. Rate limits are documented as not processed and stay
retryable.
"""

import json
import logging
import re
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from inbox import outage
from inbox.http import int_or_none, json_object, may_have_been_sent, retry_after_header

from .graph_items import from_iso

log = logging.getLogger(__name__)


class _RedactSecrets(logging.Filter):
    """urllib3 logs every request line, query string and its access_token included, at
    DEBUG: blank the secrets out before any handler sees them."""

    SECRETS = re.compile(
        r"(?<![A-Za-z_])((?:access_token|client_secret|fb_exchange_token|code)=)"
        r"[^&\s\"']+"
    )

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.SECRETS.sub(r"\1[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactSecrets())

# meta.md §9.5. The adapter drops "ratings" when the Page's reviews are switched off.
SUBSCRIBED_FIELDS: list[str] = [
    "messages",
    "message_echoes",
    "message_deliveries",
    "message_reads",
    "messaging_postbacks",
    "message_reactions",
    "message_edits",
    "messaging_referrals",
    "messaging_handovers",
    "standby",
    "feed",
    "ratings",
]


def subscribed_fields(*, reviews: bool) -> list[str]:
    """The fields a Page is subscribed to: "ratings" only while its reviews are on."""
    fields = [f for f in SUBSCRIBED_FIELDS if f != "ratings"]
    return [*fields, "ratings"] if reviews else fields


TIMEOUT = (5, 20)  # seconds: connect, read
RETRY_CODES = {1, 2}
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80002, 80006}
# Without a better hint, a throttled Page waits this long (Meta: calling while throttled
# extends the block).
RATE_LIMIT_PAUSE = 60.0
# Usage headers are percentages of the quota; stop just short of it.
USAGE_CEILING = 95
PAGE_SIZE = 25
CONVERSATION_FIELDS = (
    "id,updated_time,link,participants,"
    "messages.limit(20){id,created_time,from,to,message,attachments,sticker}"
)
COMMENT_FIELDS = "id,message,from,created_time,parent{id},is_hidden,permalink_url"
# Top-level comments, each with its replies: Facebook nests comments two levels deep.
FEED_FIELDS = (
    "id,message,created_time,updated_time,permalink_url,full_picture,from,"
    f"comments.limit(100){{{COMMENT_FIELDS},comments.limit(100){{{COMMENT_FIELDS}}}}}"
)
PAGE_FIELDS = "id,name,access_token,tasks,picture{url}"


class GraphError(Exception):
    """A Graph call that failed; `reason` is for an agent or admin to read."""

    def __init__(
        self,
        reason: str,
        *,
        status: int = 0,
        code: int | None = None,
        subcode: int | None = None,
        message: str = "",
        fbtrace_id: str = "",
        retryable: bool = False,
        retry_after: float | None = None,
        maybe_sent: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.code = code
        self.subcode = subcode
        self.message = message
        self.fbtrace_id = fbtrace_id
        self.token_invalid = code == 190
        self.outside_window = code == 10 and subcode == 2018278
        # The request may have been acted on: never retried by itself.
        self.maybe_sent = maybe_sent
        self.retryable = (
            retryable and not maybe_sent and not self.token_invalid and not self.outside_window
        )
        self.retry_after = retry_after

    def __reduce__(self) -> tuple:
        # Celery pickles the exception it retries on; keyword-only fields need this.
        state = {k: getattr(self, k) for k in ("status", "code", "subcode", "message")}
        extra = {"fbtrace_id": self.fbtrace_id, "retryable": self.retryable}
        extra["maybe_sent"] = self.maybe_sent
        return (_rebuild, (self.reason, {**state, **extra, "retry_after": self.retry_after}))


def _rebuild(reason: str, fields: dict) -> GraphError:
    return GraphError(reason, **fields)


class GraphClient:
    """One Page's (or, for Facebook Login, one user's) view of the Graph API."""

    def __init__(self, access_token: str = "", *, page_id: str = "") -> None:
        self.access_token = access_token
        self.page_id = page_id
        self.session = requests.Session()

    # --- Messenger ------------------------------------------------------------------

    def send_message(
        self,
        *,
        recipient: dict,
        message: dict,
        messaging_type: str = "RESPONSE",
        tag: str = "",
        metadata: str = "",
    ) -> dict:
        """POST /{page}/messages; a recipient {"comment_id"} or {"post_id"} is a private
        reply. Returns {"recipient_id", "message_id"}."""
        body: dict[str, Any] = {
            "recipient": recipient,
            "messaging_type": messaging_type,
            "message": message,
        }
        if tag:
            body["tag"] = tag
        if metadata:
            body["metadata"] = metadata
        answer = self._call(
            "POST", f"{self._page()}/messages", json_body=body, what="message", sends=True
        )
        if not answer.get("message_id"):
            raise _without_id()
        return answer

    # --- comments, posts, reviews ---------------------------------------------------

    def comment_reply(self, object_id: str, text: str) -> str:
        answer = self._call(
            "POST", f"{object_id}/comments", data={"message": text}, what="reply", sends=True
        )
        if not answer.get("id"):
            raise _without_id()
        return str(answer["id"])

    def set_hidden(self, comment_id: str, hidden: bool) -> None:
        data = {"is_hidden": "true" if hidden else "false"}
        self._expect_success(self._call("POST", comment_id, data=data))

    def delete_object(self, object_id: str) -> None:
        self._expect_success(self._call("DELETE", object_id))

    def like(self, object_id: str) -> None:
        self._expect_success(self._call("POST", f"{object_id}/likes"))

    def unlike(self, object_id: str) -> None:
        self._expect_success(self._call("DELETE", f"{object_id}/likes"))

    def get_object(self, object_id: str, fields: str) -> dict:
        return self._call("GET", object_id, params={"fields": fields})

    def profile(self, psid: str) -> dict:
        """A Messenger user's first_name, last_name and profile_pic (meta.md §8)."""
        return self.get_object(psid, "first_name,last_name,profile_pic")

    # --- catching up ----------------------------------------------------------------

    def conversations(self, *, since: datetime | None = None, max_pages: int = 5) -> list[dict]:
        """The Page's Messenger conversations updated since `since`, newest first, each
        with its last messages (`messages.data`, newest first) as the Graph shapes them."""
        params = {"platform": "messenger", "fields": CONVERSATION_FIELDS, "limit": PAGE_SIZE}
        return self._pages_since(f"{self._page()}/conversations", params, since, max_pages)

    def feed(self, *, since: datetime | None = None, max_pages: int = 5) -> list[dict]:
        """The Page's posts touched since `since` (a new comment updates a post), newest
        first, each with its top-level comments (`comments.data`) and their replies
        (`comments.data[].comments.data`)."""
        params = {"fields": FEED_FIELDS, "limit": PAGE_SIZE}
        return self._pages_since(f"{self._page()}/feed", params, since, max_pages)

    def _pages_since(
        self, path: str, params: dict, since: datetime | None, max_pages: int
    ) -> list[dict]:
        found: list[dict] = []
        for item in self._paged(path, params, max_pages=max_pages):
            updated = _updated(item)
            # Both edges list the most recently updated first: the rest is older.
            if since and updated and updated < since:
                break
            found.append(item)
        return found

    def _paged(
        self, path: str, params: dict, *, max_pages: int, token: str | None = None
    ) -> Iterator[dict]:
        """The rows of a Graph edge, page after page, read only as far as they are used."""
        for _page in range(max_pages):
            answer = self._call("GET", path, params=params, token=token)
            yield from answer.get("data", [])
            next_url = answer.get("paging", {}).get("next")
            if not next_url:
                return
            # Follow the next page on our own Graph URL, with our own token: the query
            # carries the cursor, and no token is ever sent where `next` points.
            params = {k: v for k, v in parse_qsl(urlsplit(next_url).query) if k != "access_token"}

    # --- webhook subscription -------------------------------------------------------

    def subscribe(self, fields: list[str]) -> None:
        data = {"subscribed_fields": ",".join(fields)}
        self._expect_success(self._call("POST", f"{self._page()}/subscribed_apps", data=data))

    def unsubscribe(self) -> None:
        self._expect_success(self._call("DELETE", f"{self._page()}/subscribed_apps"))

    def subscribed_apps(self) -> list[dict]:
        """The apps subscribed to the Page's webhooks, each with its `subscribed_fields`."""
        return self._call("GET", f"{self._page()}/subscribed_apps").get("data", [])

    # --- Facebook Login (app level) -------------------------------------------------

    def exchange_code(self, code: str, redirect_uri: str) -> str:
        params = {**self._app(), "redirect_uri": redirect_uri, "code": code}
        return self._call("GET", "oauth/access_token", params=params, token="")["access_token"]

    def long_lived(self, user_token: str) -> str:
        params = {**self._app(), "grant_type": "fb_exchange_token", "fb_exchange_token": user_token}
        return self._call("GET", "oauth/access_token", params=params, token="")["access_token"]

    def pages(self, user_token: str) -> list[dict]:
        """The Pages the user manages, with their Page tokens and the user's tasks."""
        params = {"fields": PAGE_FIELDS, "limit": 100}
        return list(self._paged("me/accounts", params, max_pages=10, token=user_token))

    def permissions(self, user_token: str) -> list[dict]:
        """Each {"permission", "status": "granted"|"declined"}."""
        return self._call("GET", "me/permissions", token=user_token).get("data", [])

    # --- plumbing -------------------------------------------------------------------

    def _page(self) -> str:
        if not self.page_id:
            raise ValueError("this Graph call needs the client's page_id")
        return self.page_id

    def _app(self) -> dict:
        return {
            "client_id": settings.FACEBOOK_APP_ID,
            "client_secret": settings.FACEBOOK_APP_SECRET,
        }

    def _expect_success(self, answer: dict) -> None:
        if answer.get("success") is False:
            raise GraphError(_("Facebook did not apply the change."))

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        data: dict | None = None,
        json_body: dict | None = None,
        token: str | None = None,
        what: str = "request",
        sends: bool = False,
    ) -> dict:
        """One Graph call. `sends`: it makes something the customer sees, so an answer
        that does not say whether it did is `maybe_sent`, not retryable."""
        token = self.access_token if token is None else token
        paced = bool(self.page_id) and token == self.access_token
        if paced:
            _raise_if_paused(self.page_id)
        query = dict(params or {})
        if token:
            query["access_token"] = token
        url = f"{settings.FACEBOOK_GRAPH_URL}/{settings.FACEBOOK_GRAPH_VERSION}/{path}"
        try:
            response = self.session.request(
                method, url, params=query, data=data, json=json_body, timeout=TIMEOUT
            )
        except requests.RequestException as exc:
            if sends and may_have_been_sent(exc):
                raise _no_answer(exc) from None
            raise _unreachable(exc) from None
        if paced:
            _note_usage(self.page_id, response.headers)
        answer = json_object(response)
        if response.status_code < 400 and answer is not None and "error" not in answer:
            return answer
        if sends and response.status_code < 400 and answer is None:
            raise _without_id()
        answer = answer or {}
        error = _graph_error(response, answer, page_id=self.page_id, what=what, sends=sends)
        if paced and error.code in RATE_LIMIT_CODES:
            # _graph_error gives every rate-limit error its retry_after.
            _pause(self.page_id, error.retry_after)
        log.warning(
            "graph %s %s failed: HTTP %s code %s/%s fbtrace_id %s",
            method,
            path,
            error.status,
            error.code,
            error.subcode,
            error.fbtrace_id,
        )
        raise error


# --- errors ------------------------------------------------------------------------


def _graph_error(
    response: requests.Response, answer: dict, *, page_id: str, what: str, sends: bool = False
) -> GraphError:
    status = response.status_code
    body = answer.get("error")
    if not isinstance(body, dict):
        if status >= 500:
            reason = _("Facebook had a server error (HTTP %(status)d).") % {"status": status}
        else:
            reason = _("Facebook sent an answer that could not be read (HTTP %(status)d).") % {
                "status": status
            }
        return GraphError(
            reason,
            status=status,
            retryable=status >= 500,
            retry_after=retry_after_header(response),
            maybe_sent=sends and status >= 500,
        )
    code = int_or_none(body.get("code"))
    subcode = int_or_none(body.get("error_subcode"))
    message = str(body.get("message", ""))
    rate_limited = code in RATE_LIMIT_CODES
    if rate_limited:
        retry_after = _retry_after(response, page_id) or RATE_LIMIT_PAUSE
    else:
        retry_after = retry_after_header(response)
    label = f"#{code}/{subcode}" if subcode else f"#{code}"
    if status >= 500:
        reason = _("Facebook had a server error (%(code)s): %(message)s") % {
            "code": label,
            "message": _strip_code(message),
        }
    else:
        reason = _refused(what, label, _strip_code(message))
    return GraphError(
        reason,
        status=status,
        code=code,
        subcode=subcode,
        message=message,
        fbtrace_id=str(body.get("fbtrace_id", "")),
        retryable=status >= 500 or code in RETRY_CODES or rate_limited,
        retry_after=retry_after,
        # A throttled call was not processed; any other server error on a send may have been.
        maybe_sent=sends and status >= 500 and not rate_limited,
    )


def _refused(what: str, code: str, message: str) -> str:
    values = {"code": code, "message": message}
    if what == "message":
        return _("Facebook refused the message (%(code)s): %(message)s") % values
    if what == "reply":
        return _("Facebook refused the reply (%(code)s): %(message)s") % values
    return _("Facebook refused the request (%(code)s): %(message)s") % values


def _strip_code(message: str) -> str:
    """Meta prefixes messages with "(#10) "; the reason shows the code once."""
    if message.startswith("(#") and ") " in message:
        return message.split(") ", 1)[1]
    return message


def _no_answer(exc: requests.RequestException) -> GraphError:
    return GraphError(
        _("Facebook did not answer after the request was sent (%(error)s).")
        % {"error": type(exc).__name__},
        maybe_sent=True,
    )


def _without_id() -> GraphError:
    return GraphError(_("Facebook answered without the new message's id."), maybe_sent=True)


def _unreachable(exc: requests.RequestException) -> GraphError:
    # The exception's text can contain the URL with its access_token: name its kind only.
    return GraphError(
        _("Facebook could not be reached (%(error)s).") % {"error": type(exc).__name__},
        retryable=True,
    )


# --- pacing ------------------------------------------------------------------------


def _pause_key(page_id: str) -> str:
    return f"fb:pause:{page_id}"


def _raise_if_paused(page_id: str) -> None:
    # Without the cache (Redis down) no pause is known: Meta's own throttling still holds.
    until = outage.cache_get(_pause_key(page_id))
    remaining = (until or 0) - time.time()
    if remaining > 0:
        raise GraphError(
            _("Facebook asked us to slow down for this Page; trying again in %(seconds)d seconds.")
            % {"seconds": max(1, round(remaining))},
            retryable=True,
            retry_after=remaining,
        )


def _pause(page_id: str, seconds: float) -> None:
    until = time.time() + seconds
    current = outage.cache_get(_pause_key(page_id)) or 0
    if until > current:
        outage.cache_set(_pause_key(page_id), until, timeout=int(seconds) + 1)


def _note_usage(page_id: str, headers: Any) -> None:
    """Pause the Page before Meta has to throttle it (meta.md §10.3)."""
    regain = _regain_seconds(headers, page_id)
    if regain:
        _pause(page_id, regain)
        return
    counts = [_usage(headers.get("X-App-Usage")).get("call_count")]
    counts += [e.get("call_count") for e in _buc_entries(headers, page_id)]
    if any(isinstance(c, int | float) and c >= USAGE_CEILING for c in counts):
        _pause(page_id, RATE_LIMIT_PAUSE)


def _usage(raw: str | None) -> dict:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _buc_entries(headers: Any, page_id: str) -> list[dict]:
    entries = _usage(headers.get("X-Business-Use-Case-Usage")).get(page_id, [])
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def _regain_seconds(headers: Any, page_id: str) -> float | None:
    minutes = [
        e.get("estimated_time_to_regain_access")
        for e in _buc_entries(headers, page_id)
        if isinstance(e.get("estimated_time_to_regain_access"), int | float)
    ]
    longest = max(minutes, default=0)
    return longest * 60.0 if longest > 0 else None


def _retry_after(response: requests.Response, page_id: str) -> float | None:
    return _regain_seconds(response.headers, page_id) or retry_after_header(response)


# --- small parsers -----------------------------------------------------------------


def _updated(item: dict) -> datetime | None:
    """When a conversation or post last changed; None when the Graph did not say."""
    value = item.get("updated_time") or item.get("created_time")
    try:
        return from_iso(value) if isinstance(value, str) else None
    except ValueError:
        return None
