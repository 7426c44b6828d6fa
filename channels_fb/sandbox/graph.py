"""A fake of the Graph API endpoints socialcare's client uses, kept in memory.

A plain WSGI app, so tests serve it from a thread over real HTTP and the demo mounts it
in Django (`/sandbox/facebook/graph/`). It answers in meta.md's shapes with meta.md's
error objects, and never posts webhooks itself: the simulator records a payload here
(`POST /_sandbox/record`) before it posts it to the inbox, so catching up, profiles and
posts read back what "Facebook has".

Like the real Graph it accepts any non-empty token unless revoked. Unlike it, objects it
never saw (a comment that was only ingested, a PSID of a test) are taken to exist, so
tests need not record everything first; what it does know it enforces (the 24-hour
window, one private reply per comment within 7 days, deleted objects).

Control endpoints (not versioned): `POST /_sandbox/record`, `POST /_sandbox/faults`
{"fault", "count"}, `GET /_sandbox/calls`, `POST /_sandbox/reset`, `GET
/_sandbox/media/<name>`. A text containing #ratelimit, #servererror, #invalidtoken,
#outsidewindow or #blocked fails its send the same way as the fault of that name.

Three faults send first and then answer badly, the cases where the client cannot tell
whether Facebook sent it: #timeout (the message is sent, the answer comes only after
`slow_answer_seconds`, longer than the client waits), #lostanswer (sent, then HTTP 500)
and #noid (sent, then a success without the new id). The faults "timeout_after_send",
"error_after_send" and "no_id" do the same to the next send.
"""

import base64
import hashlib
import itertools
import json
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlencode
from wsgiref.util import application_uri

from . import seed

WINDOW = 24 * 3600
HUMAN_AGENT_WINDOW = 7 * 24 * 3600
PRIVATE_REPLY_WINDOW = 7 * 24 * 3600
MAX_TEXT = 2000
PAGE_TOKEN_PREFIX = "sandbox-page-token-"
VERSIONED = re.compile(r"^/(v\d+\.\d+)/(.+)$")

# meta.md §10.1/10.2: (HTTP status, code, subcode, message).
FAULTS: dict[str, tuple[int, int, int | None, str]] = {
    "rate_limit": (400, 4, None, "(#4) Application request limit reached"),
    "invalid_token": (
        400,
        190,
        460,
        "Error validating access token: The session has been invalidated because the user "
        "changed their password or Facebook has changed the session for security reasons.",
    ),
    "outside_window": (400, 10, 2018278, "(#10) This message is sent outside of allowed window."),
    "server_error": (
        500,
        2,
        None,
        "An unexpected error has occurred. Please retry your request later.",
    ),
    "blocked": (400, 551, 1545041, "(#551) This person isn't available right now."),
}
MARKERS = {
    "#ratelimit": "rate_limit",
    "#servererror": "server_error",
    "#invalidtoken": "invalid_token",
    "#outsidewindow": "outside_window",
    "#blocked": "blocked",
}
# Faults that let the send happen and spoil only its answer.
AFTER_SEND = ("timeout_after_send", "error_after_send", "no_id")
AFTER_SEND_MARKERS = {
    "#timeout": "timeout_after_send",
    "#lostanswer": "error_after_send",
    "#noid": "no_id",
}
# The edges that send something the customer sees.
SENDS = {("messages", "POST"), ("comments", "POST")}
# How long a rate-limited Page waits, in minutes, as the usage header says.
RATE_LIMIT_MINUTES = 5
NO_OBJECT = (
    "Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded "
    "due to missing permissions, or does not support this operation."
)


def page_token(page_id: str) -> str:
    """The Page access token the fake hands out for a sandbox Page."""
    return f"{PAGE_TOKEN_PREFIX}{page_id}"


@dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str = "application/json; charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds to wait before answering, outside the fake's lock.
    delay: float = 0.0


