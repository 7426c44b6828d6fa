"""A fake of the Viber REST Bot API methods socialcare's client uses, kept in memory.

A plain WSGI app, so tests serve it from a thread over real HTTP and the demo mounts it
in Django (`/sandbox/viber/api/`). It answers in viber.md's shapes with viber.md's status
codes: HTTP 200 with a non-zero `status` for refusals, like Viber.

It knows the two sandbox bots' tokens (seed.BOTS); any other token is status 2. A
set_webhook posts the signed `event: webhook` callback to the new address from a
background thread once the answer is written (never inside the request: the demo serves
the fake and the webhook from the same server). Callbacks the simulator posts to the
inbox are recorded here first (`POST /_sandbox/record`) so the fake learns who is
subscribed and what they are called. Users it never saw are taken to exist.

Control endpoints: `POST /_sandbox/record`, `POST /_sandbox/faults` {"fault", "count"},
`GET /_sandbox/calls`, `POST /_sandbox/reset`, `GET /_sandbox/media/<name>`. A sent text
containing #ratelimit, #servererror, #invalidtoken or #notsubscribed fails the same way
as the fault of that name.

Three markers send the message and then spoil the answer, the cases where the client
cannot tell whether Viber sent it: #timeout (the answer comes only after
`slow_answer_seconds`, longer than the client waits), #lostanswer (HTTP 500) and #noid
(status 0 without a message_token).
"""

import hashlib
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from wsgiref.util import application_uri

from inbox.signing import hmac_sha256_hex

from . import seed

CHAT_HOSTNAME = "SN-CHAT-01_"
ALL_EVENT_TYPES = [
    "delivered",
    "seen",
    "failed",
    "subscribed",
    "unsubscribed",
    "conversation_started",
]
MAX_TEXT = 7000
MAX_SENDER_NAME = 28
MESSAGE_TYPES = {"text", "picture", "video", "file", "contact", "location", "url", "sticker"}
USER_DETAILS_LIMIT = 2
USER_DETAILS_WINDOW = 12 * 3600
CALLBACK_TIMEOUT = 10

# viber.md §5: (status, status_message); server_error is an HTTP 500 instead.
FAULTS: dict[str, tuple[int, str]] = {
    "rate_limit": (12, "tooManyRequests"),
    "server_error": (0, ""),
    "invalid_token": (2, "invalidAuthToken"),
    "not_subscribed": (6, "receiverNotSubscribed"),
}
MARKERS = {
    "#ratelimit": "rate_limit",
    "#servererror": "server_error",
    "#invalidtoken": "invalid_token",
    "#notsubscribed": "not_subscribed",
}


@dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str = "application/json; charset=UTF-8"
    # Run once the answer is written (WSGI close()).
    after: list[Callable[[], None]] = field(default_factory=list)
    # Seconds to wait before answering, outside the fake's lock.
    delay: float = 0.0


