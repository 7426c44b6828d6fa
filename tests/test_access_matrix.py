"""Who may do what: every page and API endpoint, read and write, for each person of the world.

MATRIX has one line per page and action (ACTIONS says how each is done); its columns say
what each person gets:

    Alice    an agent of Support, which works the Acme account (Maria writes to it)
    Lena     Support's team lead
    Adam     an admin
    Charlie  an agent of Sales, which works another account, not Acme
    anon     nobody logged in

Every cell is a test of its own, asserting the answer and what it did: an allowed write
changed what it says, a refused one changed nothing, an allowed read shows Acme's data
and a read that is allowed but not for Acme's data (Charlie's lists) shows none of it.
`test_it_has_a_row_for_every_url_pattern` fails when a URL pattern is added without rows,
so the matrix stays complete.

What leads may do on the settings screens today, kept: nothing. Connecting, managing,
disconnecting accounts and replaying their waiting events are for admins; leads, like
agents, get 403 there. Leads manage their team: they assign anyone (and move to a team)
on their team's accounts, change their team's canned responses, and delete comments on
those accounts. The customer panel of a customer another team shares is in
tests/views/test_customer_panel_access.py.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from channels_fb.sandbox import FakeGraph
from inbox.models import (
    AgentProfile,
    CannedResponse,
    ChannelAccount,
    Contact,
    Conversation,
    ConversationRead,
    Message,
    Note,
    WebhookEvent,
)
from inbox.services.contacts import contact_merge
from tests.facebook.pages import comment_payload, connect_page, ingest
from tests.factories import (
    ContactFactory,
    ConversationFactory,
    IdentityFactory,
    LabelFactory,
    MessageFactory,
)
from tests.wsgi_server import serving

pytestmark = pytest.mark.django_db

PEOPLE = ("alice", "lena", "adam", "charlie", "anon")

# What a cell expects.
OK = "allowed"  # 2xx or 3xx (not to the login page); a write did what it says
EMPTY = "allowed-but-none-of-acme"  # 200, and nothing of Acme's in it
REFUSED = "refused-with-reason"  # 400 or 422 saying what to do instead; nothing changed
NO = "forbidden"  # 403; nothing changed
GONE = "not-found"  # 404: not theirs to know about; nothing changed
LOGIN = "log-in-first"  # pages: to the login page; API and streams: 401/403; nothing changed

# What an allowed read of Maria's conversation shows.
MARIA_SAYS = "My parcel never arrived"
COMMENT_ID = "998877665544332_4455"


@dataclass
class Scene:
    """Maria writes to Acme; what each cell acts on."""

    world: Any
    convo: Conversation
    inbound: Message
    failed: Message
    linked: Contact  # linked to Maria as the same person (for "undo")
    maria_again: Conversation  # Maria's other contact on Acme, not linked yet
    team_response: CannedResponse  # Support's: Alice uses it, Lena and Adam manage it
    _comment: Message | None = field(default=None, repr=False)

    @property
    def comment(self) -> Message:
        """A customer's comment on Support's Facebook page (the fake Graph answers)."""
        if self._comment is None:
            connect_page(self.world)
            ingest(comment_payload(COMMENT_ID, "Worst shop ever"))
            self._comment = Message.objects.get(external_id=COMMENT_ID)
        return self._comment

    def client(self, who: str, *, api: bool) -> Client:
        if who == "anon":
            return Client()
        user = getattr(self.world, who)
        return self.world.api_for(user) if api else self.world.client_for(user)


@pytest.fixture
def scene(world, settings, tmp_path) -> Scene:
    settings.MEDIA_ROOT = tmp_path
    settings.SOCIALCARE_SSE_MAX_SECONDS = 0  # the live stream says goodbye at once
    maria = ContactFactory(name="Maria Papadopoulou")
    picture = default_storage.save("avatars/maria.png", ContentFile(b"\x89PNG picture"))
    identity = IdentityFactory(
        account=world.acme,
        contact=maria,
        profile={"avatar_file": picture, "avatar_type": "image/png"},
    )
    convo = ConversationFactory(account=world.acme, identity=identity, contact=maria)
    photo = default_storage.save("media/parcel.png", ContentFile(b"\x89PNG parcel"))
    inbound = MessageFactory(
        conversation=convo,
        text=MARIA_SAYS,
        attachments=[{"type": "image", "file": photo, "content_type": "image/png"}],
    )
    failed = MessageFactory(
        conversation=convo,
        direction=Message.Direction.OUT,
        status=Message.Status.FAILED,
        error="the platform was down",
        external_id="",
        text="Sorry, checking",
        author=world.bob,
    )
    linked = ContactFactory(name="Maria P.")
    ConversationFactory(
        account=world.acme, identity=IdentityFactory(account=world.acme, contact=linked)
    )
    contact_merge(contact=maria, other=linked, by=world.adam)
    again = ContactFactory(name="Maria Pap")
    maria_again = ConversationFactory(
        account=world.acme, identity=IdentityFactory(account=world.acme, contact=again)
    )
    LabelFactory(name="refund")
    team_response = CannedResponse.objects.create(
        title="Where is my parcel",
        shortcut="parcel",
        body="Hello {customer_first_name}, it is on its way.",
        team=world.support,
    )
    return Scene(
        world=world,
        convo=convo,
        inbound=inbound,
        failed=failed,
        linked=linked,
        maria_again=maria_again,
        team_response=team_response,
    )


@pytest.fixture
def graph(settings):
    """The fake Graph over real HTTP, for the moderation rows."""
    with serving(FakeGraph()) as url:
        settings.FACEBOOK_GRAPH_URL = url
        yield url


# --- who gets what -------------------------------------------------------------------------
# One line per page and action (how each is done is in ACTIONS below); one column per person.

# fmt: off
MATRIX: dict[str, tuple[str, str, str, str, str]] = {
    #                                         alice     lena      adam      charlie   anon
    # The inbox list and one conversation.
    "GET the inbox list":                     (OK,      OK,       OK,       EMPTY,    LOGIN),
    "POST bulk: mark it done":                (OK,      OK,       OK,       EMPTY,    LOGIN),
    "GET Maria's conversation":               (OK,      OK,       OK,       GONE,     LOGIN),
    "POST mark it unread":                    (OK,      OK,       OK,       GONE,     LOGIN),
    "POST status: follow up":                 (OK,      OK,       OK,       GONE,     LOGIN),
    "POST assign it to me":                   (OK,      OK,       OK,       GONE,     LOGIN),
    # Agents take or drop; assigning someone else is for leads and admins.
    "POST assign it to Bob":                  (REFUSED, OK,       OK,       GONE,     LOGIN),
    "POST label it":                          (OK,      OK,       OK,       GONE,     LOGIN),
    "POST make it urgent":                    (OK,      OK,       OK,       GONE,     LOGIN),
    "POST retry a failed reply":              (OK,      OK,       OK,       GONE,     LOGIN),
    "POST hide a comment":                    (OK,      OK,       OK,       GONE,     LOGIN),
    # Deleting on the platform cannot be undone: the team's leads and admins only.
    "POST delete a comment":                  (NO,      OK,       OK,       GONE,     LOGIN),
    # The composer.
    "POST reply to Maria":                    (OK,      OK,       OK,       GONE,     LOGIN),
    "POST add a note":                        (OK,      OK,       OK,       GONE,     LOGIN),
    "GET canned responses to insert":         (OK,      OK,       OK,       GONE,     LOGIN),
    "POST insert Support's response":         (OK,      OK,       OK,       GONE,     LOGIN),
    "GET teammates to @mention":              (OK,      OK,       OK,       GONE,     LOGIN),
    # The customer panel (Maria is wholly Support's here; see
    # tests/views/test_customer_panel_access.py for a customer shared with Sales).
    "GET Maria's customer panel":             (OK,      OK,       OK,       GONE,     LOGIN),
    "POST tag Maria":                         (OK,      OK,       OK,       GONE,     LOGIN),
    "POST make Maria VIP":                    (OK,      OK,       OK,       GONE,     LOGIN),
    "POST notes on Maria":                    (OK,      OK,       OK,       GONE,     LOGIN),
    "GET same person as…":                    (OK,      OK,       OK,       GONE,     LOGIN),
    "POST link the same person":              (OK,      OK,       OK,       GONE,     LOGIN),
    "POST undo a link":                       (OK,      OK,       OK,       GONE,     LOGIN),
    # Live updates: the stream, the fragments it makes the page fetch, presence.
    "GET the live stream":                    (OK,      OK,       OK,       OK,       LOGIN),
    "GET the folder counts":                  (OK,      OK,       OK,       OK,       LOGIN),
    "GET Maria's row in the list":            (OK,      OK,       OK,       GONE,     LOGIN),
    "GET one message":                        (OK,      OK,       OK,       GONE,     LOGIN),
    "GET who else is here":                   (OK,      OK,       OK,       GONE,     LOGIN),
    "POST I am viewing it":                   (OK,      OK,       OK,       GONE,     LOGIN),
    # Customers' media.
    "GET Maria's photo":                      (OK,      OK,       OK,       GONE,     LOGIN),
    "GET Maria's picture":                    (OK,      OK,       OK,       GONE,     LOGIN),
    # Settings: connected accounts are the admins' (leads too get 403, as today).
    "GET the connected accounts":             (NO,      NO,       OK,       NO,       LOGIN),
    "GET Acme's settings":                    (NO,      NO,       OK,       NO,       LOGIN),
    "POST give Acme to Sales too":            (NO,      NO,       OK,       NO,       LOGIN),
    "GET asked to disconnect Acme":           (NO,      NO,       OK,       NO,       LOGIN),
    "POST disconnect Acme":                   (NO,      NO,       OK,       NO,       LOGIN),
    "POST replay Acme's waiting events":      (NO,      NO,       OK,       NO,       LOGIN),
    "GET start Facebook Login":               (NO,      NO,       OK,       NO,       LOGIN),
    # Without a login under way the callback says so: only admins get that far.
    "GET Facebook Login comes back":          (NO,      NO,       REFUSED,  NO,       LOGIN),
    "GET the Viber token form":               (NO,      NO,       OK,       NO,       LOGIN),
    "POST an empty Viber token":              (NO,      NO,       REFUSED,  NO,       LOGIN),
    # Without step 1 first, step 2 sends back to it: only admins get that far.
    "GET confirm a Viber bot":                (NO,      NO,       OK,       NO,       LOGIN),
    "POST connect a Viber bot":               (NO,      NO,       OK,       NO,       LOGIN),
    # One's own preferences; the language menu works before logging in too.
    "GET my preferences":                     (OK,      OK,       OK,       OK,       LOGIN),
    "POST my language: Greek":                (OK,      OK,       OK,       OK,       LOGIN),
    "POST the language menu":                 (OK,      OK,       OK,       OK,       OK),
    # Canned responses: Support's is Alice's to use, Lena's (its lead) and Adam's to change.
    "GET the canned responses":               (OK,      OK,       OK,       EMPTY,    LOGIN),
    "GET the new response form":              (OK,      OK,       OK,       OK,       LOGIN),
    "POST save a personal response":          (OK,      OK,       OK,       OK,       LOGIN),
    "POST preview a response":                (OK,      OK,       OK,       OK,       LOGIN),
    "GET edit Support's response":            (NO,      OK,       OK,       GONE,     LOGIN),
    "POST change Support's response":         (NO,      OK,       OK,       GONE,     LOGIN),
    "GET asked to delete Support's response": (NO,      OK,       OK,       GONE,     LOGIN),
    "POST delete Support's response":         (NO,      OK,       OK,       GONE,     LOGIN),
    # Open to all: health, logging in and out, Django's language switch.
    "GET health":                             (OK,      OK,       OK,       OK,       OK),
    "GET the login page":                     (OK,      OK,       OK,       OK,       OK),
    "POST log out":                           (OK,      OK,       OK,       OK,       OK),
    "POST Django's language switch":          (OK,      OK,       OK,       OK,       OK),
    # Webhooks answer signatures, not people: an unsigned one stores nothing.
    "POST an unsigned Facebook webhook":      (NO,      NO,       NO,       NO,       NO),
    "POST an unsigned Viber webhook":         (NO,      NO,       NO,       NO,       NO),
    # Django's admin is for staff; nobody here is (Adam is socialcare's admin, not staff).
    "GET Django's admin":                     (LOGIN,   LOGIN,    LOGIN,    LOGIN,    LOGIN),
    # The REST API, with a token.
    "API GET the schema":                     (OK,      OK,       OK,       OK,       LOGIN),
    "API GET conversations":                  (OK,      OK,       OK,       EMPTY,    LOGIN),
    "API GET Maria's conversation":           (OK,      OK,       OK,       GONE,     LOGIN),
    "API PATCH status: follow up":            (OK,      OK,       OK,       GONE,     LOGIN),
    "API PATCH assign it to Bob":             (NO,      OK,       OK,       GONE,     LOGIN),
    "API PATCH move it to team Support":      (NO,      OK,       OK,       GONE,     LOGIN),
    "API GET its messages":                   (OK,      OK,       OK,       GONE,     LOGIN),
    "API POST reply to Maria":                (OK,      OK,       OK,       GONE,     LOGIN),
    "API GET its notes":                      (OK,      OK,       OK,       GONE,     LOGIN),
    "API POST add a note":                    (OK,      OK,       OK,       GONE,     LOGIN),
    "API POST retry a failed reply":          (OK,      OK,       OK,       GONE,     LOGIN),
    "API POST hide a comment":                (OK,      OK,       OK,       GONE,     LOGIN),
    "API POST delete a comment":              (NO,      OK,       OK,       GONE,     LOGIN),
    "API GET canned responses":               (OK,      OK,       OK,       EMPTY,    LOGIN),
    "API POST save a personal response":      (OK,      OK,       OK,       OK,       LOGIN),
    "API GET Support's response":             (OK,      OK,       OK,       GONE,     LOGIN),
    "API PATCH change Support's response":    (NO,      OK,       OK,       GONE,     LOGIN),
    "API DELETE Support's response":          (NO,      OK,       OK,       GONE,     LOGIN),
    "API GET accounts worked":                (OK,      OK,       OK,       EMPTY,    LOGIN),
    "API GET labels":                         (OK,      OK,       OK,       OK,       LOGIN),
    "API GET teams":                          (OK,      OK,       OK,       OK,       LOGIN),
    # Logging in for a token is open to anyone; a wrong password gets no token.
    "API POST a token, wrong password":       (REFUSED, REFUSED,  REFUSED,  REFUSED,  REFUSED),
    "API GET a path that is no endpoint":     (GONE,    GONE,     GONE,     GONE,     GONE),
}
# fmt: on


# --- how each action is done ------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    route: str  # the URL pattern's name
    path: Callable[[Scene], str]
    data: Callable[[Scene], dict] | None = None
    # What a write changes, read fresh from the database; None for reads.
    state: Callable[[Scene], Any] | None = None
    shows: str = ""  # what an allowed read shows (and an EMPTY one does not)
    htmx: bool = False
    graph: bool = False  # a Facebook comment: the fake Graph must run


def conversation(s: Scene) -> str:
    return f"/c/{s.convo.pk}/"


def status_of(s: Scene) -> str:
    return Conversation.objects.get(pk=s.convo.pk).status


def assignee_of(s: Scene) -> int | None:
    return Conversation.objects.get(pk=s.convo.pk).assignee_id


def maria(s: Scene) -> Contact:
    return Contact.objects.get(pk=s.convo.contact_id)


def comment_state(s: Scene) -> tuple:
    m = Message.objects.get(pk=s.comment.pk)
    return m.hidden, m.removed_at


def moderate_url(s: Scene) -> str:
    return f"/c/{s.comment.conversation_id}/messages/{s.comment.pk}/moderate/"


def response_state(s: Scene) -> tuple | None:
    found = CannedResponse.objects.filter(pk=s.team_response.pk).first()
    return (found.title, found.body) if found else None


def replies(s: Scene) -> int:
    return s.convo.messages.filter(text__startswith="On its way!").count()


def notes(s: Scene) -> int:
    return Note.objects.filter(conversation=s.convo).count()


def saved_thanks(s: Scene) -> int:
    return CannedResponse.objects.filter(shortcut="thanks").count()


def viber_bot(s: Scene) -> ChannelAccount:
    """Support's Viber bot: its webhook URL names it."""
    bot = ChannelAccount.objects.create(
        kind="viber", external_id="pa:acme", name="Acme bot", credentials={"auth_token": "t"}
    )
    bot.teams.add(s.world.support)
    return bot


