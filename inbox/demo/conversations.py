"""Generate the demo's conversations and feed them through the real ingest path.

Conversation number i is drawn from its own seeded random generator, so it is the same
story on every run and for every --conversations N: running the demo again dedupes on
the platform ids and changes nothing; a larger N only adds the conversations after the
old N. Messages are `InboundMessage` items through `message_ingest` (dedupe, counters,
waiting times are real); the triage an agent would do afterwards goes through
`conversation_update`.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from urllib.parse import quote

from django.db import transaction

from inbox.items import Attachment, InboundMessage, Person
from inbox.models import Conversation
from inbox.services import UNSET, conversation_mark_read, conversation_update, message_ingest
from inbox.services.demo import demo_conversation_backdate, demo_failed_reply_create

from .content import Gender, Language, Name, Story, Surname, render
from .texts import LANGUAGES
from .world import CHANNELS, DemoChannel, World

# What happened to a conversation after the customer wrote.
NEW, ANSWERED, DONE, FOLLOW_UP, FAILED = "new", "answered", "done", "follow_up", "failed"
STATES = ((NEW, 34), (ANSWERED, 14), (DONE, 34), (FOLLOW_UP, 12), (FAILED, 6))
# The first conversations cover every channel and kind, so even a small demo shows all.
COVERAGE = [(c, k) for c in CHANNELS for k, _weight in c.kinds]
COVERAGE_STATES = (FAILED, ANSWERED, DONE, NEW, FOLLOW_UP, NEW, DONE, FAILED, NEW)
ASSIGNEES = (("maria", 45), ("dmitri", 40), ("lena", 15))


@dataclass
class Script:
    """One conversation as the platform would deliver it, and what the team did with it."""

    channel: DemoChannel
    items: list[InboundMessage]
    state: str
    story: Story
    language: Language
    gender: Gender
    assignee: str | None = None
    team: str | None = None
    priority: int = Conversation.Priority.NONE
    labels: list[str] = field(default_factory=list)
    unread: bool = True
    failed_at: datetime | None = None
    failed_text: str = ""
    settled_at: datetime | None = None


@dataclass(frozen=True)
class Step:
    minute: float
    customer: bool
    text: str
    photo: bool = False


def _pick[T](rng: random.Random, weighted: tuple[tuple[T, int], ...]) -> T:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _num(*parts: object) -> str:
    """A stable, platform-looking numeric id (16 digits) for these parts."""
    digest = hashlib.sha256(":".join(map(str, ("socialcare-demo", *parts))).encode()).digest()
    return str(10**15 + int.from_bytes(digest[:8]) % (9 * 10**15))


def _picture(caption: str, color: str) -> str:
    """A self-contained image (no network needed to show the demo)."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400">'
        f'<rect width="600" height="400" fill="{color}"/>'
        '<text x="300" y="215" font-family="sans-serif" font-size="44" fill="#fff" '
        f'text-anchor="middle">{escape(caption)}</text></svg>'
    )
    return "data:image/svg+xml," + quote(svg)


PHOTO = Attachment("image", _picture("📷", "#78716c"), "photo.jpg")


def script_for(index: int, *, now: datetime) -> Script:
    rng = random.Random(f"socialcare-demo-{index}")
    if index < len(COVERAGE):
        channel, kind = COVERAGE[index]
        state = COVERAGE_STATES[index]
    else:
        channel = _pick(rng, tuple((c, c.weight) for c in CHANNELS))
        kind = _pick(rng, channel.kinds)
        state = _pick(rng, STATES)
    if state == FAILED and kind != "direct":
        state = NEW  # a refused private reply is what the demo shows; public ones rarely fail
    languages = [lang for lang, _w in LANGUAGES]
    language = languages[index % len(languages)] if index < 12 else _pick(rng, LANGUAGES)
    story = rng.choice(language.stories(kind))
    gender: Gender = rng.choice(("m", "f"))
    first: Name = rng.choice(language.male if gender == "m" else language.female)
    surname: Surname = rng.choice(language.surnames)
    last = surname.male if gender == "m" else surname.female
    values = {"first": first.addressed, "last": last, "handle": channel.handle}
    customer = Person(
        external_id=_num(channel.kind, "user", index),
        name=language.name_format.format(first=first.native, last=last),
        handle=_handle(channel, first, surname, rng),
        profile={"locale": language.locale},
    )
    script = Script(
        channel=channel,
        items=[],
        state=state,
        story=story,
        language=language,
        gender=gender,
    )
    _timeline(script, index=index, kind=kind, customer=customer, values=values, rng=rng, now=now)
    _triage(script, rng=rng)
    return script


def _handle(channel: DemoChannel, first: Name, surname: Surname, rng: random.Random) -> str:
    if channel.kind == "instagram":
        return f"{first.latin}.{surname.latin}"
    if channel.kind == "twitter":
        return f"{first.latin}_{surname.latin}{rng.randint(1, 99)}"
    return ""


def _steps(story: Story, state: str, rng: random.Random) -> tuple[list[Step], float, float]:
    """Who writes what, in minutes after the first message; and when the failed reply
    was attempted and when the team settled the conversation, in the same minutes."""
    steps: list[Step] = []
    minute = 0.0
    for n, text in enumerate(story.customer):
        minute += rng.uniform(0.3, 3) if n else 0
        photo = story.photo and n == len(story.customer) - 1
        steps.append(Step(minute, customer=True, text=text, photo=photo))
    if state in (ANSWERED, DONE, FOLLOW_UP):
        minute += rng.uniform(4, 180)
        steps.append(Step(minute, customer=False, text=story.reply))
        wants_closing = {ANSWERED: 0.5, DONE: 0.7, FOLLOW_UP: 0.3}[state]
        if story.closing and rng.random() < wants_closing:
            minute += rng.uniform(2, 60)
            steps.append(Step(minute, customer=True, text=story.closing))
    elif state == FAILED:
        minute += rng.uniform(3, 90)
    settle = minute + (rng.uniform(1, 30) if state in (DONE, FOLLOW_UP) else 0)
    return steps, minute, settle


