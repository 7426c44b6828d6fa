"""Data at scale: the story world plus 100,000 conversations and 1,000,000 messages.

The small world (teams, people, accounts, labels) goes through the ORM; the bulk goes
through PostgreSQL's COPY, with the ids assigned here so that every row can point at
its parents without a round trip. Idempotent: the database's comment records the scale
that was generated, and a run at the same scale skips generation.
"""

import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from inbox.models import (
    Activity,
    ChannelAccount,
    Contact,
    Conversation,
    Identity,
    Label,
    Membership,
    Message,
    Role,
    Team,
)
from tests.testchannel.adapter import KIND as TEST_KIND

FULL_CONVERSATIONS = 100_000
FULL_MESSAGES = 1_000_000
DAYS = 90
SEED = 20_260_101
MARKER = "socialcare bench data"

# (kind, external id, name, team, share of conversations, conversation kinds and weights)
ACCOUNTS: list[tuple[str, str, str, str, float, dict[str, float]]] = [
    ("facebook", "bench-fb-page", "Acme on Facebook", "Support", 0.33,
     {"direct": 0.5, "comment": 0.4, "review": 0.1}),
    ("instagram", "bench-ig-account", "acme.shop", "Support", 0.24,
     {"direct": 0.5, "comment": 0.4, "mention": 0.1}),
    ("twitter", "bench-x-account", "@acme", "Sales", 0.16, {"mention": 0.6, "direct": 0.4}),
    ("viber", "bench-viber-bot", "Acme Viber bot", "Sales", 0.15, {"direct": 1.0}),
    (TEST_KIND, "bench-test-account", "Bench test channel", "Support", 0.12,
     {"direct": 0.7, "comment": 0.3}),
]  # fmt: skip
TEST_ACCOUNT_ID = "bench-test-account"

# (username, team, role): the story world of tests/conftest.py, plus more agents.
PEOPLE: list[tuple[str, str, str]] = [
    ("alice", "Support", Role.AGENT),
    ("bob", "Support", Role.AGENT),
    ("charlie", "Sales", Role.AGENT),
    ("lena", "Support", Role.LEAD),
    ("adam", "Support", Role.ADMIN),
    ("sara", "Sales", Role.LEAD),
    *[(f"agent{n:02d}", "Support" if n % 3 else "Sales", Role.AGENT) for n in range(1, 13)],
]
AGENT = "alice"
ADMIN = "adam"
LABELS = [
    ("billing", "#b45309"), ("complaint", "#b91c1c"), ("delivery", "#1d4ed8"),
    ("feedback", "#047857"), ("lead", "#7c3aed"), ("refund", "#be123c"),
    ("returns", "#0f766e"), ("spam", "#6b7280"), ("urgent", "#dc2626"),
    ("vip", "#ca8a04"), ("warranty", "#4338ca"), ("wholesale", "#0369a1"),
]  # fmt: skip

# Written for the bench, in the six first-market languages.
FIRST_NAMES = [
    "Maria", "John", "Eleni", "Giorgos", "Alena", "Siarhei", "Noa", "Yael", "Olga",
    "Dmitry", "Wei", "Li", "Sam", "Priya", "Nikos", "Hanna", "Avi", "Mei",
]  # fmt: skip
LAST_NAMES = [
    "Smith", "Papadopoulou", "Ivanova", "Kowalski", "Levi", "Chen", "Novak", "Brown",
    "Georgiou", "Kuzmich", "Cohen", "Wang", "Petrov", "Garcia",
]  # fmt: skip
INBOUND_TEXTS = [
    "Hi, where is my order? It was due yesterday.",
    "Do you ship to Cyprus?",
    "The app keeps logging me out, can you help?",
    "I was charged twice for the same order.",
    "Great service, thank you!",
    "Can I change the delivery address?",
    "Γεια σας, πότε θα έρθει η παραγγελία μου;",
    "Ευχαριστώ πολύ για τη βοήθεια!",
    "Добры дзень, ці можна вярнуць тавар?",
    "Дзякуй, усё атрымалася.",
    "שלום, ההזמנה שלי עדיין לא הגיעה",
    "תודה רבה על העזרה",
    "Здравствуйте, не могу оплатить картой.",
    "Спасибо, вопрос решён.",
    "你好，我的订单什么时候发货？",
    "谢谢你们的帮助！",
    "Is this still in stock in size M?",
    "Your store on Main Street was closed today, why?",
    "Please call me back, it's urgent.",
    "👍",
]  # fmt: skip
OUTBOUND_TEXTS = [
    "Thanks for reaching out! Could you send me your order number?",
    "Sorry about that, I have refunded the second charge.",
    "Yes, we ship there within 3-5 working days.",
    "I have updated the address for you.",
    "Ευχαριστούμε! Η παραγγελία σας έχει σταλεί.",
    "Дзякуй за зварот! Мы праверым і адкажам.",
    "תודה! בדקנו והחבילה בדרך אליך.",
    "Спасибо за обращение, мы уже разбираемся.",
    "感谢您的耐心，我们正在处理。",
    "Glad we could help. Have a nice day!",
]  # fmt: skip
POSTS = [
    "Our summer sale starts today!",
    "New opening hours from Monday.",
    "Meet the team behind our new app.",
    "Which colour should we make next?",
]