def api(path: str) -> Callable[[Scene], str]:
    return lambda s: "/api/v1/" + path.format(s=s)


def acme(suffix: str = "") -> Callable[[Scene], str]:
    return lambda s: f"/settings/channels/{s.world.acme.pk}/{suffix}"


CONVO = "conversations/{s.convo.pk}/"
THANKS = {"title": "Thanks", "shortcut": "thanks", "body": "Thank you!"}

ACTIONS: dict[str, Action] = {
    "GET the inbox list": Action("inbox:index", lambda s: "/", shows="Maria Papadopoulou"),
    "POST bulk: mark it done": Action(
        "inbox:bulk",
        lambda s: "/bulk/",
        data=lambda s: {"conversation": [s.convo.pk], "status": "done"},
        state=status_of,
        htmx=True,
    ),
    "GET Maria's conversation": Action("inbox:conversation", conversation, shows=MARIA_SAYS),
    "POST mark it unread": Action(
        "inbox:mark_unread",
        lambda s: f"{conversation(s)}unread/",
        state=lambda s: ConversationRead.objects.filter(conversation=s.convo).count(),
    ),
    "POST status: follow up": Action(
        "inbox:status",
        lambda s: f"{conversation(s)}status/",
        data=lambda s: {"status": "follow_up"},
        state=status_of,
    ),
    "POST assign it to me": Action(
        "inbox:assign_to_me", lambda s: f"{conversation(s)}assign-to-me/", state=assignee_of
    ),
    "POST assign it to Bob": Action(
        "inbox:assign",
        lambda s: f"{conversation(s)}assign/",
        data=lambda s: {"to": f"user-{s.world.bob.pk}"},
        state=assignee_of,
    ),
    "POST label it": Action(
        "inbox:labels",
        lambda s: f"{conversation(s)}labels/",
        data=lambda s: {"labels": [LabelFactory(name="refund").pk]},
        state=lambda s: list(s.convo.labels.values_list("name", flat=True)),
    ),
    "POST make it urgent": Action(
        "inbox:priority",
        lambda s: f"{conversation(s)}priority/",
        data=lambda s: {"priority": Conversation.Priority.URGENT},
        state=lambda s: Conversation.objects.get(pk=s.convo.pk).priority,
    ),
    "POST retry a failed reply": Action(
        "inbox:retry",
        lambda s: f"{conversation(s)}messages/{s.failed.pk}/retry/",
        state=lambda s: Message.objects.get(pk=s.failed.pk).status,
    ),
    "POST hide a comment": Action(
        "inbox:moderate",
        moderate_url,
        data=lambda s: {"action": "hide"},
        state=comment_state,
        graph=True,
    ),
    "POST delete a comment": Action(
        "inbox:moderate",
        moderate_url,
        data=lambda s: {"action": "delete"},
        state=comment_state,
        graph=True,
    ),
    "POST reply to Maria": Action(
        "inbox:reply",
        lambda s: f"{conversation(s)}reply/",
        data=lambda s: {"text": "On its way!"},
        state=replies,
    ),
    "POST add a note": Action(
        "inbox:note",
        lambda s: f"{conversation(s)}notes/",
        data=lambda s: {"text": "Courier called"},
        state=notes,
    ),
    "GET canned responses to insert": Action(
        "inbox:canned_suggestions", lambda s: f"{conversation(s)}canned/?q=parcel", shows="parcel"
    ),
    "POST insert Support's response": Action(
        "inbox:canned_use",
        lambda s: f"{conversation(s)}canned/{s.team_response.pk}/use/",
        state=lambda s: CannedResponse.objects.get(pk=s.team_response.pk).usage_count,
        shows="on its way",
    ),
    "GET teammates to @mention": Action(
        "inbox:mentionable", lambda s: f"{conversation(s)}mentionable/?q=bo", shows="bob"
    ),
    "GET Maria's customer panel": Action(
        "inbox:customer_panel",
        lambda s: f"{conversation(s)}customer/",
        htmx=True,
        shows="Maria P.",
    ),
    "POST tag Maria": Action(
        "inbox:customer_tags",
        lambda s: f"{conversation(s)}customer/tags/",
        data=lambda s: {"tag": "wholesale"},
        state=lambda s: maria(s).tags,
    ),
    "POST make Maria VIP": Action(
        "inbox:customer_flag",
        lambda s: f"{conversation(s)}customer/flag/",
        data=lambda s: {"flag": "vip", "on": "1"},
        state=lambda s: maria(s).is_vip,
    ),
    "POST notes on Maria": Action(
        "inbox:customer_notes",
        lambda s: f"{conversation(s)}customer/notes/",
        data=lambda s: {"notes": "Calls at six"},
        state=lambda s: maria(s).notes,
    ),
    "GET same person as…": Action(
        "inbox:customer_candidates",
        lambda s: f"{conversation(s)}customer/same-person/?who=Maria+Pap",
        htmx=True,
        shows="Maria Pap",
    ),
    "POST link the same person": Action(
        "inbox:customer_merge",
        lambda s: f"{conversation(s)}customer/link/",
        data=lambda s: {"contact": s.maria_again.contact_id},
        state=lambda s: Contact.objects.get(pk=s.maria_again.contact_id).merged_into_id,
    ),
    "POST undo a link": Action(
        "inbox:customer_unmerge",
        lambda s: f"{conversation(s)}customer/unlink/",
        data=lambda s: {"contact": s.linked.pk},
        state=lambda s: Contact.objects.get(pk=s.linked.pk).merged_into_id,
    ),
    "GET the live stream": Action("inbox:events", lambda s: "/events/"),
    "GET the folder counts": Action("inbox:folders", lambda s: "/folders/", htmx=True),
    "GET Maria's row in the list": Action(
        "inbox:row",
        lambda s: f"{conversation(s)}row/",
        htmx=True,
        shows="Maria Papadopoulou",
    ),
    "GET one message": Action(
        "inbox:message",
        lambda s: f"{conversation(s)}m/{s.inbound.pk}/",
        htmx=True,
        shows=MARIA_SAYS,
    ),
    "GET who else is here": Action(
        "inbox:presence", lambda s: f"{conversation(s)}presence/", htmx=True
    ),
    "POST I am viewing it": Action(
        "inbox:presence",
        lambda s: f"{conversation(s)}presence/",
        data=lambda s: {"state": "viewing"},
        htmx=True,
    ),
    "GET Maria's photo": Action("inbox:media", lambda s: f"/media/{s.inbound.pk}/0/"),
    "GET Maria's picture": Action(
        "inbox:avatar", lambda s: f"/media/avatar/{s.convo.identity_id}/"
    ),
    "GET the connected accounts": Action(
        "settings:channels", lambda s: "/settings/channels/", shows="Acme Sales"
    ),
    "GET Acme's settings": Action("settings:channel", acme(), shows="Acme"),
    "POST give Acme to Sales too": Action(
        "settings:channel",
        acme(),
        data=lambda s: {"teams": [s.world.support.pk, s.world.sales.pk]},
        state=lambda s: sorted(s.world.acme.teams.values_list("pk", flat=True)),
    ),
    "GET asked to disconnect Acme": Action("settings:disconnect", acme("disconnect/")),
    "POST disconnect Acme": Action(
        "settings:disconnect",
        acme("disconnect/"),
        state=lambda s: ChannelAccount.objects.get(pk=s.world.acme.pk).status,
    ),
    # Nothing waits for Acme: the admin is told so; the cell is about who gets that far.
    "POST replay Acme's waiting events": Action("settings:replay", acme("replay/")),
    "GET start Facebook Login": Action(
        "facebook_connect:connect", lambda s: "/settings/channels/facebook/connect/"
    ),
    "GET Facebook Login comes back": Action(
        "facebook_connect:callback",
        lambda s: "/settings/channels/facebook/callback/?code=x&state=y",
    ),
    "GET the Viber token form": Action(
        "viber_connect:connect", lambda s: "/settings/channels/viber/connect/"
    ),
    "POST an empty Viber token": Action(
        "viber_connect:connect",
        lambda s: "/settings/channels/viber/connect/",
        data=lambda s: {"auth_token": ""},
    ),
    "GET confirm a Viber bot": Action(
        "viber_connect:confirm", lambda s: "/settings/channels/viber/confirm/"
    ),
    "POST connect a Viber bot": Action(
        "viber_connect:confirm", lambda s: "/settings/channels/viber/confirm/"
    ),
    "GET my preferences": Action("settings:preferences", lambda s: "/settings/me/"),
    "POST my language: Greek": Action(
        "settings:preferences",
        lambda s: "/settings/me/",
        data=lambda s: {"language": "el", "time_zone": "UTC"},
        state=lambda s: AgentProfile.objects.filter(language="el").count(),
    ),
    "POST the language menu": Action(
        "settings:language", lambda s: "/settings/language/", data=lambda s: {"language": "el"}
    ),
    "GET the canned responses": Action("canned:list", lambda s: "/canned/", shows="/parcel"),
    "GET the new response form": Action("canned:new", lambda s: "/canned/new/"),
    "POST save a personal response": Action(
        "canned:new",
        lambda s: "/canned/new/",
        data=lambda s: {**THANKS, "scope": "personal"},
        state=saved_thanks,
    ),
    "POST preview a response": Action(
        "canned:preview", lambda s: "/canned/preview/", data=lambda s: {"body": "Hi"}
    ),
    "GET edit Support's response": Action(
        "canned:edit", lambda s: f"/canned/{s.team_response.pk}/", shows="Where is my parcel"
    ),
    "POST change Support's response": Action(
        "canned:edit",
        lambda s: f"/canned/{s.team_response.pk}/",
        data=lambda s: {
            "title": "Parcel",
            "shortcut": "parcel",
            "body": "Coming!",
            "scope": f"team:{s.world.support.pk}",
        },
        state=response_state,
    ),
    "GET asked to delete Support's response": Action(
        "canned:delete", lambda s: f"/canned/{s.team_response.pk}/delete/"
    ),
    "POST delete Support's response": Action(
        "canned:delete", lambda s: f"/canned/{s.team_response.pk}/delete/", state=response_state
    ),
    "GET health": Action("healthz", lambda s: "/healthz"),
    "GET the login page": Action("login", lambda s: "/accounts/login/"),
    "POST log out": Action("logout", lambda s: "/accounts/logout/"),
    "POST Django's language switch": Action(
        "set_language", lambda s: "/i18n/setlang/", data=lambda s: {"language": "el"}
    ),
    "POST an unsigned Facebook webhook": Action(
        "channels_fb:webhook",
        lambda s: "/webhooks/facebook/",
        data=lambda s: {"object": "page", "entry": []},
        state=lambda s: WebhookEvent.objects.count(),
    ),
    "POST an unsigned Viber webhook": Action(
        "channels_viber:webhook",
        lambda s: f"/webhooks/viber/{viber_bot(s).pk}/",
        data=lambda s: {"event": "message"},
        state=lambda s: WebhookEvent.objects.count(),
    ),
    "GET Django's admin": Action("admin:", lambda s: "/admin/"),
    "API GET the schema": Action("api:schema", api("schema/")),
    "API GET conversations": Action(
        "api:conversations", api("conversations/"), shows="Maria Papadopoulou"
    ),
    "API GET Maria's conversation": Action(
        "api:conversation", api(CONVO), shows="Maria Papadopoulou"
    ),
    "API PATCH status: follow up": Action(
        "api:conversation", api(CONVO), data=lambda s: {"status": "follow_up"}, state=status_of
    ),
    "API PATCH assign it to Bob": Action(
        "api:conversation",
        api(CONVO),
        data=lambda s: {"assignee": s.world.bob.pk},
        state=assignee_of,
    ),
    "API PATCH move it to team Support": Action(
        "api:conversation",
        api(CONVO),
        data=lambda s: {"team": s.world.support.pk},
        state=lambda s: Conversation.objects.get(pk=s.convo.pk).team_id,
    ),
    "API GET its messages": Action(
        "api:conversation-messages", api(CONVO + "messages/"), shows=MARIA_SAYS
    ),
    "API POST reply to Maria": Action(
        "api:conversation-replies",
        api(CONVO + "replies/"),
        data=lambda s: {"text": "On its way!"},
        state=replies,
    ),
    "API GET its notes": Action("api:conversation-notes", api(CONVO + "notes/")),
    "API POST add a note": Action(
        "api:conversation-notes",
        api(CONVO + "notes/"),
        data=lambda s: {"text": "Courier called"},
        state=notes,
    ),
    "API POST retry a failed reply": Action(
        "api:message-retry",
        api("messages/{s.failed.pk}/retry/"),
        state=lambda s: Message.objects.get(pk=s.failed.pk).status,
    ),
    "API POST hide a comment": Action(
        "api:message-moderate",
        lambda s: f"/api/v1/messages/{s.comment.pk}/moderate/",
        data=lambda s: {"action": "hide"},
        state=comment_state,
        graph=True,
    ),
    "API POST delete a comment": Action(
        "api:message-moderate",
        lambda s: f"/api/v1/messages/{s.comment.pk}/moderate/",
        data=lambda s: {"action": "delete"},
        state=comment_state,
        graph=True,
    ),
    "API GET canned responses": Action(
        "api:canned-responses", api("canned-responses/"), shows="parcel"
    ),
    "API POST save a personal response": Action(
        "api:canned-responses", api("canned-responses/"), data=lambda s: THANKS, state=saved_thanks
    ),
    "API GET Support's response": Action(
        "api:canned-response", api("canned-responses/{s.team_response.pk}/"), shows="parcel"
    ),
    "API PATCH change Support's response": Action(
        "api:canned-response",
        api("canned-responses/{s.team_response.pk}/"),
        data=lambda s: {"body": "Coming!"},
        state=response_state,
    ),
    "API DELETE Support's response": Action(
        "api:canned-response", api("canned-responses/{s.team_response.pk}/"), state=response_state
    ),
    "API GET accounts worked": Action("api:accounts", api("accounts/"), shows='"Acme"'),
    "API GET labels": Action("api:labels", api("labels/")),
    "API GET teams": Action("api:teams", api("teams/")),
    "API POST a token, wrong password": Action(
        "api:auth-token",
        api("auth/token/"),
        data=lambda s: {"username": "alice", "password": "not her password"},
        state=lambda s: Token.objects.count(),
    ),
    "API GET a path that is no endpoint": Action("api:<api/v1/>", api("no-such-thing/")),
}


