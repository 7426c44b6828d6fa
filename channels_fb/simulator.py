"""Realistic Facebook webhook traffic for the sandbox: `manage.py simulate_facebook`.

Three layers, so each can be tested alone:
- `build_*`: pure functions returning events and payloads in meta.md's shapes (sections
  4 and 5), with every id and timestamp given;
- `Traffic`: invents the next batch of payloads for the connected Pages, and remembers
  its customers, posts and comment threads so conversations grow over a run;
- `Simulator`: reads the Pages and our sent messages from the database, and POSTs each
  payload to the fake Graph (so it "has" what it sent) and then, signed, to the webhook.
"""

import json
import logging
import random
import string
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import cycle
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone

from inbox.selectors.channels import accounts_active, replies_sent_since
from inbox.signing import hmac_sha256_hex
from inbox.simulation import post_or_log

from .simulator_content import LANGUAGES, REACTIONS, Content

log = logging.getLogger(__name__)

KIND = "facebook"
MEDIA_PATH = "/sandbox/facebook/media/photo.png"
# Receipts only for replies sent this recently: the demo's older history stays as it is.
RECEIPTS_LOOKBACK = timedelta(hours=1)
POSTS_PER_PAGE = 3
TIMEOUT = 10


# --- pure builders: events and payloads in meta.md's shapes --------------------------------


def build_payload(*entries: dict) -> dict:
    """The webhook envelope (meta.md 3): one POST, possibly several entries."""
    return {"object": "page", "entry": list(entries)}


def build_messaging_entry(page_id: str, events: list[dict], *, time_ms: int) -> dict:
    return {"id": page_id, "time": time_ms, "messaging": events}


def build_changes_entry(page_id: str, changes: list[dict], *, time_s: int) -> dict:
    return {"id": page_id, "time": time_s, "changes": changes}


def _from_customer(page_id: str, psid: str, ts_ms: int, **payload: Any) -> dict:
    return {"sender": {"id": psid}, "recipient": {"id": page_id}, "timestamp": ts_ms, **payload}


def build_text_message(
    page_id: str, psid: str, *, mid: str, text: str, ts_ms: int, quick_reply: str = ""
) -> dict:
    """meta.md 4.1; with `quick_reply` the text is the chip's title the customer tapped."""
    message: dict[str, Any] = {"mid": mid, "text": text}
    if quick_reply:
        message["quick_reply"] = {"payload": quick_reply}
    return _from_customer(page_id, psid, ts_ms, message=message)


def build_photo_message(page_id: str, psid: str, *, mid: str, url: str, ts_ms: int) -> dict:
    """meta.md 4.2: Messenger sends a photo as a message of its own, without text."""
    attachment = {"type": "image", "payload": {"url": url}}
    return _from_customer(page_id, psid, ts_ms, message={"mid": mid, "attachments": [attachment]})


def build_postback(
    page_id: str, psid: str, *, mid: str, title: str, payload: str, ts_ms: int
) -> dict:
    """meta.md 4.5: a button the customer tapped."""
    postback = {"mid": mid, "title": title, "payload": payload}
    return _from_customer(page_id, psid, ts_ms, postback=postback)


def build_reaction(
    page_id: str, psid: str, *, mid: str, reaction: str, emoji: str, ts_ms: int
) -> dict:
    """meta.md 4.6: `mid` is the message reacted to."""
    body = {"mid": mid, "action": "react", "reaction": reaction, "emoji": emoji}
    return _from_customer(page_id, psid, ts_ms, reaction=body)


def build_message_edit(page_id: str, psid: str, *, mid: str, text: str, ts_ms: int) -> dict:
    """meta.md 4.7."""
    edit = {"mid": mid, "text": text, "num_edit": 1}
    return _from_customer(page_id, psid, ts_ms, message_edit=edit)


def build_delivery(
    page_id: str, psid: str, *, mids: list[str], watermark_ms: int, ts_ms: int
) -> dict:
    """meta.md 4.4: everything the Page sent before the watermark reached the customer."""
    delivery = {"mids": mids, "watermark": watermark_ms}
    return _from_customer(page_id, psid, ts_ms, delivery=delivery)


def build_read(page_id: str, psid: str, *, watermark_ms: int, ts_ms: int) -> dict:
    return _from_customer(page_id, psid, ts_ms, read={"watermark": watermark_ms})


