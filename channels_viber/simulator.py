"""Realistic Viber callbacks for the sandbox: `manage.py simulate_viber`.

Three layers, so each can be tested alone:
- `build_*`: pure functions returning callbacks in viber.md's shapes (section 2), with
  every id and timestamp given;
- `Traffic`: invents the next batch of callbacks for the connected bots, and remembers
  each bot's users, so conversations grow over a run;
- `Simulator`: reads the bots and our sent replies from the database, and POSTs each
  callback to the fake Viber (so it knows who subscribed) and then, signed with that
  bot's token, to the bot's own webhook.
"""

import base64
import json
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import cycle
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone

from inbox.selectors.channels import accounts_active, replies_sent_since
from inbox.signing import hmac_sha256_hex
from inbox.simulation import post_or_log

from .simulator_content import CONTEXTS, LANGUAGES, STICKER_IDS, Content

log = logging.getLogger(__name__)

KIND = "viber"
MEDIA_PATH = "/sandbox/viber/media/"
# Receipts only for replies sent this recently: the demo's older history stays as it is.
RECEIPTS_LOOKBACK = timedelta(hours=1)
API_VERSION = 10
TIMEOUT = 10


# --- pure builders: callbacks in viber.md's shapes -------------------------------------------


def _callback(event: str, *, token: int, ts_ms: int, **fields: Any) -> dict:
    """The fields every callback has (viber.md 2)."""
    return {
        "event": event,
        "timestamp": ts_ms,
        "chat_hostname": "SN-CHAT-03_",
        "message_token": token,
        **fields,
    }


def build_user(user_id: str, *, name: str, country: str, language: str, avatar: str = "") -> dict:
    """The `sender` of a message and the `user` of other callbacks (avatar only with
    send_photo, which socialcare asks for)."""
    user: dict[str, Any] = {"id": user_id, "name": name}
    if avatar:
        user["avatar"] = avatar
    user.update(country=country, language=language, api_version=API_VERSION)
    return user


def build_message(sender: dict, message: dict, *, token: int, ts_ms: int) -> dict:
    """viber.md 2.1: `message` is one of the `*_body` shapes below."""
    return _callback("message", token=token, ts_ms=ts_ms, sender=sender, message=message)


def text_body(text: str) -> dict:
    return {"type": "text", "text": text}


def picture_body(*, url: str, caption: str, file_name: str, file_size: int) -> dict:
    return {
        "type": "picture",
        "text": caption,
        "media": url,
        "thumbnail": url,
        "file_name": file_name,
        "file_size": file_size,
    }


def file_body(*, url: str, file_name: str, file_size: int) -> dict:
    return {"type": "file", "media": url, "file_name": file_name, "file_size": file_size}


def sticker_body(*, sticker_id: int, url: str) -> dict:
    return {"type": "sticker", "sticker_id": sticker_id, "media": url}


def location_body(*, lat: float, lon: float) -> dict:
    return {"type": "location", "location": {"lat": lat, "lon": lon}}


def contact_body(*, name: str, phone_number: str) -> dict:
    return {"type": "contact", "contact": {"name": name, "phone_number": phone_number}}


def url_body(url: str) -> dict:
    return {"type": "url", "media": url}


def build_conversation_started(
    user: dict, *, token: int, ts_ms: int, subscribed: bool, context: str = ""
) -> dict:
    """viber.md 2.3: the user opened the chat; `context` only via a deep link."""
    fields: dict[str, Any] = {"type": "open"}
    if context:
        fields["context"] = context
    return _callback(
        "conversation_started",
        token=token,
        ts_ms=ts_ms,
        user=user,
        subscribed=subscribed,
        **fields,
    )


def build_subscribed(user: dict, *, token: int, ts_ms: int) -> dict:
    """viber.md 2.2."""
    return _callback("subscribed", token=token, ts_ms=ts_ms, user=user)


def build_unsubscribed(user_id: str, *, token: int, ts_ms: int) -> dict:
    return _callback("unsubscribed", token=token, ts_ms=ts_ms, user_id=user_id)


def build_receipt(event: str, user_id: str, *, token: int, ts_ms: int) -> dict:
    """viber.md 2.4: `delivered` or `seen`; the token is the one send_message returned."""
    return _callback(event, token=token, ts_ms=ts_ms, user_id=user_id)


def webhook_body(payload: dict) -> bytes:
    """The bytes of one callback, UTF-8 as they are: the signature covers exactly these."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def signature(body: bytes, token: str) -> str:
    """viber.md 3: lowercase hex HMAC-SHA256 of the raw body, keyed with the bot's token."""
    return hmac_sha256_hex(token, body)


# --- what the traffic is about --------------------------------------------------------------