def method_of(name: str) -> str:
    """The HTTP method an action's name starts with ("API PATCH …" -> PATCH)."""
    return name.removeprefix("API ").split(" ", 1)[0]


CELLS = [
    pytest.param(name, who, expected, id=f"{name} | {who}")
    for name, cells in MATRIX.items()
    for who, expected in zip(PEOPLE, cells, strict=True)
]


# --- the cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "who", "expected"), CELLS)
def test_it_gives_each_person_what_the_matrix_says(
    name: str, who: str, expected: str, scene: Scene, fake_platform, request
) -> None:
    action = ACTIONS[name]
    if action.graph:
        request.getfixturevalue("graph")
    path = action.path(scene)
    data = action.data(scene) if action.data else None
    client = scene.client(who, api=name.startswith("API "))
    before = action.state(scene) if action.state else None

    response = _send(client, name, action, path, data)

    after = action.state(scene) if action.state else None
    _assert_cell(name, expected, response, action, before, after)
    if who in ("charlie", "anon"):
        assert MARIA_SAYS not in _body(response), f"{name}: {who} is shown Maria's message"


def _send(client: Client, name: str, action: Action, path: str, data: Any) -> Any:
    method = getattr(client, method_of(name).lower())
    headers = {"HTTP_HX_REQUEST": "true"} if action.htmx else {}
    if data is not None and (name.startswith("API ") or action.route.endswith(":webhook")):
        return method(path, data, content_type="application/json", **headers)
    return method(path, data or {}, **headers)