def _person(user_id: str, name: str) -> dict:
    return {"id": user_id, "name": name}


def build_page_post(
    page_id: str, page_name: str, *, post_id: str, text: str, created_s: int
) -> dict:
    """A `feed` change for one of the Page's own posts (no conversation: the context of
    the comments under it)."""
    value = {
        "from": _person(page_id, page_name),
        "item": "status",
        "verb": "add",
        "post_id": post_id,
        "message": text,
        "published": 1,
        "created_time": created_s,
    }
    return {"field": "feed", "value": value}


def build_comment(
    *,
    post_id: str,
    comment_id: str,
    parent_id: str,
    user_id: str,
    name: str,
    text: str,
    created_s: int,
    photo: str = "",
) -> dict:
    """meta.md 5.1: `parent_id` is the post for a top-level comment, else that comment."""
    value: dict[str, Any] = {
        "from": _person(user_id, name),
        "item": "comment",
        "verb": "add",
        "post_id": post_id,
        "comment_id": comment_id,
        "parent_id": parent_id,
        "message": text,
        "created_time": created_s,
    }
    if photo:
        value["photo"] = photo
    return {"field": "feed", "value": value}


def build_visitor_post(*, post_id: str, user_id: str, name: str, text: str, created_s: int) -> dict:
    """meta.md 5.1: someone else's post on the Page."""
    value = {
        "from": _person(user_id, name),
        "item": "status",
        "verb": "add",
        "post_id": post_id,
        "message": text,
        "published": 1,
        "created_time": created_s,
    }
    return {"field": "feed", "value": value}


def build_review(
    *,
    story_id: str,
    reviewer_id: str,
    name: str,
    recommendation_type: str,
    text: str,
    created_s: int,
) -> dict:
    """meta.md 5.2: a recommendation (positive or negative) with its text."""
    value = {
        "item": "rating",
        "verb": "add",
        "open_graph_story_id": story_id,
        "recommendation_type": recommendation_type,
        "review_text": text,
        "reviewer_id": reviewer_id,
        "reviewer_name": name,
        "created_time": created_s,
    }
    return {"field": "ratings", "value": value}


def webhook_body(payload: dict) -> bytes:
    """The bytes Meta would send: json.dumps' default escapes non-ASCII as \\uXXXX."""
    return json.dumps(payload).encode()


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac_sha256_hex(secret, body)


# --- what the traffic is about --------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    page_id: str
    name: str = ""
    reviews: bool = True


@dataclass(frozen=True)
class SentMessage:
    """One of our outbound Messenger messages, as the database has it."""

    page_id: str
    psid: str
    mid: str
    sent_at: datetime
    status: str


@dataclass
class Customer:
    psid: str
    language: Content


@dataclass
class CommentThread:
    post_id: str
    comment_id: str
    language: Content


@dataclass
class PageState:
    customers: list[Customer] = field(default_factory=list)
    # language code -> the Page's post in that language, and the comment threads under posts.
    posts: dict[str, str] = field(default_factory=dict)
    threads: list[CommentThread] = field(default_factory=list)


# What a batch is made of, with how often each occurs.
SCENARIOS: tuple[tuple[str, int], ...] = (
    ("new_message", 14),
    ("follow_up", 14),
    ("photo", 6),
    ("quick_reply", 6),
    ("postback", 5),
    ("reaction", 5),
    ("edit", 4),
    ("comment", 12),
    ("comment_reply", 12),
    ("visitor_post", 4),
    ("review", 6),
)
ID_ALPHABET = string.ascii_letters + string.digits + "-_"


