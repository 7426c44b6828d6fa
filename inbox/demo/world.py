"""The demo's fixed cast: users, teams, labels, canned responses and one account per channel.

Everything is created through services, once; later runs find it and change nothing.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inbox.adapters import adapters
from inbox.models import ChannelAccount, Label, Role, Team
from inbox.services import NotAllowed, canned_response_create
from inbox.services.demo import (
    demo_account_ensure,
    demo_label_ensure,
    demo_membership_ensure,
    demo_team_ensure,
    demo_user_ensure,
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    # Published on purpose: the demo refuses to run without DEBUG unless forced.
    password: str
    first_name: str
    last_name: str
    memberships: tuple[tuple[str, str], ...]
    description: str | Promise
    superuser: bool = False


USERS = (
    DemoUser(
        "admin",
        "demo-admin-2026",
        "Ada",
        "Admin",
        (("Support", Role.ADMIN),),
        _("admin: connects accounts, sees everything"),
        superuser=True,
    ),
    DemoUser(
        "lena",
        "demo-lena-2026",
        "Lena",
        "Fischer",
        (("Support", Role.LEAD), ("Sales", Role.LEAD)),
        _("team lead of Support and Sales"),
    ),
    DemoUser(
        "maria",
        "demo-maria-2026",
        "Maria",
        "Papadopoulou",
        (("Support", Role.AGENT),),
        _("agent in Support"),
    ),
    DemoUser(
        "dmitri",
        "demo-dmitri-2026",
        "Dmitri",
        "Ivanov",
        (("Support", Role.AGENT), ("Sales", Role.AGENT)),
        _("agent in Support and Sales"),
    ),
)

TEAMS = ("Support", "Sales")


@dataclass(frozen=True)
class DemoChannel:
    kind: str
    name: str
    external_id: str
    teams: tuple[str, ...]
    # How customers mention the brand there ({handle} in mention texts).
    handle: str
    # Conversation kinds on this channel, with how often each occurs.
    kinds: tuple[tuple[str, int], ...]
    weight: int
    # Where a post of the brand's lives; {post} is its id.
    permalink: str = ""
    # Why the platform refused a reply, for the demo's failed messages.
    failure: str | Promise = ""


CHANNELS = (
    DemoChannel(
        "facebook",
        "Helios Coffee",
        "demo-facebook-page",
        ("Support", "Sales"),
        handle="Helios Coffee",
        kinds=(("direct", 40), ("comment", 35), ("review", 25)),
        weight=35,
        permalink="https://www.facebook.com/helioscoffee.demo/posts/{post}",
        failure=_(
            "This person isn't available right now (Messenger error 551): "
            "they may have blocked the Page or deactivated their account."
        ),
    ),
    DemoChannel(
        "instagram",
        "@helios.coffee",
        "demo-instagram-account",
        ("Support", "Sales"),
        handle="@helios.coffee",
        kinds=(("direct", 45), ("comment", 40), ("mention", 15)),
        weight=30,
        permalink="https://www.instagram.com/p/{post}/",
        failure=_(
            "Instagram refused the message: the user cannot receive messages from this "
            "account right now."
        ),
    ),
    DemoChannel(
        "twitter",
        "@HeliosCoffee",
        "demo-x-account",
        ("Support",),
        handle="@HeliosCoffee",
        kinds=(("mention", 65), ("direct", 35)),
        weight=20,
        failure=_(
            "X refused the direct message: this user only accepts messages from "
            "accounts they follow."
        ),
    ),
    DemoChannel(
        "viber",
        "Helios Coffee Bot",
        "demo-viber-bot",
        ("Support",),
        handle="Helios Coffee Bot",
        kinds=(("direct", 100),),
        weight=15,
        failure=_("Viber refused the message: the subscriber has unsubscribed from the bot."),
    ),
)

# Story topic -> label name and colour.
LABELS = {
    "delivery": ("Delivery", "#2563eb"),
    "refund": ("Refund", "#dc2626"),
    "product": ("Product question", "#7c3aed"),
    "praise": ("Praise", "#16a34a"),
    "wholesale": ("Wholesale", "#d97706"),
    "cafe": ("Café", "#0891b2"),
    "jobs": ("Jobs", "#db2777"),
    "website": ("Website", "#4b5563"),
}

# (shortcut, title, body, language, team: None shares it with everyone)
CANNED_RESPONSES = (
    (
        "hello",
        "Greeting",
        "Hi {customer_first_name}, thanks for getting in touch with {page_name}! I'm "
        "{agent_name} and I'll help you with this.",
        "en",
        None,
    ),
    (
        "order-number",
        "Ask for the order number",
        "Could you send us your order number, {customer_first_name}? Then I can check where "
        "your parcel is. {agent_name}, {page_name}",
        "en",
        None,
    ),
    (
        "delay",
        "Delivery delay",
        "Sorry for the wait, {customer_first_name}. Your parcel is on its way, and we've "
        "refunded the shipping fee for the trouble. {agent_name}, {page_name}",
        "en",
        "Support",
    ),
    (
        "refund",
        "Refund on its way",
        "Your refund is on its way, {customer_first_name}: it takes 3-5 working days to show "
        "on your statement.",
        "en",
        "Support",
    ),
    (
        "thanks",
        "Thanks for the kind words",
        "Thank you for the kind words, {customer_first_name}! We'll pass them on to the team "
        "at {page_name} ☕",
        "en",
        "Support",
    ),
    (
        "thanks-el",
        "Ευχαριστούμε",
        "Σας ευχαριστούμε πολύ, {customer_first_name}! Θα το μεταφέρουμε στην ομάδα του "
        "{page_name} ☕",
        "el",
        "Support",
    ),
    (
        "order-number-el",
        "Αριθμός παραγγελίας",
        "{customer_first_name}, μπορείτε να μας στείλετε τον αριθμό παραγγελίας; Θα ελέγξουμε "
        "αμέσως πού βρίσκεται το δέμα. {agent_name}, {page_name}",
        "el",
        "Support",
    ),
    (
        "thanks-ru",
        "Спасибо",
        "Спасибо за тёплые слова, {customer_first_name}! Передадим команде {page_name} ☕",
        "ru",
        "Support",
    ),
    (
        "order-number-ru",
        "Номер заказа",
        "{customer_first_name}, пришлите, пожалуйста, номер заказа — проверим, где посылка. "
        "{agent_name}, {page_name}",
        "ru",
        "Support",
    ),
    (
        "thanks-be",
        "Дзякуй",
        "Дзякуй за цёплыя словы, {customer_first_name}! Перададзім камандзе {page_name} ☕",
        "be",
        "Support",
    ),
    (
        "thanks-he",
        "תודה",
        "תודה רבה, {customer_first_name}! נעביר את זה לצוות של {page_name} ☕",
        "he",
        "Support",
    ),
    (
        "thanks-zh",
        "感谢",
        "谢谢您的支持，{customer_first_name}！我们会转告{page_name}团队 ☕",
        "zh-hans",
        "Support",
    ),
    (
        "wholesale",
        "Wholesale enquiry",
        "Thanks for your interest, {customer_first_name}! Our wholesale team will call you "
        "this week with prices and samples. {agent_name}, {page_name}",
        "en",
        "Sales",
    ),
)


@dataclass
class World:
    users: dict[str, AbstractBaseUser] = field(default_factory=dict)
    new_users: set[str] = field(default_factory=set)
    teams: dict[str, Team] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)
    # By kind; a channel whose adapter is not installed has no account.
    accounts: dict[str, ChannelAccount] = field(default_factory=dict)


def world_ensure() -> World:
    world = World()
    for name in TEAMS:
        world.teams[name] = demo_team_ensure(name=name)
    for spec in USERS:
        user, created = demo_user_ensure(
            username=spec.username,
            password=spec.password,
            first_name=spec.first_name,
            last_name=spec.last_name,
            superuser=spec.superuser,
        )
        world.users[spec.username] = user
        if created:
            world.new_users.add(spec.username)
        for team, role in spec.memberships:
            demo_membership_ensure(user=user, team=world.teams[team], role=role)
    for topic, (name, color) in LABELS.items():
        world.labels[topic] = demo_label_ensure(name=name, color=color)
    installed = adapters()
    for channel in CHANNELS:
        if channel.kind not in installed:
            continue
        world.accounts[channel.kind] = demo_account_ensure(
            kind=channel.kind,
            name=channel.name,
            external_id=channel.external_id,
            credentials=_dummy_credentials(channel),
            teams=[world.teams[t] for t in channel.teams],
        )
    _canned_responses_ensure(world)
    return world


def _dummy_credentials(channel: DemoChannel) -> dict[str, str]:
    """Whatever fields the channel's adapter declares, filled with harmless values."""
    adapter = adapters()[channel.kind]
    credentials = dict(adapter.sandbox_credentials)
    for f in adapter.credential_fields:
        if f.name in credentials:
            continue
        if f.name in ("page_id", "account_id", "external_id"):
            credentials[f.name] = channel.external_id
        else:
            credentials[f.name] = f"demo-{f.name.replace('_', '-')}-not-a-real-secret"
    return credentials


def _canned_responses_ensure(world: World) -> None:
    admin = world.users["admin"]
    for shortcut, title, body, language, team in CANNED_RESPONSES:
        try:
            canned_response_create(
                by=admin,
                title=title,
                shortcut=shortcut,
                body=body,
                team=world.teams[team] if team else None,
                shared=team is None,
                language=language,
            )
        except ValueError:
            pass  # the shortcut exists already: created by an earlier run (or by a person)
        except NotAllowed:
            # "admin" existed before the demo, as someone who may not share responses.
            return