def _timeline(
    script: Script,
    *,
    index: int,
    kind: str,
    customer: Person,
    values: dict[str, str],
    rng: random.Random,
    now: datetime,
) -> None:
    """The platform's items for the steps, placed in the last days."""
    steps, failed_minute, settle = _steps(script.story, script.state, rng)
    # Waiting conversations are mostly fresh (a few past their SLA); the rest spread over a week.
    age = 60 * rng.random() ** 2 + 0.1 if script.state == NEW else rng.uniform(3, 24 * 7)
    start = min(now - timedelta(hours=age), now - timedelta(minutes=1 + settle))

    channel = script.channel
    thread_key = customer.external_id if kind == "direct" else _num(channel.kind, index, 0)
    brand = Person(external_id=channel.external_id, name=channel.name)
    for n, step in enumerate(steps):
        first_item = n == 0
        script.items.append(
            InboundMessage(
                account_external_id=channel.external_id,
                thread_key=thread_key,
                conversation_kind=kind,
                # The comment, review or mention that opens a thread is the thread's own id.
                external_id=(
                    thread_key if first_item and kind != "direct" else _num(channel.kind, index, n)
                ),
                sender=customer if step.customer else brand,
                timestamp=start + timedelta(minutes=step.minute),
                text=render(step.text, gender=script.gender, **values),
                kind=_message_kind(kind, first_item=first_item, customer=step.customer),
                public=kind != "direct",
                attachments=(PHOTO,) if step.photo else (),
                parent_external_id="" if kind == "direct" or first_item else thread_key,
                outbound=not step.customer,
                context=_context(script, kind=kind) if first_item else {},
            )
        )
    if script.state == FAILED:
        script.failed_at = start + timedelta(minutes=failed_minute)
        script.failed_text = render(script.story.reply, gender=script.gender, **values)
    script.settled_at = start + timedelta(minutes=settle)


def _message_kind(kind: str, *, first_item: bool, customer: bool) -> str:
    if kind == "direct":
        return "message"
    if first_item:
        return kind  # the comment, review or mention that opened the thread
    if kind == "mention" and customer:
        return "mention"  # on X, the customer's answer mentions the brand again
    return "comment"


def _context(script: Script, *, kind: str) -> dict:
    if kind != "comment":
        return {}
    number = script.story.post % len(script.language.posts)
    post = script.language.posts[number]
    post_id = _num(script.channel.kind, "post", script.language.code, number)
    return {
        "text": post.text,
        "permalink": script.channel.permalink.format(post=post_id),
        "picture": _picture(post.picture_caption, post.color),
    }


def _triage(script: Script, *, rng: random.Random) -> None:
    """Who took it, how urgent, which labels: what a team does with such a conversation."""
    story, state = script.story, script.state
    assign_chance = 0.2 if state == NEW else 0.75
    if state == FAILED or rng.random() < assign_chance:
        script.assignee = _pick(rng, ASSIGNEES)
    if story.topic == "wholesale" and "Sales" in script.channel.teams:
        script.team, script.assignee = "Sales", "dmitri"
    if story.mood == "complaint":
        script.priority = _pick(
            rng,
            (
                (Conversation.Priority.URGENT, 10),
                (Conversation.Priority.HIGH, 30),
                (Conversation.Priority.NORMAL, 20),
                (Conversation.Priority.NONE, 40),
            ),
        )
    elif story.mood == "question" and rng.random() < 0.3:
        script.priority = rng.choice((Conversation.Priority.LOW, Conversation.Priority.NORMAL))
    if rng.random() < 0.6:
        script.labels.append(story.topic)
    answered_back = state in (ANSWERED, DONE, FOLLOW_UP) and script.items[-1].outbound is False
    # Fresh ones are mostly unread; a customer's answer to our reply is news again.
    script.unread = (state == NEW and rng.random() < 0.75) or (state == ANSWERED and answered_back)


def conversation_load(script: Script, *, world: World) -> bool:
    """Ingest one scripted conversation; False when an earlier run already did."""
    account = world.accounts[script.channel.kind]
    with transaction.atomic():
        first = message_ingest(account=account, item=script.items[0])
        if first is None:
            return False
        for item in script.items[1:]:
            message_ingest(account=account, item=item)
        conversation = first.conversation
        conversation.refresh_from_db()
        assignee = world.users.get(script.assignee) if script.assignee else None
        if script.failed_at is not None:
            demo_failed_reply_create(
                conversation=conversation,
                author=assignee or world.users["maria"],
                text=script.failed_text,
                reason=str(script.channel.failure),
                at=script.failed_at,
            )
        conversation.refresh_from_db()
        status = {DONE: Conversation.Status.DONE, FOLLOW_UP: Conversation.Status.FOLLOW_UP}.get(
            script.state, UNSET
        )
        conversation_update(
            conversation=conversation,
            by=None,
            status=status,
            assignee=assignee if assignee else UNSET,
            team=world.teams[script.team] if script.team else UNSET,
            priority=script.priority or UNSET,
            labels=[world.labels[t] for t in script.labels] if script.labels else UNSET,
        )
        if not script.unread:
            for user in world.users.values():
                conversation_mark_read(conversation=conversation, user=user)
        demo_conversation_backdate(conversation=conversation, settled_at=script.settled_at)
    return True