def _assert_cell(
    name: str, expected: str, response: Any, action: Action, before: Any, after: Any
) -> None:
    status = response.status_code
    where = f"{name}: {status}"
    body = _body(response)
    if expected in (OK, EMPTY):
        assert 200 <= status < 400 and not _to_login(response), where
        if expected == OK and action.state:
            assert after != before, f"{where}: allowed, but nothing changed"
        if expected == OK and action.shows and status == 200:
            assert action.shows in body, f"{where}: does not show {action.shows!r}"
        if expected == EMPTY:
            assert not action.shows or action.shows not in body, f"{where}: shows it"
            assert MARIA_SAYS not in body, f"{where}: shows Maria's message"
            assert after == before, f"{where}: it changed {before!r} -> {after!r}"
        return
    if expected == LOGIN:
        # Scripts (the API, the live stream) cannot follow a redirect to a login page.
        assert _to_login(response) or status in (401, 403), where
    else:
        assert status in {NO: {403}, GONE: {404}, REFUSED: {400, 422}}[expected], where
    assert after == before, f"{where}: refused, but it changed {before!r} -> {after!r}"


def _to_login(response: Any) -> bool:
    """Sent to log in first (logging out also ends on the login page, without `next`)."""
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(
        ("/accounts/login/?next=", "/admin/login/?next=")
    )


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return ""  # the live stream, files: their access is the cell, not their bytes
    return response.content.decode(errors="replace")