@dataclass(frozen=True)
class Scale:
    factor: float

    @property
    def conversations(self) -> int:
        return max(50, round(FULL_CONVERSATIONS * self.factor))

    @property
    def messages(self) -> int:
        return max(200, round(FULL_MESSAGES * self.factor))

    @property
    def marker(self) -> str:
        return (
            f"{MARKER}: scale={self.factor:g} conversations={self.conversations} "
            f"messages={self.messages}"
        )


@dataclass
class World:
    accounts: list[ChannelAccount]
    team_agents: dict[int, list[int]]  # team id -> ids of its agents
    team_leads: dict[int, list[int]]
    labels: list[int]


def ensure(scale: Scale, *, out: Any = print) -> float | None:
    """Migrate, then generate unless this scale is already there.

    Returns the seconds generation took, or None when it was skipped.
    """
    call_command("migrate", interactive=False, verbosity=0)
    current = _marker()
    if (
        current == scale.marker
        and Conversation.objects.count() >= scale.conversations
        and Message.objects.count() >= scale.messages
    ):
        out(f"data: already generated at scale {scale.factor:g}, skipping ({current})")
        return None
    if Conversation.objects.exists() or get_user_model().objects.exists():
        out(f"data: found other data ({current or 'no marker'}); flushing and regenerating")
        call_command("flush", interactive=False, verbosity=0)
    started = timezone.now()
    out(
        f"data: generating {scale.conversations:,} conversations and "
        f"{scale.messages:,} messages (scale {scale.factor:g})"
    )
    generate(scale)
    seconds = (timezone.now() - started).total_seconds()
    out(f"data: generated in {seconds:.0f} s")
    return seconds


def _marker() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        return cursor.fetchone()[0] or ""


def _set_marker(text: str) -> None:
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [text])


def generate(scale: Scale) -> None:
    rng = random.Random(SEED)
    now = timezone.now().replace(microsecond=0)
    _set_marker("")
    world = _world()
    plans = _plan_conversations(rng, world, scale, now)
    _adjust_message_counts(rng, plans, scale.messages)
    with transaction.atomic(), connection.cursor() as cursor:
        # Nothing here needs to survive a crash before the end: skip the WAL flushes.
        cursor.execute("SET LOCAL synchronous_commit = off")
        _copy(Contact, _contact_rows(rng, plans), len(plans), "contacts")
        _copy(Identity, _identity_rows(plans, world), len(plans), "identities")
        _copy(Conversation, _conversation_rows(plans, world), len(plans), "conversations")
        _copy(
            Message, _message_rows(rng, plans, world, _next_id(Message)), scale.messages, "messages"
        )
        _copy(
            Activity,
            _activity_rows(plans, world, _next_id(Activity)),
            _activity_total(plans),
            "activities",
        )
        _copy(
            Conversation.labels.through,
            _label_rows(rng, plans, world, _next_id(Conversation.labels.through)),
            None,
            "labels",
        )
        labels_through = Conversation.labels.through
        for model in (Contact, Identity, Conversation, Message, Activity, labels_through):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        # A settled database: statistics and the visibility map as autovacuum leaves them.
        cursor.execute("VACUUM ANALYZE")
    _set_marker(scale.marker)


def _world() -> World:
    User = get_user_model()
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in ("Support", "Sales")}
    team_agents: dict[int, list[int]] = {team.pk: [] for team in teams.values()}
    team_leads: dict[int, list[int]] = {team.pk: [] for team in teams.values()}
    for username, team_name, role in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": username.capitalize(), "email": f"{username}@example.com"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        team = teams[team_name]
        Membership.objects.get_or_create(user=user, team=team, defaults={"role": role})
        if role == Role.AGENT:
            team_agents[team.pk].append(user.pk)
        else:
            team_leads[team.pk].append(user.pk)
    accounts = []
    for kind, external_id, name, team_name, _share, _kinds in ACCOUNTS:
        account, _ = ChannelAccount.objects.get_or_create(
            kind=kind,
            external_id=external_id,
            defaults={"name": name, "credentials": {"account_id": external_id, "token": "x"}},
        )
        account.teams.add(teams[team_name])
        accounts.append(account)
    labels = [Label.objects.get_or_create(name=n, defaults={"color": c})[0].pk for n, c in LABELS]
    return World(accounts=accounts, team_agents=team_agents, team_leads=team_leads, labels=labels)