@dataclass(frozen=True)
class Bot:
    pk: int
    bot_id: str
    name: str = ""
    auth_token: str = ""


@dataclass(frozen=True)
class SentMessage:
    """One of our outbound Viber messages, as the database has it."""

    bot_id: str
    user_id: str
    token: str
    sent_at: datetime
    status: str


@dataclass
class Customer:
    user_id: str
    name: str
    country: str
    language: Content
    subscribed: bool = True


@dataclass(frozen=True)
class Callback:
    """One POST: Viber names no bot in a callback, so the bot comes alongside."""

    bot: Bot
    payload: dict


# What a batch is made of, with how often each occurs.
SCENARIOS: tuple[tuple[str, int], ...] = (
    ("new_conversation", 14),
    ("follow_up", 16),
    ("picture", 7),
    ("sticker", 5),
    ("location", 4),
    ("contact", 4),
    ("url", 4),
    ("file", 4),
    ("subscribe", 3),
    ("unsubscribe", 2),
)


class Traffic:
    """Invents batches of callbacks. No I/O: bots and sent messages come in, callbacks out."""

    def __init__(self, *, seed: int | None = None, media_url: str = "") -> None:
        self.rng = random.Random(time.time_ns() if seed is None else seed)
        # The fake Viber's media directory: photo.png, sticker.png, avatar.png.
        self.media_url = media_url
        # Viber ids are per bot: the same person has another id on another bot.
        self.customers: dict[str, list[Customer]] = defaultdict(list)
        self._issued: set[str] = set()
        self._receipted: set[tuple[str, str]] = set()
        self._deck: list[str] = []
        languages = list(LANGUAGES)
        self.rng.shuffle(languages)
        # New customers take the languages in turn, so every language shows up soon.
        self._languages: Iterator[Content] = cycle(languages)
        self._clock_ms = 0

    # -- the batch ------------------------------------------------------------------------

    def batch(
        self, bots: list[Bot], sent: list[SentMessage], *, burst: int, now: datetime
    ) -> list[Callback]:
        """The callbacks of one batch: `burst` scenarios plus the receipts that are due."""
        if not bots:
            return []
        start_ms = int(now.timestamp() * 1000) - (burst + 5) * 3000
        self._clock_ms = max(start_ms, self._clock_ms + 1)
        callbacks = []
        for _ in range(burst):
            bot = self.rng.choice(bots)
            callbacks += [Callback(bot, p) for p in self._scenario(bot)]
        callbacks += self._receipts(bots, sent)
        return callbacks

    def _scenario(self, bot: Bot) -> list[dict]:
        if not self._deck:
            self._deck = [name for name, weight in SCENARIOS for _ in range(weight)]
            self.rng.shuffle(self._deck)
        scenarios: dict[str, Callable[[Bot], list[dict]]] = {
            "new_conversation": self._new_conversation,
            "follow_up": self._follow_up,
            "picture": self._picture,
            "sticker": self._sticker,
            "location": self._location,
            "contact": self._contact,
            "url": self._url,
            "file": self._file,
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
        }
        return scenarios[self._deck.pop()](bot)

    # -- ids and time ---------------------------------------------------------------------

    def _unique(self, make: Callable[[], str]) -> str:
        while (value := make()) in self._issued:
            pass
        self._issued.add(value)
        return value

    def _token(self) -> int:
        """message_token: a 64-bit integer, never repeated within a run."""
        return int(self._unique(lambda: str(self.rng.randrange(5 * 10**18, 9 * 10**18))))

    def _user_id(self) -> str:
        """An opaque Viber user id: 16 bytes in base64, like `uXgCz3VBD0Lq0VexWJCX0A==`."""
        return self._unique(lambda: base64.b64encode(self.rng.randbytes(16)).decode())

    def _tick(self) -> int:
        """The next callback's time in ms: a second or three after the previous one."""
        self._clock_ms += self.rng.randrange(800, 3000)
        return self._clock_ms

    def _media(self, name: str) -> str:
        return self.media_url + name

    # -- customers ------------------------------------------------------------------------

    def _new_customer(self, bot: Bot) -> Customer:
        language = next(self._languages)
        customer = Customer(
            user_id=self._user_id(),
            name=self.rng.choice(language.names),
            country=self.rng.choice(language.countries),
            language=language,
            subscribed=False,
        )
        self.customers[bot.bot_id].append(customer)
        return customer

    def _returning(self, bot: Bot) -> Customer | None:
        """A customer of this bot who is still subscribed; now and then one who left comes
        back (writing again subscribes them)."""
        customers = self.customers[bot.bot_id]
        pool = [c for c in customers if c.subscribed]
        if not pool or (self.rng.random() < 0.1 and len(pool) < len(customers)):
            pool = [c for c in customers if not c.subscribed]
        return self.rng.choice(pool) if pool else None

    def _customer(self, bot: Bot, *, returning: float) -> tuple[Customer, list[dict]]:
        """A returning customer with that probability when there is one, else a new one who
        opens the chat first: (the customer, the callbacks that come before they write)."""
        if self.rng.random() < returning and (customer := self._returning(bot)):
            return customer, []
        customer = self._new_customer(bot)
        return customer, [self._opened(customer)]

    def _user(self, customer: Customer) -> dict:
        return build_user(
            customer.user_id,
            name=customer.name,
            country=customer.country,
            language=customer.language.language,
            avatar=self._media("avatar.png"),
        )

    def _says(self, customer: Customer, body: dict) -> dict:
        # A user's first message subscribes them, without a `subscribed` callback (viber.md 0).
        customer.subscribed = True
        return build_message(self._user(customer), body, token=self._token(), ts_ms=self._tick())

    def _says_text(self, customer: Customer, texts: tuple[str, ...]) -> dict:
        return self._says(customer, text_body(self.rng.choice(texts)))

    # -- scenarios ------------------------------------------------------------------------

    def _opened(self, customer: Customer) -> dict:
        context = self.rng.choice(CONTEXTS) if self.rng.random() < 0.3 else ""
        return build_conversation_started(
            self._user(customer),
            token=self._token(),
            ts_ms=self._tick(),
            subscribed=customer.subscribed,
            context=context,
        )

    def _new_conversation(self, bot: Bot) -> list[dict]:
        """Opens the chat (the bot may answer with its welcome), then writes."""
        customer = self._new_customer(bot)
        opened = self._opened(customer)
        return [opened, self._says_text(customer, customer.language.openers)]

    def _follow_up(self, bot: Bot) -> list[dict]:
        customer = self._returning(bot)
        if customer is None:
            return self._new_conversation(bot)
        return [self._says_text(customer, customer.language.follow_ups)]

    def _picture(self, bot: Bot) -> list[dict]:
        customer, opened = self._customer(bot, returning=0.7)
        body = picture_body(
            url=self._media("photo.png"),
            caption=self.rng.choice(customer.language.photo_captions),
            file_name=f"IMG_{self.rng.randrange(1000, 9999)}.png",
            file_size=self.rng.randrange(80_000, 900_000),
        )
        return [*opened, self._says(customer, body)]

    def _file(self, bot: Bot) -> list[dict]:
        customer, opened = self._customer(bot, returning=0.8)
        note = self._says_text(customer, customer.language.file_notes)
        body = file_body(
            url=self._media("photo.png"),
            file_name=f"receipt-scan-{self.rng.randrange(100, 999)}.png",
            file_size=self.rng.randrange(40_000, 400_000),
        )
        return [*opened, note, self._says(customer, body)]

    def _sticker(self, bot: Bot) -> list[dict]:
        customer, opened = self._customer(bot, returning=0.9)
        body = sticker_body(sticker_id=self.rng.choice(STICKER_IDS), url=self._media("sticker.png"))
        return [*opened, self._says(customer, body)]

    def _location(self, bot: Bot) -> list[dict]:
        customer, opened = self._customer(bot, returning=0.8)
        note = self._says_text(customer, customer.language.location_notes)
        lat, lon = self.rng.choice(customer.language.locations)
        # A pin dropped near the place, not on it.
        spot = location_body(
            lat=round(lat + self.rng.uniform(-0.01, 0.01), 6),
            lon=round(lon + self.rng.uniform(-0.01, 0.01), 6),
        )
        return [*opened, note, self._says(customer, spot)]

    def _contact(self, bot: Bot) -> list[dict]:
        customer, opened = self._customer(bot, returning=0.8)
        note = self._says_text(customer, customer.language.contact_notes)
        name, phone = self.rng.choice(customer.language.contacts)
        return [*opened, note, self._says(customer, contact_body(name=name, phone_number=phone))]

    def _url(self, bot: Bot) -> list[dict]:
        customer, opened = self._customer(bot, returning=0.7)
        note = self._says_text(customer, customer.language.link_notes)
        return [
            *opened,
            note,
            self._says(customer, url_body(self.rng.choice(customer.language.links))),
        ]

    def _subscribe(self, bot: Bot) -> list[dict]:
        """Someone opens the chat and taps Subscribe without writing (yet)."""
        customer = self._new_customer(bot)
        opened = self._opened(customer)
        customer.subscribed = True
        subscribed = build_subscribed(self._user(customer), token=self._token(), ts_ms=self._tick())
        return [opened, subscribed]

    def _unsubscribe(self, bot: Bot) -> list[dict]:
        """A customer leaves: our replies to them fail until they write again."""
        subscribed = [c for c in self.customers[bot.bot_id] if c.subscribed]
        if len(subscribed) < 3:
            return self._follow_up(bot)
        customer = self.rng.choice(subscribed)
        customer.subscribed = False
        return [build_unsubscribed(customer.user_id, token=self._token(), ts_ms=self._tick())]

    # -- receipts for our replies -----------------------------------------------------------

    def _receipts(self, bots: list[Bot], sent: list[SentMessage]) -> list[Callback]:
        """`delivered` for each reply sent; `seen`, now and then, once per user for all the
        delivered ones (Viber sends seen once for everything read)."""
        by_id = {bot.bot_id: bot for bot in bots}
        callbacks = []
        seen_due: dict[tuple[str, str], list[SentMessage]] = defaultdict(list)
        for message in sent:
            if message.bot_id not in by_id:
                continue
            if message.status == "sent" and (message.token, "delivered") not in self._receipted:
                self._receipted.add((message.token, "delivered"))
                receipt = self._receipt("delivered", [message])
                callbacks.append(Callback(by_id[message.bot_id], receipt))
            elif message.status == "delivered" and (message.token, "seen") not in self._receipted:
                seen_due[(message.bot_id, message.user_id)].append(message)
        for (bot_id, _), messages in seen_due.items():
            if self.rng.random() < 0.4:
                continue  # not read yet
            self._receipted.update((m.token, "seen") for m in messages)
            callbacks.append(Callback(by_id[bot_id], self._receipt("seen", messages)))
        return callbacks

    def _receipt(self, event: str, messages: list[SentMessage]) -> dict:
        """After every message it covers: `seen`'s timestamp says what was read."""
        latest = max(messages, key=lambda m: m.sent_at)
        after_ms = int(latest.sent_at.timestamp() * 1000) + self.rng.randrange(500, 4000)
        self._clock_ms = max(self._tick(), after_ms)
        token = int(latest.token) if latest.token.isdigit() else latest.token
        return build_receipt(event, latest.user_id, token=token, ts_ms=self._clock_ms)