# --- the matrix is complete -----------------------------------------------------------------


def _routes(patterns: list, prefix: str = "", namespace: str = "") -> set[str]:
    """Every URL pattern's name ("namespace:name"); Django's admin site counts as one
    ("admin:"), its pages being Django's own."""
    names: set[str] = set()
    for pattern in patterns:
        where = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if inner == "admin:":
                names.add(inner)
            else:
                names |= _routes(pattern.url_patterns, where, inner)
        elif isinstance(pattern, URLPattern) and not where.startswith("sandbox/"):
            # An unnamed pattern (a catch-all) goes by its route: "api:<api/v1/>".
            names.add(f"{namespace}{pattern.name or f'<{where}>'}")
    return names


def test_it_has_a_row_for_every_url_pattern() -> None:
    """A new page or endpoint needs its rows here, saying who may use it. (The sandbox's
    fakes are mounted only in sandbox mode, which cannot start in production.)"""
    routes = _routes(get_resolver("socialcare.urls").url_patterns)
    covered = {action.route for action in ACTIONS.values()}

    assert not routes - covered, f"add rows for: {sorted(routes - covered)}"
    assert not covered - routes, f"rows for URL patterns that are gone: {covered - routes}"


def test_every_row_says_how_it_is_done_and_the_other_way_round() -> None:
    assert set(MATRIX) == set(ACTIONS)
    assert {method_of(name) for name in MATRIX} <= {"GET", "POST", "PATCH", "DELETE"}


def test_a_superuser_gets_into_djangos_admin(world) -> None:
    """The other side of the "Django's admin" row: staff do get in."""
    root = world.adam
    root.is_staff = root.is_superuser = True
    root.save()

    assert world.client_for(root).get("/admin/").status_code == 200