@dataclass
class Plan:
    pk: int
    account: int  # index into ACCOUNTS / World.accounts
    team: int
    kind: str
    status: str
    assignee: int | None
    first_at: datetime
    last_at: datetime
    messages: int
    last_inbound: bool
    name: str
    labels: int


def _plan_conversations(
    rng: random.Random, world: World, scale: Scale, now: datetime
) -> list[Plan]:
    base = _next_id(Conversation)
    if base != _next_id(Contact) or base != _next_id(Identity):
        raise RuntimeError("bench data must start from empty tables: run with --regenerate")
    shares = [a[4] for a in ACCOUNTS]
    team_of = [world.accounts[i].teams.get().pk for i in range(len(ACCOUNTS))]
    plans = []
    for n in range(scale.conversations):
        account = rng.choices(range(len(ACCOUNTS)), shares)[0]
        kinds = ACCOUNTS[account][5]
        kind = rng.choices(list(kinds), list(kinds.values()))[0]
        # More recent activity than old: most of the inbox is last week's.
        age = timedelta(days=DAYS * rng.random() ** 1.6, seconds=rng.randrange(86_400))
        last_at = now - min(age, timedelta(days=DAYS))
        first_at = last_at - timedelta(minutes=rng.expovariate(1 / 600))
        fresh = now - last_at < timedelta(days=3)
        status = rng.choices(
            ["open", "follow_up", "done"], [0.55, 0.2, 0.25] if fresh else [0.04, 0.06, 0.9]
        )[0]
        team = team_of[account]
        assigned = rng.random() < (0.55 if status == "open" else 0.95)
        assignee = rng.choice(world.team_agents[team]) if assigned else None
        plans.append(
            Plan(
                pk=base + n,
                account=account,
                team=team,
                kind=kind,
                status=status,
                assignee=assignee,
                first_at=first_at,
                last_at=last_at,
                messages=1 + int(rng.expovariate(1 / 9)),
                last_inbound=status != "done" and rng.random() < 0.8,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                labels=rng.choices([0, 1, 2], [0.8, 0.15, 0.05])[0],
            )
        )
    return plans


def _adjust_message_counts(rng: random.Random, plans: list[Plan], total: int) -> None:
    """Nudge per-conversation counts until they add up to exactly `total`."""
    diff = total - sum(p.messages for p in plans)
    while diff:
        plan = rng.choice(plans)
        if diff > 0:
            plan.messages += 1
            diff -= 1
        elif plan.messages > 1:
            plan.messages -= 1
            diff += 1


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _copy(
    model: type[models.Model], rows: Iterable[dict[str, Any]], total: int | None, label: str
) -> None:
    """COPY rows (dicts keyed by column) into the model's table, with a progress bar.

    `rows` must not query the database: the connection is busy with the COPY.
    """
    columns = [f.column for f in model._meta.concrete_fields]
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    raw = connection.connection  # the psycopg 3 connection under Django's wrapper
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,  # noqa: S608
        tqdm(total=total, desc=label, unit=" rows", unit_scale=True, mininterval=0.5) as bar,
    ):
        pending = 0
        for row in rows:
            missing = [c for c in columns if c not in row]
            if missing:
                raise RuntimeError(f"bench/generate.py does not fill {table}.{missing}")
            copy.write_row([row[c] for c in columns])
            pending += 1
            if pending == 5000:
                bar.update(pending)
                pending = 0
        bar.update(pending)


def _contact_rows(rng: random.Random, plans: Sequence[Plan]) -> Iterator[dict]:
    for plan in plans:
        yield {
            "id": plan.pk,
            "name": plan.name,
            "avatar_url": "",
            "is_vip": rng.random() < 0.01,
            "tags": "[]",
            "notes": "",
            "merged_into_id": None,
            "merged_by_id": None,
            "merged_at": None,
            "created_at": plan.first_at,
        }


def _identity_rows(plans: Sequence[Plan], world: World) -> Iterator[dict]:
    for plan in plans:
        yield {
            "id": plan.pk,
            "contact_id": plan.pk,
            "account_id": world.accounts[plan.account].pk,
            "external_id": f"u{plan.pk}",
            "handle": plan.name.lower().replace(" ", "."),
            "name": plan.name,
            "avatar_url": "",
            "profile": "{}",
            "created_at": plan.first_at,
        }