class _Fail(Exception):
    def __init__(self, answer: _Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


@dataclass
class _Request:
    method: str
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    base: str  # where the fake is served, without a trailing slash

    def param(self, name: str) -> Any:
        """Graph reads a parameter from the query or the body alike."""
        return self.body.get(name, self.query.get(name, ""))

    @property
    def token(self) -> str:
        return str(self.param("access_token") or "")


def _ok(value: Any, headers: dict[str, str] | None = None) -> _Answer:
    return _Answer(200, json.dumps(value).encode(), headers=headers or {})


def _error(
    status: int,
    code: int,
    message: str,
    *,
    subcode: int | None = None,
    headers: dict[str, str] | None = None,
) -> _Fail:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if status >= 500 or code in {1, 2}:
        error["is_transient"] = True
    error["fbtrace_id"] = "A" + secrets.token_urlsafe(8)
    return _Fail(_Answer(status, json.dumps({"error": error}).encode(), headers=headers or {}))


class FakeGraph:
    """The in-memory Graph: call it as a WSGI app; inspect and steer it in-process."""

    def __init__(
        self,
        *,
        app_id: str = "sandbox-app",
        app_name: str = "socialcare (sandbox)",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app_id = app_id
        self.app_name = app_name
        self.clock = clock
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.pages = {p["id"]: dict(p) for p in seed.PAGES}
            self.known_pages: set[str] = set(self.pages)
            self.profiles = {
                psid: {"first_name": first, "last_name": last}
                for psid, (first, last) in seed.PROFILES.items()
            }
            # (page id, PSID) -> mid -> {"id", "time", "from_page", "text", "attachments"}
            self.threads: dict[tuple[str, str], dict[str, dict]] = {}
            self.posts: dict[str, dict] = {}
            self.comments: dict[str, dict] = {}
            self.reviews: dict[str, dict] = {}
            self.removed: set[str] = set()
            self.hidden: set[str] = set()
            self.liked: set[str] = set()
            self.private_replied: set[str] = set()
            self.subscriptions: dict[str, list[str]] = {}
            self.codes: dict[str, str] = {}
            self.used_codes: set[str] = set()
            self.revoked: set[str] = set()
            self.declined: set[str] = set()
            # Meta deprecated reading recommendations on v22+ (meta.md §5.2): switch this
            # off to make subscribing to "ratings" fail with error 12.
            self.ratings_available = True
            # Sent as X-App-Usage on every answer; set call_count near 100 to see pacing.
            self.app_usage = {"call_count": 1, "total_cputime": 1, "total_time": 1}
            # Page id -> X-Business-Use-Case-Usage entry sent on every answer.
            self.page_usage: dict[str, dict] = {}
            self._faults: deque[str] = deque()
            self._after_send: deque[str] = deque()
            # How late a "timeout_after_send" answers: longer than the client's read timeout.
            self.slow_answer_seconds = 25.0
            self._calls: list[dict] = []
            self._numbers = itertools.count(1785000000000001)

    # --- in-process control -----------------------------------------------------------

    def calls(self) -> list[dict]:
        """Every versioned call so far: {"method", "path", "query", "body"}."""
        with self._lock:
            return [dict(call) for call in self._calls]

    def fail(self, fault: str, count: int = 1) -> None:
        """The next `count` API calls fail with the documented error of that name (an
        AFTER_SEND fault: the next `count` sends)."""
        if fault not in FAULTS and fault not in AFTER_SEND:
            raise ValueError(f"unknown fault {fault!r}; one of {sorted([*FAULTS, *AFTER_SEND])}")
        with self._lock:
            queue = self._after_send if fault in AFTER_SEND else self._faults
            queue.extend([fault] * count)

    def revoke(self, token: str) -> None:
        with self._lock:
            self.revoked.add(token)

    def issue_code(self, redirect_uri: str) -> str:
        """An OAuth code the dialog hands out; it must come back with the same redirect_uri."""
        code = "sandbox-code-" + secrets.token_urlsafe(12)
        with self._lock:
            self.codes[code] = redirect_uri
        return code

    def record(self, payload: Any) -> int:
        """Learn what a webhook payload says Facebook has; returns how many things."""
        with self._lock:
            return self._record(payload)

    # --- WSGI -------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = _request(environ)
        with self._lock:
            try:
                answer = self._route(request)
            except _Fail as fail:
                answer = fail.answer
        if answer.delay:
            time.sleep(answer.delay)
        headers = [
            ("Content-Type", answer.content_type),
            ("Content-Length", str(len(answer.body))),
            *answer.headers.items(),
        ]
        start_response(f"{answer.status} {HTTPStatus(answer.status).phrase}", headers)
        return [answer.body]

    def _route(self, request: _Request) -> _Answer:
        if request.path.startswith("/_sandbox/"):
            return self._control(request)
        match = VERSIONED.match(request.path)
        if not match:
            raise _error(400, 2500, "Unknown path components: " + request.path)
        self._calls.append(
            {
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
                "body": dict(request.body),
            }
        )
        if self._faults:
            raise self._fault(self._faults.popleft(), request)
        parts = match[2].strip("/").split("/")
        answer = self._api(parts, request)
        if len(parts) == 2 and (parts[1], request.method) in SENDS:
            answer = self._spoiled(answer, request)
        answer.headers.setdefault("X-App-Usage", json.dumps(self.app_usage))
        if self.page_usage:
            usage = {page: [entry] for page, entry in self.page_usage.items()}
            answer.headers.setdefault("X-Business-Use-Case-Usage", json.dumps(usage))
        return answer

    def _control(self, request: _Request) -> _Answer:
        name = request.path.removeprefix("/_sandbox/")
        if name.startswith("media/") and request.method == "GET":
            return self._media(name.removeprefix("media/"), request)
        if name == "record" and request.method == "POST":
            return _ok({"recorded": self._record(request.body)})
        if name == "faults" and request.method == "POST":
            try:
                self.fail(str(request.body.get("fault")), _int(request.body.get("count"), 1))
            except ValueError as exc:
                return _Answer(400, json.dumps({"error": str(exc)}).encode())
            return _ok({"pending": list(self._faults)})
        if name == "calls" and request.method == "GET":
            return _ok(self.calls())
        if name == "reset" and request.method == "POST":
            self.reset()
            return _ok({"reset": True})
        return _Answer(404, b'{"error": "no such sandbox endpoint"}')

    def _media(self, name: str, request: _Request) -> _Answer:
        if name not in seed.MEDIA:
            return _Answer(404, b"not found", "text/plain")
        content, content_type = seed.MEDIA[name]
        return _Answer(200, content, content_type)

    def _spoiled(self, answer: _Answer, request: _Request) -> _Answer:
        """A send that went through, answered the way an AFTER_SEND fault says."""
        text = _sent_text(request).lower()
        marked = [f for marker, f in AFTER_SEND_MARKERS.items() if marker in text]
        fault = marked[0] if marked else (self._after_send.popleft() if self._after_send else "")
        if fault == "timeout_after_send":
            answer.delay = self.slow_answer_seconds
        elif fault == "error_after_send":
            status, code, _subcode, message = FAULTS["server_error"]
            return _error(status, code, message).answer
        elif fault == "no_id":
            sent = json.loads(answer.body)
            answer.body = json.dumps({k: v for k, v in sent.items() if "id" not in k}).encode()
        return answer

    def _fault(self, name: str, request: _Request) -> _Fail:
        status, code, subcode, message = FAULTS[name]
        headers = {}
        if name == "rate_limit":
            page_id = self._owner(_first_segment(request.path), request.token)
            usage = {
                "type": "messenger",
                "call_count": 100,
                "total_cputime": 30,
                "total_time": 45,
                "estimated_time_to_regain_access": RATE_LIMIT_MINUTES,
            }
            headers = {
                "X-App-Usage": json.dumps(
                    {"call_count": 100, "total_cputime": 25, "total_time": 40}
                ),
                "X-Business-Use-Case-Usage": json.dumps({page_id: [usage]}),
            }
        return _error(status, code, message, subcode=subcode, headers=headers)

    # --- the API ----------------------------------------------------------------------

    def _api(self, parts: list[str], request: _Request) -> _Answer:
        method = request.method
        if parts == ["oauth", "access_token"] and method == "GET":
            return self._oauth(request)
        if not request.token:
            raise _error(400, 104, "An access token is required to request this resource.")
        if request.token in self.revoked:
            raise self._fault("invalid_token", request)
        if parts == ["me", "accounts"] and method == "GET":
            return self._accounts(request)
        if parts == ["me", "permissions"] and method == "GET":
            return self._permissions()
        if len(parts) == 2:
            handler = self._edges().get((parts[1], method))
            if handler:
                return handler(parts[0], request)
        if len(parts) == 1:
            handler = {"GET": self._get, "POST": self._update, "DELETE": self._delete}.get(method)
            if handler:
                return handler(parts[0], request)
        raise _error(400, 2500, "Unknown path components: /" + "/".join(parts[1:]))

    def _edges(self) -> dict[tuple[str, str], Callable[[str, _Request], _Answer]]:
        return {
            ("messages", "POST"): self._send,
            ("conversations", "GET"): self._conversations,
            ("feed", "GET"): self._feed,
            ("comments", "POST"): self._comment,
            ("likes", "POST"): self._like,
            ("likes", "DELETE"): self._like,
            ("subscribed_apps", "GET"): self._subscribed_apps,
            ("subscribed_apps", "POST"): self._subscribe,
            ("subscribed_apps", "DELETE"): self._unsubscribe,
        }

    # Facebook Login ---------------------------------------------------------------------

    def _oauth(self, request: _Request) -> _Answer:
        if not request.param("client_id") or not request.param("client_secret"):
            raise _error(400, 101, "Error validating application. Invalid application ID.")
        if request.param("grant_type") == "fb_exchange_token":
            short = str(request.param("fb_exchange_token") or "")
            if not short or short in self.revoked:
                raise self._fault("invalid_token", request)
            return _ok(_token("sandbox-long-"))
        code = str(request.param("code") or "")
        if not code:
            raise _error(400, 100, "Missing authorization code")
        if code in self.used_codes:
            raise _error(400, 100, "This authorization code has been used.", subcode=36009)
        expected = self.codes.get(code)
        if expected is not None and expected != request.param("redirect_uri"):
            raise _error(
                400,
                100,
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request",
                subcode=36008,
            )
        self.codes.pop(code, None)
        self.used_codes.add(code)
        return _ok(_token("sandbox-user-"))

    def _accounts(self, request: _Request) -> _Answer:
        data = [
            {
                "id": page["id"],
                "name": page["name"],
                "access_token": page_token(page["id"]),
                "category": "Outdoor & Sporting Goods Company",
                "tasks": list(page["tasks"]),
                "picture": {"data": self._picture(request, "post.png")},
            }
            for page in self.pages.values()
        ]
        return _ok({"data": data, "paging": _cursors(0, len(data))})

    def _permissions(self) -> _Answer:
        data = [
            {"permission": name, "status": "declined" if name in self.declined else "granted"}
            for name in seed.PERMISSIONS
        ]
        return _ok({"data": data})

    # webhooks subscription --------------------------------------------------------------

    def _subscribed_apps(self, page_id: str, request: _Request) -> _Answer:
        fields = self.subscriptions.get(page_id)
        if not fields:
            return _ok({"data": []})
        app = {
            "category": "Business",
            "link": "https://socialcare.example/",
            "name": self.app_name,
            "id": self.app_id,
            "subscribed_fields": list(fields),
        }
        return _ok({"data": [app]})

    def _subscribe(self, page_id: str, request: _Request) -> _Answer:
        raw = request.param("subscribed_fields")
        fields = raw if isinstance(raw, list) else [f for f in str(raw).split(",") if f]
        if not fields:
            raise _error(400, 100, "(#100) The parameter subscribed_fields is required")
        for index, name in enumerate(fields):
            if name not in seed.PAGE_FIELDS:
                allowed = ", ".join(sorted(seed.PAGE_FIELDS))
                raise _error(
                    400,
                    100,
                    f"(#100) Param subscribed_fields[{index}] must be one of "
                    f'{{{allowed}}} - got "{name}"',
                )
        if "ratings" in fields and not self.ratings_available:
            raise _error(400, 12, "(#12) ratings is deprecated for versions v22.0 and higher")
        self.subscriptions[page_id] = list(fields)
        return _ok({"success": True})

    def _unsubscribe(self, page_id: str, request: _Request) -> _Answer:
        self.subscriptions.pop(page_id, None)
        return _ok({"success": True})

    # Messenger ------------------------------------------------------------------------

    def _send(self, page_id: str, request: _Request) -> _Answer:
        recipient = _as_dict(request.param("recipient"))
        message = _as_dict(request.param("message"))
        text = str(message.get("text", ""))
        if not recipient:
            raise _error(400, 100, "(#100) param recipient must be non-empty.")
        if not text and not message.get("attachment"):
            raise _error(400, 100, "(#100) Must send either message or state")
        if len(text) > MAX_TEXT:
            raise _error(
                400, 100, "(#100) Length of param message[text] must be less than or equal to 2000"
            )
        self._check_markers(text, request)
        messaging_type = str(request.param("messaging_type") or "RESPONSE")
        tag = str(request.param("tag") or "")
        if messaging_type not in {"RESPONSE", "UPDATE", "MESSAGE_TAG"}:
            raise _error(
                400,
                100,
                "(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}",
            )
        if messaging_type == "MESSAGE_TAG" and tag != "HUMAN_AGENT":
            # Meta: deprecated tags "will receive error code 100" (meta.md §7.1).
            raise _error(400, 100, "(#100) Invalid parameter")
        target = recipient.get("comment_id") or recipient.get("post_id")
        if target:
            psid = self._private_reply(str(target))
        elif recipient.get("id"):
            psid = str(recipient["id"])
            self._check_window(
                page_id, psid, tagged=messaging_type == "MESSAGE_TAG", request=request
            )
        else:
            raise _error(400, 100, "(#100) param recipient must be non-empty.")
        mid = "m_" + secrets.token_urlsafe(18)
        attachment = _as_dict(message.get("attachment"))
        url = _as_dict(attachment.get("payload")).get("url", "")
        attachments = [(str(attachment.get("type")), str(url), "")] if attachment else []
        self._add_message(page_id, psid, mid, self.clock(), True, text, attachments)
        return _ok({"recipient_id": psid, "message_id": mid})

    def _check_window(self, page_id: str, psid: str, *, tagged: bool, request: _Request) -> None:
        """The 24-hour window (7 days tagged) from the person's last message the fake knows
        of; with none recorded (tests that only ingest), the send goes through."""
        thread = self.threads.get((page_id, psid), {})
        inbound = [m["time"] for m in thread.values() if not m["from_page"]]
        if inbound and self.clock() - max(inbound) > (HUMAN_AGENT_WINDOW if tagged else WINDOW):
            raise self._fault("outside_window", request)

    def _private_reply(self, target: str) -> str:
        self._check_exists(target, "post")
        if target in self.private_replied:
            raise _error(400, 10, "(#10) This comment or post already has a private reply.")
        thing = self.comments.get(target) or self.posts.get(target) or {}
        if thing and self.clock() - thing["time"] > PRIVATE_REPLY_WINDOW:
            raise _error(
                400,
                10,
                "(#10) Private replies can only be sent within 7 days of the comment or post.",
            )
        author = thing.get("from") or {}
        psid = derived_psid(str(author.get("id") or target))
        if psid not in self.profiles and author.get("name"):
            first, _, last = str(author["name"]).partition(" ")
            self.profiles[psid] = {"first_name": first, "last_name": last}
        self.private_replied.add(target)
        return psid

    def _conversations(self, page_id: str, request: _Request) -> _Answer:
        rows = sorted(
            ((psid, thread) for (page, psid), thread in self.threads.items() if page == page_id),
            key=lambda row: max(m["time"] for m in row[1].values()),
            reverse=True,
        )
        fields = _field_map(str(request.param("fields") or ""))
        messages_limit = _limit(fields.get("messages", ("", ""))[0], 20)
        chunk, paging = _paginate(rows, request)
        data = [
            _only(self._conversation_json(page_id, psid, thread, messages_limit), fields)
            for psid, thread in chunk
        ]
        return _ok({"data": data, "paging": paging})

    def _conversation_json(self, page_id: str, psid: str, thread: dict, limit: int) -> dict:
        messages = sorted(thread.values(), key=lambda m: m["time"], reverse=True)[:limit]
        customer, page = self._person(psid), self._person(page_id)
        return {
            "id": "t_" + derived_psid(f"thread:{page_id}:{psid}"),
            "updated_time": _iso(messages[0]["time"]),
            "link": f"/{page_id}/inbox/",
            "participants": {"data": [customer, page]},
            "messages": {
                "data": [self._message_json(m, customer, page) for m in messages],
                "paging": _cursors(0, len(messages)),
            },
        }

    def _message_json(self, message: dict, customer: dict, page: dict) -> dict:
        sender, to = (page, customer) if message["from_page"] else (customer, page)
        data: dict[str, Any] = {
            "id": message["id"],
            "created_time": _iso(message["time"]),
            "from": sender,
            "to": {"data": [to]},
            "message": message["text"],
        }
        attachments = [
            _attachment_json(message["id"], i, a) for i, a in enumerate(message["attachments"])
        ]
        if any(attachments):
            data["attachments"] = {"data": [a for a in attachments if a]}
        sticker = next((url for kind, url, sticker_id in message["attachments"] if sticker_id), "")
        if sticker:
            data["sticker"] = sticker
        return data

    def _person(self, object_id: str) -> dict:
        if object_id in self.known_pages:
            name = self.pages.get(object_id, {}).get("name", f"Page {object_id}")
        else:
            profile = self.profiles.get(object_id, {})
            name = " ".join(p for p in (profile.get("first_name"), profile.get("last_name")) if p)
        return {"name": name, "email": f"{object_id}@facebook.com", "id": object_id}

    # comments, posts, reviews --------------------------------------------------------------

    def _comment(self, object_id: str, request: _Request) -> _Answer:
        text = str(request.param("message") or "")
        if not text and not request.param("attachment_url"):
            raise _error(400, 100, "(#100) Missing message or attachment")
        self._check_markers(text, request)
        self._check_exists(object_id, "post")
        page_id = self._owner(object_id, request.token)
        root, parent, prefix = self._place(object_id, page_id)
        if root not in self.posts and root.split("_")[0] in self.known_pages:
            self._post_stub(root, page_id)
        comment_id = f"{prefix}_{next(self._numbers)}"
        self.comments[comment_id] = {
            "id": comment_id,
            "page_id": page_id,
            "object_id": root,
            "parent_id": parent,
            "message": text,
            "time": self.clock(),
            "from": {"name": self._person(page_id)["name"], "id": page_id},
        }
        return _ok({"id": comment_id})

    def _place(self, object_id: str, page_id: str) -> tuple[str, str, str]:
        """Where a reply to `object_id` goes: (post or review, parent, id prefix)."""
        comment = self.comments.get(object_id)
        if comment:
            # Facebook keeps two levels: a reply to a reply joins its top-level comment.
            top = comment["parent_id"] if comment["parent_id"] in self.comments else object_id
            return comment["object_id"], top, object_id.split("_")[0]
        if object_id in self.posts or object_id.split("_")[0] in self.known_pages:
            return object_id, object_id, object_id.split("_")[-1]
        if "_" in object_id:  # a comment the fake never saw: "{post}_{comment}"
            post = object_id.split("_")[0]
            return f"{page_id}_{post}", object_id, post
        return object_id, object_id, object_id  # a review (open_graph_story_id)

    def _update(self, object_id: str, request: _Request) -> _Answer:
        hidden = str(request.param("is_hidden")).lower()
        if hidden not in {"true", "false"}:
            raise _error(400, 100, "(#100) No supported fields to update")
        self._check_exists(object_id, "post")
        if hidden == "true":
            self.hidden.add(object_id)
        else:
            self.hidden.discard(object_id)
        return _ok({"success": True})

    def _delete(self, object_id: str, request: _Request) -> _Answer:
        self._check_exists(object_id, "delete")
        self.removed.add(object_id)
        return _ok({"success": True})

    def _like(self, object_id: str, request: _Request) -> _Answer:
        self._check_exists(object_id, request.method.lower())
        if request.method == "POST":
            self.liked.add(object_id)
        else:
            self.liked.discard(object_id)
        return _ok({"success": True})

    def _get(self, object_id: str, request: _Request) -> _Answer:
        self._check_exists(object_id, "get")
        fields = _field_map(str(request.param("fields") or ""))
        if object_id in self.known_pages:
            page = self._person(object_id)
            data = {
                "id": object_id,
                "name": page["name"],
                "picture": {"data": self._picture(request, "post.png")},
            }
        elif object_id in self.profiles:
            data = self._profile_json(object_id, request)
        elif object_id in self.comments:
            comment = self.comments[object_id]
            data = self._comment_json(comment, fields, self._comments_on(comment["object_id"]))
        elif object_id in self.reviews:
            data = self._review_json(self.reviews[object_id])
        elif object_id in self.posts or object_id.split("_")[0] in self.known_pages:
            post = self.posts.get(object_id) or self._post_stub(object_id, object_id.split("_")[0])
            data = self._post_json(post, request, fields)
        elif fields.keys() & {"first_name", "last_name", "profile_pic", "name"}:
            raise _error(400, 100, "(#100) No profile available for this user.", subcode=2018218)
        else:
            raise _error(400, 100, NO_OBJECT.format(method="get", id=object_id), subcode=33)
        return _ok(_only(data, fields))

    def _profile_json(self, psid: str, request: _Request) -> dict:
        profile = self.profiles[psid]
        name = " ".join(p for p in (profile["first_name"], profile["last_name"]) if p)
        picture = f"{request.base}/_sandbox/media/avatar.png?psid={psid}"
        return {**profile, "name": name, "profile_pic": picture, "id": psid}

    def _feed(self, page_id: str, request: _Request) -> _Answer:
        posts = [
            p
            for p in self.posts.values()
            if p["page_id"] == page_id and p["id"] not in self.removed
        ]
        posts.sort(key=self._updated, reverse=True)
        fields = _field_map(str(request.param("fields") or ""))
        chunk, paging = _paginate(posts, request)
        data = [_only(self._post_json(post, request, fields), fields) for post in chunk]
        return _ok({"data": data, "paging": paging})

    def _updated(self, post: dict) -> float:
        """A new comment updates a post, as on Facebook."""
        times = [c["time"] for c in self._comments_on(post["id"])]
        return max([post["time"], *times])

    def _post_json(self, post: dict, request: _Request, fields: dict) -> dict:
        data = {
            "id": post["id"],
            "message": post["message"],
            "created_time": _iso(post["time"]),
            "updated_time": _iso(self._updated(post)),
            "permalink_url": f"https://www.facebook.com/{post['id']}",
            "full_picture": post.get("picture") or f"{request.base}/_sandbox/media/post.png",
            "from": dict(post["from"]),
        }
        if "comments" in fields:
            modifiers, subfields = fields["comments"]
            data["comments"] = self._comments_edge(post["id"], modifiers, _field_map(subfields))
        return data

    def _comments_on(self, root: str) -> list[dict]:
        found = [
            c
            for c in self.comments.values()
            if c["object_id"] == root and c["id"] not in self.removed
        ]
        return sorted(found, key=lambda c: c["time"])

    def _comments_edge(self, root: str, modifiers: str, fields: dict) -> dict:
        """Top-level comments with their replies nested, or all flat with filter(stream)."""
        comments = self._comments_on(root)
        stream = "filter(stream)" in modifiers.replace(" ", "")
        rows = comments if stream else [c for c in comments if c["parent_id"] == root]
        data = [
            _only(self._comment_json(c, fields, () if stream else comments), fields) for c in rows
        ]
        return {"data": data, "paging": _cursors(0, len(data))}

    def _comment_json(self, comment: dict, fields: dict, thread: Iterable[dict] = ()) -> dict:
        post = comment["object_id"]
        data: dict[str, Any] = {
            "id": comment["id"],
            "message": comment["message"],
            "from": dict(comment["from"]),
            "created_time": _iso(comment["time"]),
            "is_hidden": comment["id"] in self.hidden,
            "permalink_url": f"https://www.facebook.com/{post}?comment_id={comment['id']}",
        }
        if comment["parent_id"] != post:
            data["parent"] = {"id": comment["parent_id"]}
        if "comments" in fields:
            replies = [c for c in thread if c["parent_id"] == comment["id"]]
            sub = _field_map(fields["comments"][1])
            data["comments"] = {
                "data": [_only(self._comment_json(r, sub), sub) for r in replies],
                "paging": _cursors(0, len(replies)),
            }
        return data

    def _review_json(self, review: dict) -> dict:
        data = {
            "id": review["id"],
            "created_time": _iso(review["time"]),
            "recommendation_type": review["recommendation_type"],
            "review_text": review["review_text"],
            "reviewer": dict(review["reviewer"]),
        }
        if review.get("rating") is not None:
            data["rating"] = review["rating"]
        return data

    def _post_stub(self, post_id: str, page_id: str, at: float | None = None) -> dict:
        """A Page post the fake never saw being made: one of the seeded texts."""
        texts = seed.POST_TEXTS
        post = {
            "id": post_id,
            "page_id": page_id,
            "message": texts[int(hashlib.sha256(post_id.encode()).hexdigest(), 16) % len(texts)],
            "time": at if at is not None else self.clock() - 86400,
            "from": {"name": self._person(page_id)["name"], "id": page_id},
        }
        self.known_pages.add(page_id)
        self.posts[post_id] = post
        return post

    # helpers ----------------------------------------------------------------------------

    def _check_exists(self, object_id: str, method: str) -> None:
        if object_id in self.removed:
            raise _error(400, 100, NO_OBJECT.format(method=method, id=object_id), subcode=33)

    def _check_markers(self, text: str, request: _Request) -> None:
        lowered = text.lower()
        for marker, fault in MARKERS.items():
            if marker in lowered:
                raise self._fault(fault, request)

    def _owner(self, object_id: str, token: str) -> str:
        """The Page an object belongs to (for usage headers and new comments)."""
        if object_id in self.known_pages:
            return object_id
        thing = (
            self.comments.get(object_id) or self.posts.get(object_id) or self.reviews.get(object_id)
        )
        if thing:
            return thing["page_id"]
        head = object_id.split("_")[0]
        if head in self.known_pages:
            return head
        if token.startswith(PAGE_TOKEN_PREFIX):
            return token.removeprefix(PAGE_TOKEN_PREFIX)
        return next(iter(self.pages))

    def _picture(self, request: _Request, name: str) -> dict:
        url = f"{request.base}/_sandbox/media/{name}"
        return {"height": 50, "width": 50, "is_silhouette": False, "url": url}

    def _add_message(
        self,
        page_id: str,
        psid: str,
        mid: str,
        at: float,
        from_page: bool,
        text: str,
        attachments: list[tuple[str, str, str]],
    ) -> None:
        thread = self.threads.setdefault((page_id, psid), {})
        thread.setdefault(
            mid,
            {
                "id": mid,
                "time": at,
                "from_page": from_page,
                "text": text,
                "attachments": attachments,
            },
        )

    # recording webhook payloads ----------------------------------------------------------

    def _record(self, payload: Any) -> int:
        if not isinstance(payload, dict):
            return 0
        learned = 0
        for entry in _list(payload.get("entry")):
            if not isinstance(entry, dict) or not entry.get("id"):
                continue
            page_id = str(entry["id"])
            self.known_pages.add(page_id)
            events = [*_list(entry.get("messaging")), *_list(entry.get("standby"))]
            for event in events:
                learned += _tolerant(self._record_messaging, page_id, event)
            for change in _list(entry.get("changes")):
                learned += _tolerant(self._record_change, page_id, change)
        return learned

    def _record_messaging(self, page_id: str, event: dict) -> int:
        sender, recipient = str(event["sender"]["id"]), str(event["recipient"]["id"])
        at = float(event["timestamp"]) / 1000
        message, postback = event.get("message"), event.get("postback")
        if isinstance(message, dict) and message.get("mid"):
            from_page = bool(message.get("is_echo")) or sender == page_id
            psid = recipient if from_page else sender
            if not from_page:
                self._learn_profile(psid)
            attachments = [_attachment_from_webhook(a) for a in _list(message.get("attachments"))]
            text = str(message.get("text", ""))
            self._add_message(page_id, psid, str(message["mid"]), at, from_page, text, attachments)
            return 1
        if isinstance(postback, dict):
            self._learn_profile(sender)
            mid = str(postback.get("mid") or f"postback:{sender}:{event['timestamp']}")
            self._add_message(page_id, sender, mid, at, False, str(postback.get("title", "")), [])
            return 1
        edit = event.get("message_edit")
        if isinstance(edit, dict):
            stored = self.threads.get((page_id, sender), {}).get(str(edit.get("mid")))
            if stored:
                stored["text"] = str(edit.get("text", ""))
                return 1
        return 0

    def _learn_profile(self, psid: str) -> None:
        """Facebook knows everyone who writes: give a new PSID one of the seeded names."""
        if psid in self.profiles:
            return
        names = list(seed.PROFILES.values())
        first, last = names[int(hashlib.sha256(psid.encode()).hexdigest(), 16) % len(names)]
        self.profiles[psid] = {"first_name": first, "last_name": last}

    def _record_change(self, page_id: str, change: dict) -> int:
        value = change.get("value")
        if not isinstance(value, dict):
            return 0
        if change.get("field") == "ratings":
            if value.get("comment_id"):
                story = str(value["open_graph_story_id"])
                return self._record_comment(page_id, value, root=story)
            return self._record_review(page_id, value)
        if change.get("field") != "feed":
            return 0
        if value.get("item") == "comment":
            return self._record_comment(page_id, value, root=str(value["post_id"]))
        if value.get("item") in {"post", "status", "photo", "video", "share"}:
            return self._record_post(page_id, value)
        return 0

    def _record_comment(self, page_id: str, value: dict, *, root: str) -> int:
        comment_id, verb = str(value["comment_id"]), value.get("verb")
        if verb == "remove":
            self.removed.add(comment_id)
            return 1
        if verb in {"hide", "unhide"}:
            (self.hidden.add if verb == "hide" else self.hidden.discard)(comment_id)
            return 1
        if verb == "edited" and comment_id in self.comments:
            self.comments[comment_id]["message"] = str(value.get("message", ""))
            return 1
        at = float(value.get("created_time") or self.clock())
        if root not in self.posts and root not in self.reviews and "_" in root:
            self._post_stub(root, page_id, at - 3600)
        parent = str(value.get("parent_id") or root)
        if parent in self.comments and self.comments[parent]["parent_id"] != root:
            parent = self.comments[parent]["parent_id"]
        self.comments[comment_id] = {
            "id": comment_id,
            "page_id": page_id,
            "object_id": root,
            "parent_id": parent,
            "message": str(value.get("message", "")),
            "time": at,
            "from": _author(value),
        }
        if value.get("is_hidden"):
            self.hidden.add(comment_id)
        return 1

    def _record_post(self, page_id: str, value: dict) -> int:
        post_id, verb = str(value["post_id"]), value.get("verb")
        if verb == "remove":
            self.removed.add(post_id)
            return 1
        if verb == "edited" and post_id in self.posts:
            self.posts[post_id]["message"] = str(value.get("message", ""))
            return 1
        self.posts[post_id] = {
            "id": post_id,
            "page_id": page_id,
            "message": str(value.get("message", "")),
            "time": float(value.get("created_time") or self.clock()),
            "from": _author(value),
            "picture": str(value.get("photo") or ""),
        }
        return 1

    def _record_review(self, page_id: str, value: dict) -> int:
        story = str(value["open_graph_story_id"])
        if value.get("verb") == "remove":
            self.removed.add(story)
            return 1
        self.reviews[story] = {
            "id": story,
            "page_id": page_id,
            "recommendation_type": value.get("recommendation_type", ""),
            "rating": value.get("rating"),
            "review_text": str(value.get("review_text", "")),
            "reviewer": {
                "name": value.get("reviewer_name", ""),
                "id": str(value.get("reviewer_id", "")),
            },
            "time": float(value.get("created_time") or self.clock()),
        }
        return 1


# --- pure helpers ---------------------------------------------------------------------


def derived_psid(key: str) -> str:
    """A stable, well-formed 16-digit id (PSIDs of commenters, thread ids)."""
    digest = int(hashlib.sha256(f"psid:{key}".encode()).hexdigest()[:16], 16)
    return "62" + str(digest % 10**14).zfill(14)


def _request(environ: dict) -> _Request:
    length = _int(environ.get("CONTENT_LENGTH"), 0)
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    body: dict[str, Any] = {}
    if raw and "json" in environ.get("CONTENT_TYPE", ""):
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        body = parsed if isinstance(parsed, dict) else {}
    elif raw:
        body = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    return _Request(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        path=environ.get("PATH_INFO") or "/",
        query=query,
        body=body,
        base=application_uri(environ).rstrip("/"),
    )


def _sent_text(request: _Request) -> str:
    """The text of a send: a message's `message.text` or a comment's `message`."""
    message = request.param("message")
    if isinstance(message, str) and not message.startswith("{"):
        return message
    return str(_as_dict(message).get("text", ""))


def _token(prefix: str) -> dict:
    return {
        "access_token": prefix + secrets.token_urlsafe(24),
        "token_type": "bearer",
        "expires_in": 5183944,
    }


def _first_segment(path: str) -> str:
    match = VERSIONED.match(path)
    return match[2].split("/")[0] if match else ""


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _as_dict(value: Any) -> dict:
    """A parameter sent as JSON or, form-encoded, as a JSON string."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _tolerant(record: Callable[[str, dict], int], page_id: str, event: Any) -> int:
    """A malformed event teaches the fake nothing, and does not stop the others."""
    try:
        return record(page_id, event)
    except (KeyError, TypeError, ValueError, AttributeError):
        return 0


def _author(value: dict) -> dict:
    author = value.get("from")
    if isinstance(author, dict) and author.get("id"):
        return {"name": str(author.get("name", "")), "id": str(author["id"])}
    return {"name": str(value.get("sender_name", "")), "id": str(value.get("sender_id", ""))}


def _attachment_from_webhook(raw: Any) -> tuple[str, str, str]:
    if not isinstance(raw, dict):
        return ("unsupported", "", "")
    payload = raw.get("payload") if isinstance(raw.get("payload"), dict) else {}
    return (
        str(raw.get("type", "")),
        str(payload.get("url", "")),
        str(payload.get("sticker_id", "")),
    )


def _attachment_json(mid: str, index: int, attachment: tuple[str, str, str]) -> dict:
    """A message attachment as the Conversations API shows it (stickers go elsewhere)."""
    kind, url, sticker_id = attachment
    if sticker_id or not url:
        return {}
    name = url.rsplit("/", 1)[-1].split("?")[0] or kind
    data: dict[str, Any] = {"id": f"{mid}_{index}", "name": name}
    if kind == "image":
        return {
            **data,
            "mime_type": "image/png",
            "image_data": {"url": url, "preview_url": url, "width": 64, "height": 48},
        }
    if kind == "video":
        return {
            **data,
            "mime_type": "video/mp4",
            "video_data": {"url": url, "preview_url": url, "width": 640, "height": 360},
        }
    mime = {"audio": "audio/mpeg", "file": "application/pdf"}.get(kind, "application/octet-stream")
    return {**data, "mime_type": mime, "file_url": url}


def _split_top(text: str) -> list[str]:
    """Split "a,b{c,d},e.limit(2)" at the commas outside braces and parentheses."""
    parts, current, depth = [], [], 0
    for char in text:
        depth += (char in "{(") - (char in "})")
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _field_map(fields: str) -> dict[str, tuple[str, str]]:
    """Graph's `fields` syntax: name -> (modifiers like ".limit(20)", nested fields)."""
    found = {}
    for part in _split_top(fields):
        match = re.match(r"([A-Za-z0-9_]+)(.*)$", part, re.S)
        if not match:
            continue
        name, rest = match.groups()
        brace = rest.find("{")
        if brace >= 0 and rest.endswith("}"):
            found[name] = (rest[:brace], rest[brace + 1 : -1])
        else:
            found[name] = (rest, "")
    return found


def _only(data: dict, fields: dict) -> dict:
    """Just the fields asked for (and the id), as Graph answers; all when none asked."""
    if not fields:
        return data
    return {k: v for k, v in data.items() if k == "id" or k in fields}


def _limit(modifiers: str, default: int) -> int:
    match = re.search(r"limit\((\d+)\)", modifiers)
    return int(match[1]) if match else default


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str) -> int:
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except ValueError:
        return 0
    return _int(decoded.removeprefix("offset:"), 0)


def _cursors(start: int, count: int) -> dict:
    return {"cursors": {"before": _cursor(start), "after": _cursor(start + count)}}


def _paginate(rows: list, request: _Request) -> tuple[list, dict]:
    """One page of `rows` from the `after` cursor, with `paging.next` when more remain."""
    start = _offset(str(request.param("after") or "")) if request.param("after") else 0
    limit = max(1, _int(request.param("limit"), 25))
    chunk = rows[start : start + limit]
    paging = _cursors(start, len(chunk))
    if start + limit < len(rows):
        query = {**request.query, "after": paging["cursors"]["after"]}
        paging["next"] = f"{request.base}{request.path}?{urlencode(query)}"
    return chunk, paging