class Traffic:
    """Invents batches of payloads. No I/O: pages and sent messages come in, payloads out."""

    def __init__(self, *, seed: int | None = None, media_url: str = "") -> None:
        self.rng = random.Random(time.time_ns() if seed is None else seed)
        self.media_url = media_url
        self.pages: dict[str, PageState] = defaultdict(PageState)
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
        self, pages: list[Page], sent: list[SentMessage], *, burst: int, now: datetime
    ) -> list[dict]:
        """The payloads of one batch: `burst` scenarios plus the receipts that are due."""
        if not pages:
            return []
        start_ms = int(now.timestamp() * 1000) - (burst + 5) * 3000
        self._clock_ms = max(start_ms, self._clock_ms + 1)
        payloads = []
        for _ in range(burst):
            page = self.rng.choice(pages)
            payloads.append(self._scenario(page, sent))
        payloads.extend(self._receipts(pages, sent))
        return self._pack(payloads)

    def _pack(self, payloads: list[dict]) -> list[dict]:
        """Meta batches: now and then a POST carries the entries of several."""
        packed: list[dict] = []
        for payload in payloads:
            if packed and self.rng.random() < 0.3:
                packed[-1]["entry"].extend(payload["entry"])
            else:
                packed.append(payload)
        return packed

    def _scenario(self, page: Page, sent: list[SentMessage]) -> dict:
        if not self._deck:
            self._deck = [name for name, weight in SCENARIOS for _ in range(weight)]
            self.rng.shuffle(self._deck)
        name = self._deck.pop()
        if name == "review" and not page.reviews:
            name = "comment"
        scenarios = {
            "new_message": self._new_message,
            "follow_up": self._follow_up,
            "photo": self._photo,
            "quick_reply": self._quick_reply,
            "postback": self._postback,
            "reaction": self._reaction,
            "edit": self._edit,
            "comment": self._comment,
            "comment_reply": self._comment_reply,
            "visitor_post": self._visitor_post,
            "review": self._review,
        }
        return scenarios[name](page, sent)

    # -- ids and time ---------------------------------------------------------------------

    def _unique(self, make: Callable[[], str]) -> str:
        while (value := make()) in self._issued:
            pass
        self._issued.add(value)
        return value

    def _digits(self, n: int) -> str:
        return self._unique(lambda: str(self.rng.randrange(10 ** (n - 1), 10**n)))

    def _mid(self) -> str:
        return self._unique(lambda: "m_" + "".join(self.rng.choices(ID_ALPHABET, k=24)))

    def _tick(self) -> int:
        """The next event's time in ms: a second or three after the previous one."""
        self._clock_ms += self.rng.randrange(800, 3000)
        return self._clock_ms

    def _name(self, language: Content) -> str:
        return self.rng.choice(language.names)

    # -- Messenger ------------------------------------------------------------------------

    def _customer(self, page: Page, *, returning: bool) -> Customer:
        customers = self.pages[page.page_id].customers
        if returning and customers:
            return self.rng.choice(customers)
        customer = Customer(psid=self._digits(16), language=next(self._languages))
        customers.append(customer)
        return customer

    def _messaging(self, page: Page, *events: dict) -> dict:
        return build_payload(
            build_messaging_entry(page.page_id, list(events), time_ms=self._tick())
        )

    def _text(self, page: Page, customer: Customer, text: str, **extra: str) -> dict:
        return build_text_message(
            page.page_id, customer.psid, mid=self._mid(), text=text, ts_ms=self._tick(), **extra
        )

    def _new_message(self, page: Page, sent: list[SentMessage]) -> dict:
        customer = self._customer(page, returning=False)
        return self._messaging(
            page, self._text(page, customer, self.rng.choice(customer.language.openers))
        )

    def _follow_up(self, page: Page, sent: list[SentMessage]) -> dict:
        if not self.pages[page.page_id].customers:
            return self._new_message(page, sent)
        customer = self._customer(page, returning=True)
        return self._messaging(
            page, self._text(page, customer, self.rng.choice(customer.language.follow_ups))
        )

    def _photo(self, page: Page, sent: list[SentMessage]) -> dict:
        customer = self._customer(page, returning=self.rng.random() < 0.7)
        photo = build_photo_message(
            page.page_id, customer.psid, mid=self._mid(), url=self.media_url, ts_ms=self._tick()
        )
        caption = self._text(page, customer, self.rng.choice(customer.language.photo_captions))
        return self._messaging(page, photo, caption)

    def _quick_reply(self, page: Page, sent: list[SentMessage]) -> dict:
        """A chip the Page offered in its answer: only customers already talking tap one."""
        if not self.pages[page.page_id].customers:
            return self._new_message(page, sent)
        customer = self._customer(page, returning=True)
        title, payload = self.rng.choice(customer.language.quick_replies)
        return self._messaging(page, self._text(page, customer, title, quick_reply=payload))

    def _postback(self, page: Page, sent: list[SentMessage]) -> dict:
        customer = self._customer(page, returning=self.rng.random() < 0.5)
        title, payload = self.rng.choice(customer.language.postbacks)
        event = build_postback(
            page.page_id,
            customer.psid,
            mid=self._mid(),
            title=title,
            payload=payload,
            ts_ms=self._tick(),
        )
        return self._messaging(page, event)

    def _reaction(self, page: Page, sent: list[SentMessage]) -> dict:
        """Customers react to what the Page sent them; with nothing sent yet, they write."""
        ours = [m for m in sent if m.page_id == page.page_id]
        if not ours:
            return self._follow_up(page, sent)
        message = self.rng.choice(ours)
        reaction, emoji = self.rng.choice(REACTIONS)
        event = build_reaction(
            page.page_id,
            message.psid,
            mid=message.mid,
            reaction=reaction,
            emoji=emoji,
            ts_ms=self._tick(),
        )
        return self._messaging(page, event)

    def _edit(self, page: Page, sent: list[SentMessage]) -> dict:
        """A typo, fixed a few seconds later with Messenger's edit."""
        customer = self._customer(page, returning=True)
        typed, corrected = self.rng.choice(customer.language.edits)
        message = self._text(page, customer, typed)
        edit = build_message_edit(
            page.page_id,
            customer.psid,
            mid=message["message"]["mid"],
            text=corrected,
            ts_ms=self._tick(),
        )
        return self._messaging(page, message, edit)

    def _receipts(self, pages: list[Page], sent: list[SentMessage]) -> list[dict]:
        """Deliveries for our sent messages; reads, now and then, for delivered ones."""
        ours = {page.page_id for page in pages}
        due: dict[tuple[str, str, str], list[SentMessage]] = defaultdict(list)
        for message in sent:
            status = {"sent": "delivered", "delivered": "read"}.get(message.status)
            if message.page_id not in ours or status is None:
                continue
            if (message.mid, status) in self._receipted:
                continue
            due[(message.page_id, message.psid, status)].append(message)
        events: dict[str, list[dict]] = defaultdict(list)
        for (page_id, psid, status), messages in due.items():
            if status == "read" and self.rng.random() < 0.4:
                continue  # not read yet
            self._receipted.update((m.mid, status) for m in messages)
            # The watermark covers every message sent before it.
            watermark = max(int(m.sent_at.timestamp() * 1000) for m in messages) + 1
            if status == "delivered":
                mids = [m.mid for m in messages]
                event = build_delivery(
                    page_id, psid, mids=mids, watermark_ms=watermark, ts_ms=self._tick()
                )
            else:
                event = build_read(page_id, psid, watermark_ms=watermark, ts_ms=self._tick())
            events[page_id].append(event)
        return [
            build_payload(build_messaging_entry(page_id, page_events, time_ms=self._tick()))
            for page_id, page_events in events.items()
        ]

    # -- the Page's feed and reviews --------------------------------------------------------

    def _changes(self, page: Page, *changes: dict) -> dict:
        entry = build_changes_entry(page.page_id, list(changes), time_s=self._tick() // 1000)
        return build_payload(entry)

    def _post_for(self, page: Page, language: Content) -> tuple[str, dict | None]:
        """The Page's post in this language, with the change announcing it when it is new."""
        state = self.pages[page.page_id]
        if language.code in state.posts:
            return state.posts[language.code], None
        post_id = f"{page.page_id}_{self._digits(15)}"
        state.posts[language.code] = post_id
        announce = build_page_post(
            page.page_id,
            page.name,
            post_id=post_id,
            text=self.rng.choice(language.posts),
            created_s=self._tick() // 1000,
        )
        return post_id, announce

    def _comment(self, page: Page, sent: list[SentMessage]) -> dict:
        language = next(self._languages)
        post_id, announce = self._post_for(page, language)
        comment_id = f"{post_id.rsplit('_', 1)[1]}_{self._digits(16)}"
        comment = build_comment(
            post_id=post_id,
            comment_id=comment_id,
            parent_id=post_id,
            user_id=self._digits(16),
            name=self._name(language),
            text=self.rng.choice(language.comments),
            created_s=self._tick() // 1000,
            photo=self.media_url if self.rng.random() < 0.15 else "",
        )
        self.pages[page.page_id].threads.append(CommentThread(post_id, comment_id, language))
        return self._changes(page, *(c for c in (announce, comment) if c))

    def _comment_reply(self, page: Page, sent: list[SentMessage]) -> dict:
        threads = self.pages[page.page_id].threads
        if not threads:
            return self._comment(page, sent)
        thread = self.rng.choice(threads)
        post_part = thread.post_id.rsplit("_", 1)[1]
        # Facebook nests replies one level deep: a reply to a reply hangs under the
        # top-level comment too.
        reply = build_comment(
            post_id=thread.post_id,
            comment_id=f"{post_part}_{self._digits(16)}",
            parent_id=thread.comment_id,
            user_id=self._digits(16),
            name=self._name(thread.language),
            text=self.rng.choice(thread.language.replies),
            created_s=self._tick() // 1000,
        )
        return self._changes(page, reply)

    def _visitor_post(self, page: Page, sent: list[SentMessage]) -> dict:
        language = next(self._languages)
        post = build_visitor_post(
            post_id=f"{page.page_id}_{self._digits(15)}",
            user_id=self._digits(16),
            name=self._name(language),
            text=self.rng.choice(language.visitor_posts),
            created_s=self._tick() // 1000,
        )
        return self._changes(page, post)

    def _review(self, page: Page, sent: list[SentMessage]) -> dict:
        language = next(self._languages)
        positive = self.rng.random() < 0.6
        texts = language.positive_reviews if positive else language.negative_reviews
        review = build_review(
            story_id=self._digits(16),
            reviewer_id=self._digits(16),
            name=self._name(language),
            recommendation_type="positive" if positive else "negative",
            text=self.rng.choice(texts),
            created_s=self._tick() // 1000,
        )
        return self._changes(page, review)


# --- the database side ------------------------------------------------------------------------


def pages_connected() -> list[Page]:
    """The active Facebook accounts; reviews only where the account has not turned them off."""
    return [
        Page(page_id=a.external_id, name=a.name, reviews=a.options.get("reviews") is not False)
        for a in accounts_active(kind=KIND)
    ]


def messages_sent_recently(*, now: datetime) -> list[SentMessage]:
    """Our recent Messenger replies (customers' phones report them delivered and read)."""
    return [
        SentMessage(*row) for row in replies_sent_since(kind=KIND, since=now - RECEIPTS_LOOKBACK)
    ]


# --- HTTP ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchReport:
    pages: int
    posts: int
    events: int
    failed: int


def count_events(payload: dict) -> int:
    return sum(len(e.get("messaging", [])) + len(e.get("changes", [])) for e in payload["entry"])


class Simulator:
    """Sends what `Traffic` invents to this server: the fake Graph first, then the webhook."""

    def __init__(self, *, traffic: Traffic | None = None) -> None:
        self.base_url = settings.SOCIALCARE_SANDBOX_URL.rstrip("/")
        self.graph_url = settings.FACEBOOK_GRAPH_URL.rstrip("/")
        self.secret = settings.FACEBOOK_APP_SECRET
        self.traffic = traffic or Traffic(media_url=self.base_url + MEDIA_PATH)
        self.session = requests.Session()

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}/webhooks/facebook/"

    def run_batch(self, *, burst: int) -> BatchReport:
        now = timezone.now()
        pages = pages_connected()
        sent = messages_sent_recently(now=now)
        payloads = self.traffic.batch(pages, sent, burst=burst, now=now)
        failed = sum(not self.send(payload) for payload in payloads)
        events = sum(count_events(p) for p in payloads)
        return BatchReport(pages=len(pages), posts=len(payloads), events=events, failed=failed)

    def send(self, payload: dict) -> bool:
        """Record the payload in the fake Graph, then POST it signed. A failure is logged
        and the run goes on: the server may be starting or restarting."""
        self._post(f"{self.graph_url}/_sandbox/record", json=payload)
        body = webhook_body(payload)
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": signature(body, self.secret),
        }
        return self._post(self.webhook_url, data=body, headers=headers)

    def _post(self, url: str, **kwargs: Any) -> bool:
        return post_or_log(
            self.session, url, log=log, command="simulate_facebook", timeout=TIMEOUT, **kwargs
        )