def _conversation_rows(plans: Sequence[Plan], world: World) -> Iterator[dict]:
    for plan in plans:
        waiting = plan.last_at if plan.last_inbound else None
        post = POSTS[plan.pk % len(POSTS)]
        yield {
            "id": plan.pk,
            "account_id": world.accounts[plan.account].pk,
            "contact_id": plan.pk,
            "identity_id": plan.pk,
            "kind": plan.kind,
            "thread_key": f"t{plan.pk}",
            "status": plan.status,
            "unread": plan.status != "done" and plan.last_inbound,
            "assignee_id": plan.assignee,
            "team_id": plan.team,
            "priority": 3 if plan.labels == 2 else 0,
            "waiting_since": waiting,
            "sla_due_at": waiting + timedelta(hours=1) if waiting else None,
            "last_activity_at": plan.last_at,
            "last_message_at": plan.last_at,
            "last_inbound_at": plan.last_at if plan.last_inbound else plan.first_at,
            "snippet": _text(plan, plan.messages - 1)[:200],
            "context": json.dumps({"text": post}) if plan.kind == "comment" else "{}",
            "linked_id": None,
            "created_at": plan.first_at,
        }


def _direction(plan: Plan, n: int) -> bool:
    """True for inbound. The first message is the customer's; the last follows the plan."""
    if n == 0:
        return True
    if n == plan.messages - 1:
        return plan.last_inbound
    return (plan.pk * 31 + n * 17) % 10 < 6


def _text(plan: Plan, n: int) -> str:
    texts = INBOUND_TEXTS if _direction(plan, n) else OUTBOUND_TEXTS
    return texts[(plan.pk * 7 + n * 13) % len(texts)]


def _message_rows(
    rng: random.Random, plans: Sequence[Plan], world: World, pk: int
) -> Iterator[dict]:
    msg_kind = {"direct": "message", "comment": "comment", "review": "review", "mention": "mention"}
    for plan in plans:
        account_pk = world.accounts[plan.account].pk
        span = (plan.last_at - plan.first_at) / max(1, plan.messages - 1)
        public = plan.kind != "direct"
        for n in range(plan.messages):
            at = plan.last_at if n == plan.messages - 1 else plan.first_at + span * n
            inbound = _direction(plan, n)
            failed = not inbound and rng.random() < 0.003
            yield {
                "id": pk,
                "conversation_id": plan.pk,
                "account_id": account_pk,
                "direction": "in" if inbound else "out",
                "kind": msg_kind[plan.kind] if n == 0 or plan.kind == "direct" else "comment",
                "public": public,
                "text": _text(plan, n),
                "attachments": '[{"type": "image", "url": "https://example.com/p.jpg"}]'
                if rng.random() < 0.03
                else "[]",
                "author_id": None if inbound else (plan.assignee or world.team_leads[plan.team][0]),
                "identity_id": plan.pk if inbound else None,
                "external_id": f"m{pk}",
                "parent_external_id": "",
                "sent_elsewhere": False,
                "status": "received" if inbound else ("failed" if failed else "read"),
                "error": "The customer blocked the page." if failed else "",
                "attempts": 0 if inbound else 1,
                "next_attempt_at": None,
                "sending_since": None,
                "platform_timestamp": at,
                "created_at": at,
                "sent_at": None if inbound or failed else at,
                "hidden": False,
                "liked": False,
                "removed_at": None,
                "edits": "[]",
                "reactions": "[]",
                "extra": "{}",
            }
            pk += 1


def _activity_total(plans: Sequence[Plan]) -> int:
    return sum(1 + (p.assignee is not None) + (p.status != "open") for p in plans)


def _activity_rows(plans: Sequence[Plan], world: World, pk: int) -> Iterator[dict]:
    for plan in plans:
        lead = world.team_leads[plan.team][0]
        entries: list[tuple[str, int | None, dict, datetime]] = [
            ("created", None, {}, plan.first_at)
        ]
        if plan.assignee is not None:
            entries.append(("assigned", lead, {"from": None, "to": plan.assignee}, plan.first_at))
        if plan.status != "open":
            entries.append(
                ("status", plan.assignee, {"from": "open", "to": plan.status}, plan.last_at)
            )
        for verb, actor, data, at in entries:
            yield {
                "id": pk,
                "conversation_id": plan.pk,
                "actor_id": actor,
                "verb": verb,
                "data": json.dumps(data),
                "created_at": at,
            }
            pk += 1


def _label_rows(rng: random.Random, plans: Sequence[Plan], world: World, pk: int) -> Iterator[dict]:
    for plan in plans:
        for label in rng.sample(world.labels, plan.labels):
            yield {"id": pk, "conversation_id": plan.pk, "label_id": label}
            pk += 1