class _Fail(Exception):
    def __init__(self, answer: _Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


def _refusal(status: int, status_message: str, **extra: Any) -> _Fail:
    """Viber's way of failing: HTTP 200 with a non-zero status."""
    return _Fail(_ok({"status": status, "status_message": status_message, **extra}))


@dataclass
class _Request:
    method: str
    path: str
    token: str
    body: dict[str, Any]
    base: str  # where the fake is served, without a trailing slash


class _Body:
    """The WSGI response iterable: its close() runs what must wait for the answer."""

    def __init__(self, content: bytes, after: list[Callable[[], None]]) -> None:
        self.content = content
        self.after = after

    def __iter__(self) -> Iterator[bytes]:
        yield self.content

    def close(self) -> None:
        after, self.after = self.after, []
        for run in after:
            run()


def _ok(value: Any) -> _Answer:
    return _Answer(200, json.dumps(value, ensure_ascii=False).encode())


class FakeViber:
    """The in-memory Viber: call it as a WSGI app; inspect and steer it in-process."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.bots = {
                token: {**bot, "webhook": "", "event_types": []} for token, bot in seed.BOTS.items()
            }
            self.users = {
                user_id: {"id": user_id, "name": name, "language": language, "country": country}
                for user_id, (name, language, country) in seed.USERS.items()
            }
            # User id -> subscribed; ids are per bot, so the user id alone says which bot.
            self.subscribed: dict[str, bool] = {}
            # Viber refuses sends before a webhook is set (status 10); off by default so
            # tests need not register one first.
            self.webhook_required = False
            self.sent: list[dict] = []  # {"bot", "token", "payload"}
            # Each verification callback the fake posted: {"url", "status"} or {"url", "error"}.
            self.deliveries: list[dict] = []
            self._details_calls: dict[str, list[float]] = {}
            self._faults: deque[str] = deque()
            # How late a #timeout send answers: longer than the client's read timeout.
            self.slow_answer_seconds = 25.0
            self._calls: list[dict] = []
            self._tokens = itertools.count(5741311803571720001)

    # --- in-process control -----------------------------------------------------------

    def calls(self) -> list[dict]:
        """Every API call so far: {"method", "token", "body"}."""
        with self._lock:
            return [dict(call) for call in self._calls]

    def fail(self, fault: str, count: int = 1) -> None:
        """The next `count` API calls fail the documented way of that name."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; one of {sorted(FAULTS)}")
        with self._lock:
            self._faults.extend([fault] * count)

    def record(self, callback: Any) -> int:
        """Learn what a callback body says about a user; returns how many things."""
        with self._lock:
            return self._record(callback)

    def bot(self, token: str) -> dict | None:
        with self._lock:
            return self.bots.get(token)

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
        headers = [("Content-Type", answer.content_type), ("Content-Length", str(len(answer.body)))]
        start_response(f"{answer.status} {HTTPStatus(answer.status).phrase}", headers)
        return _Body(answer.body, answer.after)

    def _route(self, request: _Request) -> _Answer:
        name = request.path.strip("/")
        if name.startswith("_sandbox/"):
            return self._control(name.removeprefix("_sandbox/"), request)
        handler = self._methods().get(name)
        if handler is None or request.method != "POST":
            return _Answer(404, b"Not Found", "text/plain")
        self._calls.append({"method": name, "token": request.token, "body": dict(request.body)})
        if self._faults:
            raise self._fault(self._faults.popleft())
        if not request.token:
            raise _refusal(2, "missing_auth_token")
        bot = self.bots.get(request.token)
        if bot is None:
            raise _refusal(2, "invalidAuthToken")
        return handler(bot, request)

    def _methods(self) -> dict[str, Callable[[dict, _Request], _Answer]]:
        return {
            "get_account_info": self._account_info,
            "set_webhook": self._set_webhook,
            "get_user_details": self._user_details,
            "send_message": self._send,
        }

    def _control(self, name: str, request: _Request) -> _Answer:
        if name.startswith("media/") and request.method == "GET":
            return _media(name.removeprefix("media/"))
        if name == "record" and request.method == "POST":
            return _ok({"recorded": self._record(request.body)})
        if name == "faults" and request.method == "POST":
            fault, count = request.body.get("fault"), _int(request.body.get("count"), 1)
            if fault not in FAULTS:
                error = {"error": f"fault must be one of {sorted(FAULTS)}"}
                return _Answer(400, json.dumps(error).encode())
            self._faults.extend([fault] * count)
            return _ok({"pending": list(self._faults)})
        if name == "calls" and request.method == "GET":
            return _ok(self.calls())
        if name == "reset" and request.method == "POST":
            self.reset()
            return _ok({"reset": True})
        return _Answer(404, b'{"error": "no such sandbox endpoint"}')

    def _fault(self, name: str, **extra: Any) -> _Fail:
        if name == "server_error":
            return _Fail(_Answer(500, b"Internal Server Error", "text/plain"))
        status, message = FAULTS[name]
        return _refusal(status, message, chat_hostname=CHAT_HOSTNAME, **extra)

    # --- the API ----------------------------------------------------------------------

    def _account_info(self, bot: dict, request: _Request) -> _Answer:
        public = {k: v for k, v in bot.items() if k not in {"icon", "webhook", "event_types"}}
        subscribers = sum(1 for on in self.subscribed.values() if on)
        return _ok(
            {
                "status": 0,
                "status_message": "ok",
                **public,
                "icon": _media_url(request, bot["icon"]),
                "background": _media_url(request, bot["icon"]),
                "webhook": bot["webhook"],
                "event_types": list(bot["event_types"]),
                "subscribers_count": subscribers,
                "members": [
                    {
                        "id": "V1SandboxAdmin0000000A==",
                        "name": "Sandbox Admin",
                        "avatar": _media_url(request, "avatar.png"),
                        "role": "admin",
                    }
                ],
            }
        )

    def _set_webhook(self, bot: dict, request: _Request) -> _Answer:
        if "url" not in request.body:
            raise _refusal(4, "missingData")
        url = str(request.body["url"] or "")
        if not url:
            bot["webhook"], bot["event_types"] = "", []
            return _ok({"status": 0, "status_message": "ok", "chat_hostname": CHAT_HOSTNAME})
        if not url.startswith(("http://", "https://")):
            raise _refusal(1, "invalidUrl")
        event_types = request.body.get("event_types", ALL_EVENT_TYPES)
        if not isinstance(event_types, list) or not set(event_types) <= set(ALL_EVENT_TYPES):
            raise _refusal(3, "badData")
        bot["webhook"], bot["event_types"] = url, list(event_types)
        callback = {
            "event": "webhook",
            "timestamp": int(self.clock() * 1000),
            "chat_hostname": CHAT_HOSTNAME,
            "message_token": next(self._tokens),
        }
        answer = _ok(
            {
                "status": 0,
                "status_message": "ok",
                "chat_hostname": CHAT_HOSTNAME,
                "event_types": list(event_types),
            }
        )
        body = json.dumps(callback).encode()
        answer.after.append(lambda: self._post_in_background(url, body, request.token))
        return answer

    def _user_details(self, bot: dict, request: _Request) -> _Answer:
        user_id = str(request.body.get("id") or "")
        if not user_id:
            raise _refusal(4, "missingData")
        now = self.clock()
        recent = [t for t in self._details_calls.get(user_id, []) if now - t < USER_DETAILS_WINDOW]
        if len(recent) >= USER_DETAILS_LIMIT:
            raise _refusal(12, "tooManyRequests", chat_hostname=CHAT_HOSTNAME)
        self._details_calls[user_id] = [*recent, now]
        user = {**self._user(user_id), **seed.DEVICE}
        user["avatar"] = user.get("avatar") or _media_url(request, "avatar.png")
        return _ok(
            {
                "status": 0,
                "status_message": "ok",
                "message_token": next(self._tokens),
                "user": user,
            }
        )

    def _send(self, bot: dict, request: _Request) -> _Answer:
        payload = request.body
        token = next(self._tokens)
        receiver = str(payload.get("receiver") or "")
        sender = payload.get("sender")
        kind = payload.get("type")
        if not receiver or not kind or not isinstance(sender, dict) or not sender.get("name"):
            raise _refusal(4, "missingData", message_token=token, chat_hostname=CHAT_HOSTNAME)
        text = str(payload.get("text") or "")
        lowered = text.lower()
        for marker, fault in MARKERS.items():
            if marker in lowered:
                raise self._fault(fault, message_token=token)
        if (
            kind not in MESSAGE_TYPES
            or len(str(sender["name"])) > MAX_SENDER_NAME
            or len(text) > MAX_TEXT
            or (kind == "text" and not text)
        ):
            raise _refusal(3, "badData", message_token=token, chat_hostname=CHAT_HOSTNAME)
        needs = {
            "picture": ("media",),
            "video": ("media", "size"),
            "file": ("media", "size", "file_name"),
        }
        if any(not payload.get(f) for f in needs.get(kind, ())):
            raise _refusal(4, "missingData", message_token=token, chat_hostname=CHAT_HOSTNAME)
        if self.webhook_required and not bot["webhook"]:
            raise _refusal(10, "webhookNotSet", message_token=token, chat_hostname=CHAT_HOSTNAME)
        if self.subscribed.get(receiver) is False:
            raise self._fault("not_subscribed", message_token=token)
        self.sent.append({"bot": bot["id"], "token": token, "payload": dict(payload)})
        answer = {
            "status": 0,
            "status_message": "ok",
            "message_token": token,
            "chat_hostname": CHAT_HOSTNAME,
            "billing_status": 1,
        }
        return self._spoiled(_ok(answer), answer, lowered)

    def _spoiled(self, ok: _Answer, answer: dict, text: str) -> _Answer:
        """A send that went out, answered the way an after-send marker in its text says."""
        if "#timeout" in text:
            ok.delay = self.slow_answer_seconds
        elif "#lostanswer" in text:
            return _Answer(500, b"Internal Server Error", "text/plain")
        elif "#noid" in text:
            return _ok({k: v for k, v in answer.items() if k != "message_token"})
        return ok

    # helpers ----------------------------------------------------------------------------

    def _user(self, user_id: str) -> dict:
        """Viber knows everyone: a user never seen gets one of the seeded names."""
        if user_id not in self.users:
            names = list(seed.USERS.values())
            pick = int(hashlib.sha256(user_id.encode()).hexdigest(), 16) % len(names)
            name, language, country = names[pick]
            self.users[user_id] = {
                "id": user_id,
                "name": name,
                "language": language,
                "country": country,
            }
        return dict(self.users[user_id])

    def _post_in_background(self, url: str, body: bytes, token: str) -> None:
        thread = threading.Thread(
            target=self._deliver, args=(url, body, token), name="fake-viber-webhook", daemon=True
        )
        thread.start()

    def _deliver(self, url: str, body: bytes, token: str) -> None:
        request = urllib.request.Request(  # noqa: S310 - the URL was checked to be http(s)
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                # viber.md §3: hex HMAC-SHA256 of the raw body, keyed with the bot token.
                "X-Viber-Content-Signature": hmac_sha256_hex(token, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=CALLBACK_TIMEOUT) as response:  # noqa: S310
                outcome: dict = {"url": url, "status": response.status}
        except urllib.error.HTTPError as exc:
            outcome = {"url": url, "status": exc.code}
        except (OSError, ValueError) as exc:
            outcome = {"url": url, "error": type(exc).__name__}
        with self._lock:
            self.deliveries.append(outcome)

    # recording callbacks ------------------------------------------------------------------

    def _record(self, callback: Any) -> int:
        if not isinstance(callback, dict):
            return 0
        event = callback.get("event")
        if event == "unsubscribed" and callback.get("user_id"):
            self.subscribed[str(callback["user_id"])] = False
            return 1
        person = callback.get("sender") if event == "message" else callback.get("user")
        if not isinstance(person, dict) or not person.get("id"):
            return 0
        user_id = str(person["id"])
        known = self._user(user_id)
        learned = {
            k: str(person[k]) for k in ("name", "avatar", "country", "language") if k in person
        }
        self.users[user_id] = {**known, **learned}
        # Writing to a bot subscribes; opening the chat does not (viber.md §0, §2.3).
        if event in {"message", "subscribed"}:
            self.subscribed[user_id] = True
        return 1


# --- pure helpers ---------------------------------------------------------------------


def _request(environ: dict) -> _Request:
    length = _int(environ.get("CONTENT_LENGTH"), 0)
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    body: dict[str, Any] = {}
    if raw:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        body = parsed if isinstance(parsed, dict) else {}
    # The legacy SDK puts the token in the body; the header is the documented way.
    token = environ.get("HTTP_X_VIBER_AUTH_TOKEN") or str(body.get("auth_token") or "")
    return _Request(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        path=environ.get("PATH_INFO") or "/",
        token=token,
        body=body,
        base=application_uri(environ).rstrip("/"),
    )


def _media(name: str) -> _Answer:
    if name not in seed.MEDIA:
        return _Answer(404, b"not found", "text/plain")
    content, content_type = seed.MEDIA[name]
    return _Answer(200, content, content_type)


def _media_url(request: _Request, name: str) -> str:
    return f"{request.base}/_sandbox/media/{name}"


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