# --- the database side ------------------------------------------------------------------------


def bots_connected() -> list[Bot]:
    """The active Viber accounts with a token to sign with."""
    return [
        Bot(pk=a.pk, bot_id=a.external_id, name=a.name, auth_token=token)
        for a in accounts_active(kind=KIND)
        if (token := (a.credentials or {}).get("auth_token"))
    ]


def messages_sent_recently(*, now: datetime) -> list[SentMessage]:
    """Our recent Viber replies (customers' phones report them delivered and seen)."""
    return [
        SentMessage(*row) for row in replies_sent_since(kind=KIND, since=now - RECEIPTS_LOOKBACK)
    ]


# --- HTTP ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchReport:
    bots: int
    callbacks: int
    failed: int


class Simulator:
    """Sends what `Traffic` invents to this server: the fake Viber first, then the webhook."""

    def __init__(self, *, traffic: Traffic | None = None) -> None:
        self.base_url = settings.SOCIALCARE_SANDBOX_URL.rstrip("/")
        self.api_url = settings.VIBER_API_URL.rstrip("/")
        self.traffic = traffic or Traffic(media_url=self.base_url + MEDIA_PATH)
        self.session = requests.Session()

    def webhook_url(self, bot: Bot) -> str:
        return f"{self.base_url}/webhooks/viber/{bot.pk}/"

    def run_batch(self, *, burst: int) -> BatchReport:
        now = timezone.now()
        bots = bots_connected()
        sent = messages_sent_recently(now=now)
        callbacks = self.traffic.batch(bots, sent, burst=burst, now=now)
        failed = sum(not self.send(callback) for callback in callbacks)
        return BatchReport(bots=len(bots), callbacks=len(callbacks), failed=failed)

    def send(self, callback: Callback) -> bool:
        """Record the callback in the fake Viber (best effort), then POST it signed. A
        failure is logged and the run goes on: the server may be starting or restarting."""
        body = webhook_body(callback.payload)
        token = callback.bot.auth_token
        json_headers = {"Content-Type": "application/json; charset=utf-8"}
        self._post(
            f"{self.api_url}/_sandbox/record",
            data=body,
            headers={**json_headers, "X-Viber-Auth-Token": token},
        )
        headers = {**json_headers, "X-Viber-Content-Signature": signature(body, token)}
        return self._post(self.webhook_url(callback.bot), data=body, headers=headers)

    def _post(self, url: str, **kwargs: Any) -> bool:
        return post_or_log(
            self.session, url, log=log, command="simulate_viber", timeout=TIMEOUT, **kwargs
        )
