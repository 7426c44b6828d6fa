"""The list pane as an agent uses it: folders, filters, search, sort, pages, mark unread."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox import services
from inbox.models import Conversation, Message
from inbox.selectors.pages import folders_for
from tests.factories import (
    AccountFactory,
    ContactFactory,
    ConversationFactory,
    IdentityFactory,
    LabelFactory,
    MessageFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ROWS_ONLY = {**HTMX, "HTTP_HX_TARGET": "conversations"}


def convo(account, name: str, **fields) -> Conversation:
    contact = ContactFactory(name=name)
    identity = IdentityFactory(account=account, contact=contact, name=name)
    conversation = ConversationFactory(
        account=account, identity=identity, snippet=f"{name} wrote", **fields
    )
    MessageFactory(conversation=conversation, text=f"{name} wrote")
    return conversation


def names(response) -> list[str]:
    """The customers' names in the order the list shows them."""
    assert response.status_code == 200, response.text[:500]
    return [c.contact.name for c in response.context["page"].conversations]


@pytest.fixture
def alice(world) -> Client:
    return world.client_for(world.alice)


# --- folders ------------------------------------------------------------------------------


def test_alice_has_her_folders_in_order_with_her_teams(alice, world):
    response = alice.get("/")

    keys = [link["key"] for link in response.context["folder_links"]]
    assert keys == [
        "mine",
        "unassigned",
        f"team-{world.support.pk}",
        "open",
        "follow_up",
        "done",
        "mentions",
        "failed",
    ]
    nav = response.text.split('id="folders"')[1].split("</nav>")[0]
    for label in ["Mine", "Unassigned", "Support", "All open", "Follow-up", "Done"]:
        assert label in nav
    assert "Mentions" in nav and "Failed sends" in nav
    assert "Sales" not in nav


def test_an_admin_has_a_folder_for_every_team(world):
    keys = [f.key for f in folders_for(user=world.adam)]

    assert f"team-{world.support.pk}" in keys and f"team-{world.sales.pk}" in keys


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("mine", ["Mine open", "Mine follow-up"]),
        ("unassigned", ["Nobody's", "Support's own"]),
        ("open", ["Mine open", "Nobody's", "Support's own"]),
        ("follow_up", ["Mine follow-up"]),
        ("done", ["Mine done"]),
    ],
)
def test_each_status_folder_lists_what_it_says(alice, world, folder, expected):
    now = timezone.now()
    convo(world.acme, "Mine open", assignee=world.alice, last_activity_at=now)
    convo(
        world.acme,
        "Mine follow-up",
        assignee=world.alice,
        status="follow_up",
        last_activity_at=now - timedelta(minutes=1),
    )
    convo(
        world.acme,
        "Mine done",
        assignee=world.alice,
        status="done",
        last_activity_at=now - timedelta(minutes=2),
    )
    convo(world.acme, "Nobody's", last_activity_at=now - timedelta(minutes=3))
    convo(
        world.acme, "Support's own", team=world.support, last_activity_at=now - timedelta(minutes=4)
    )
    convo(world.other, "Sales'", last_activity_at=now)

    assert names(alice.get(f"/?folder={folder}")) == expected


def test_a_team_folder_holds_its_own_and_nobodys_on_its_accounts(world):
    shared = AccountFactory(external_id="shared", name="Shared page")
    shared.teams.add(world.support, world.sales)
    now = timezone.now()
    convo(world.acme, "Acme, no team", last_activity_at=now)
    convo(shared, "Shared, Sales'", team=world.sales, last_activity_at=now - timedelta(minutes=1))
    convo(shared, "Shared, no team", last_activity_at=now - timedelta(minutes=2))
    convo(world.acme, "Acme, done", status="done", last_activity_at=now)

    adam = world.client_for(world.adam)
    support = names(adam.get(f"/?folder=team-{world.support.pk}"))
    sales = names(adam.get(f"/?folder=team-{world.sales.pk}"))

    assert support == ["Acme, no team", "Shared, no team"]
    assert sales == ["Shared, Sales'", "Shared, no team"]


def test_alice_cannot_open_the_folder_of_a_team_she_is_not_in(alice, world):
    convo(world.other, "Sales customer")

    response = alice.get(f"/?folder=team-{world.sales.pk}")

    assert response.status_code == 400
    assert f"There is no folder called “team-{world.sales.pk}”" in response.text
    assert "Sales customer" not in response.text


def test_mentions_lists_where_i_am_mentioned_newest_mention_first(alice, world):
    older = convo(world.acme, "Older mention", status="done")
    newer = convo(world.acme, "Newer mention")
    convo(world.acme, "Not mentioned")
    services.note_create(conversation=older, author=world.bob, text="@alice see this")
    services.note_create(conversation=newer, author=world.bob, text="@alice and this")
    services.note_create(conversation=older, author=world.bob, text="@bob only me")

    response = alice.get("/?folder=mentions")

    assert names(response) == ["Newer mention", "Older mention"]
    counts = {link["key"]: link["count"] for link in response.context["folder_links"]}
    assert counts["mentions"] == 2


def test_failed_sends_lists_conversations_with_a_failed_reply(alice, world):
    failed = convo(world.acme, "Blocked us", status="done")
    convo(world.acme, "All good")
    MessageFactory(
        conversation=failed,
        direction=Message.Direction.OUT,
        status=Message.Status.FAILED,
        error="The customer blocked the page",
    )

    response = alice.get("/?folder=failed")

    assert names(response) == ["Blocked us"]
    counts = {link["key"]: link["count"] for link in response.context["folder_links"]}
    assert counts["failed"] == 1


def test_folder_counts_take_a_constant_number_of_queries(world, django_assert_num_queries):
    for n in range(3):
        convo(world.acme, f"Customer {n}", assignee=world.alice if n else None)

    # admin check, the user's teams, one aggregate for every count
    with django_assert_num_queries(3):
        folders = folders_for(user=world.alice)

    assert {f.key: f.count for f in folders}["mine"] == 2


def test_a_folder_link_swaps_the_list_and_the_folders(alice, world):
    convo(world.acme, "Maria", assignee=world.alice)

    response = alice.get("/?folder=mine", **HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="list-pane"')
    assert 'id="folders" class="folders" aria-label="Folders" hx-swap-oob="true"' in response.text
    nav = response.text.split('id="folders"')[1]
    mine = nav.split('id="folder-mine" href="/?folder=mine"')[1].split(">")[0]
    assert 'aria-current="page"' in mine


# --- filters and sort ---------------------------------------------------------------------


@pytest.fixture
def variety(world) -> dict[str, Conversation]:
    facebook = AccountFactory(kind="facebook", external_id="fb", name="Acme on Facebook")
    facebook.teams.add(world.support)
    vip = LabelFactory(name="vip")
    now = timezone.now()
    rows = {
        "plain": convo(world.acme, "Plain", last_activity_at=now),
        "facebook": convo(facebook, "On Facebook", last_activity_at=now - timedelta(minutes=1)),
        "comment": convo(
            world.acme, "A comment", kind="comment", last_activity_at=now - timedelta(minutes=2)
        ),
        "urgent": convo(
            world.acme, "Urgent", priority=4, last_activity_at=now - timedelta(minutes=3)
        ),
        "bobs": convo(
            world.acme, "Bob's", assignee=world.bob, last_activity_at=now - timedelta(minutes=4)
        ),
        "team": convo(
            world.acme, "Support's", team=world.support, last_activity_at=now - timedelta(minutes=5)
        ),
        "late": convo(
            world.acme,
            "Late",
            waiting_since=now - timedelta(hours=3),
            sla_due_at=now - timedelta(hours=2),
            last_activity_at=now - timedelta(minutes=6),
        ),
        "labelled": convo(world.acme, "Labelled", last_activity_at=now - timedelta(minutes=7)),
    }
    rows["labelled"].labels.add(vip)
    for name, row in rows.items():
        if name != "plain":
            services.conversation_mark_read(conversation=row, user=world.alice)
    return rows


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda w, v: {"channel": "facebook"}, ["On Facebook"]),
        (lambda w, v: {"kind": "comment"}, ["A comment"]),
        (lambda w, v: {"priority": "4"}, ["Urgent"]),
        (lambda w, v: {"assignee": str(w.bob.pk)}, ["Bob's"]),
        (lambda w, v: {"assignee": "me"}, []),
        (
            lambda w, v: {"assignee": "none"},
            ["Plain", "On Facebook", "A comment", "Urgent", "Support's", "Late", "Labelled"],
        ),
        (lambda w, v: {"team": str(w.support.pk)}, ["Support's"]),
        (lambda w, v: {"unread": "1"}, ["Plain"]),
        (lambda w, v: {"late": "1"}, ["Late"]),
        (lambda w, v: {"label": str(v["labelled"].labels.get().pk)}, ["Labelled"]),
        (lambda w, v: {"q": "urgent"}, ["Urgent"]),
        (lambda w, v: {"kind": "direct", "priority": "4", "unread": ""}, ["Urgent"]),
    ],
)
def test_each_filter_narrows_the_list(alice, world, variety, query, expected):
    assert names(alice.get("/", query(world, variety))) == expected


def test_the_filters_stay_in_the_links_of_the_rows(alice, world, variety):
    response = alice.get("/", {"folder": "open", "kind": "comment", "q": "comment"})

    pk = variety["comment"].pk
    assert f'href="/c/{pk}/?folder=open&amp;q=comment&amp;kind=comment"' in response.text
    assert 'id="search"' in response.text and 'value="comment"' in response.text


def test_the_conversation_page_keeps_the_filtered_list(alice, world, variety):
    pk = variety["comment"].pk

    response = alice.get(f"/c/{pk}/", {"folder": "open", "kind": "comment"})

    assert [c.pk for c in response.context["page"].conversations] == [pk]


def test_longest_waiting_comes_first_and_nobody_waiting_last(alice, world):
    now = timezone.now()
    convo(world.acme, "Not waiting", last_activity_at=now)
    convo(world.acme, "Waiting 1h", waiting_since=now - timedelta(hours=1), last_activity_at=now)
    convo(
        world.acme,
        "Waiting 3h",
        waiting_since=now - timedelta(hours=3),
        last_activity_at=now - timedelta(hours=3),
    )

    assert names(alice.get("/", {"sort": "waiting"})) == ["Waiting 3h", "Waiting 1h", "Not waiting"]
    assert names(alice.get("/"))[0] in ("Not waiting", "Waiting 1h")


def _follow_pages(client: Client, query: dict) -> list[str]:
    """Every page of a list through its "Load more" links, as HTMX follows them."""
    response = client.get("/", query)
    seen = names(response)
    while response.context["page"].next_after:
        link = response.text.split('class="more"')[1].split('hx-get="')[1].split('"')[0]
        assert 'hx-trigger="revealed' in response.text.split('class="more"')[1]
        response = client.get(link.replace("&amp;", "&"), **HTMX)
        assert response.status_code == 200
        assert "<html" not in response.text
        seen += names(response)
    return seen


@pytest.mark.parametrize("sort", ["newest", "waiting"])
def test_paging_walks_every_row_once_in_either_sort(alice, world, sort):
    now = timezone.now()
    for n in range(60):
        convo(
            world.acme,
            f"Customer {n:02d}",
            # Ties in both keys and a tail of nobody waiting, to test the cursor's id part.
            last_activity_at=now - timedelta(minutes=n // 3),
            waiting_since=now - timedelta(minutes=n // 4) if n < 40 else None,
        )

    seen = _follow_pages(alice, {"sort": sort})

    assert sorted(seen) == [f"Customer {n:02d}" for n in range(60)]
    everything = Conversation.objects.order_by("pk")
    if sort == "newest":
        expected = sorted(everything, key=lambda c: (-c.last_activity_at.timestamp(), -c.pk))
    else:
        expected = sorted(
            everything,
            key=lambda c: (c.waiting_since is None, c.waiting_since or now, c.pk),
        )
    assert seen == [c.contact.name for c in expected]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"channel": "myspace"}, "There is no channel called “myspace”"),
        ({"kind": "dm"}, "There is no kind of conversation “dm”"),
        ({"label": "999999"}, "There is no label with id “999999”"),
        ({"label": "x" * 30}, "There is no label"),
        ({"priority": "9"}, "There is no priority “9”"),
        ({"assignee": "bob"}, "is not someone to filter by"),
        ({"assignee": "9" * 30}, "is not someone to filter by"),
        ({"team": "support"}, "There is no team with id “support”"),
        ({"unread": "maybe"}, "Unread is 1"),
        ({"late": "yes"}, "Late is 1"),
        ({"sort": "oldest"}, "Sort by “newest” or “waiting”"),
        ({"q": "x" * 201}, "at most 200 characters"),
        ({"after": "yesterday"}, "This link to more conversations is broken"),
        ({"after": "~12"}, "This link to more conversations is broken"),
        ({"after": "2026-01-01T00:00:00~12"}, "This link to more conversations is broken"),
        ({"after": "2026-01-01T00:00:00+00:00~" + "9" * 30}, "This link to more"),
        ({"after": "0001-01-01T00:00:00+14:00~1"}, "This link to more"),
    ],
)
def test_a_bad_parameter_says_what_is_wrong_and_still_shows_the_list(alice, world, query, message):
    convo(world.acme, "Maria")

    response = alice.get("/", query)

    assert response.status_code == 400
    assert message in response.text
    assert 'role="alert"' in response.text
    assert "Maria" in response.text  # the rest of the list as if that filter were not there


def test_load_more_without_js_is_a_whole_page(alice, world):
    now = timezone.now()
    for n in range(27):
        convo(world.acme, f"Customer {n:02d}", last_activity_at=now - timedelta(minutes=n))
    first = alice.get("/")
    link = first.text.split('class="more"')[1].split('href="')[1].split('"')[0]

    more = alice.get(link.replace("&amp;", "&"))

    assert "<html" in more.text and 'id="folders"' in more.text
    assert names(more) == ["Customer 25", "Customer 26"]


def test_the_filter_form_asks_for_the_rows_only(alice, world):
    convo(world.acme, "Maria")
    convo(world.acme, "Ivan")

    response = alice.get("/", {"folder": "open", "q": "maria"}, **ROWS_ONLY)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<li id="row-')
    assert "Ivan" not in response.text
    # The bulk form learns the list it acts on, out of band.
    assert 'id="bulk-list-query" name="list" value="folder=open&amp;q=maria"' in response.text
    assert 'hx-swap-oob="true"' in response.text


def test_a_search_with_no_match_says_so(alice, world):
    convo(world.acme, "Maria")

    response = alice.get("/", {"q": "nothing like this"}, **ROWS_ONLY)

    assert "No conversations match" in response.text


# --- the rows -----------------------------------------------------------------------------


def test_a_row_shows_what_an_agent_needs(alice, world):
    now = timezone.now()
    row = convo(
        world.acme,
        "Maria Papadopoulou",
        assignee=world.bob,
        priority=3,
        waiting_since=now - timedelta(hours=2),
        sla_due_at=now - timedelta(hours=1),
        last_message_at=now,
    )
    row.labels.add(LabelFactory(name="refund", color="#aa0000"))

    text = alice.get("/").text

    html = text.split(f'<li id="row-{row.pk}"')[1].split("</li>")[0]
    assert html.startswith(' class="row is-unread is-late" data-conversation-id=')
    assert 'class="channel-badge" aria-hidden="true">T</span> Test channel' in html
    assert '<span class="row-avatar initials" aria-hidden="true">MP</span>' in html
    assert '<span class="visually-hidden unread-marker">Unread</span>' in html
    assert "Direct message" in html and "Bob" in html and "Priority: High" in html
    assert "refund" in html
    assert "Waiting 2" in html and "past the SLA target" in html
    assert html.index("<a ") < html.index('type="checkbox"')  # the link is the row's first
    assert f'name="conversation" value="{row.pk}"' in html
    assert "Select Maria Papadopoulou" in html


def test_a_row_shows_the_customers_picture_when_we_have_one(alice, world):
    row = convo(world.acme, "Ivan")
    row.identity.profile = {"avatar_file": "avatars/ivan.jpg", "avatar_type": "image/jpeg"}
    row.identity.save()

    text = alice.get("/").text

    assert f'<img class="row-avatar" src="/media/avatar/{row.identity_id}/"' in text


def test_the_list_queries_the_same_for_10_rows_as_for_25(alice, world):
    label = LabelFactory(name="vip")
    other_account = AccountFactory(kind="facebook", external_id="fb", name="Acme FB")
    other_account.teams.add(world.support)

    def add(count: int) -> None:
        for n in range(count):
            row = convo(
                other_account if n % 3 else world.acme,
                f"Customer {n}",
                assignee=world.bob if n % 2 else None,
                team=world.support if n % 4 else None,
                waiting_since=timezone.now() - timedelta(hours=n),
            )
            row.labels.add(label)
            services.note_create(conversation=row, author=world.bob, text="@alice look")

    def queries(query: dict) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice.get("/", query).status_code == 200
        return len(captured)

    everything = {
        "q": "customer",
        "channel": "facebook",
        "kind": "direct",
        "label": str(label.pk),
        "assignee": str(world.bob.pk),
        "team": str(world.support.pk),
        "unread": "1",
        "late": "1",
        "sort": "waiting",
    }
    add(10)
    plain_10, filtered_10 = queries({}), queries(everything)
    add(15)
    plain_25, filtered_25 = queries({}), queries(everything)
    mentions_25 = queries({"folder": "mentions"})

    assert plain_10 == plain_25 == filtered_10 == filtered_25 == mentions_25


# --- mark unread --------------------------------------------------------------------------


def test_mark_unread_makes_it_bold_for_me_again_and_updates_the_counts(alice, world):
    row = convo(world.acme, "Maria", assignee=world.alice)
    alice.get(f"/c/{row.pk}/")
    assert 'class="row is-unread' not in alice.get("/").text

    response = alice.post(f"/c/{row.pk}/unread/?folder=mine", **HTMX)

    assert response.status_code == 200
    assert 'id="folders" class="folders" aria-label="Folders" hx-swap-oob="true"' in response.text
    assert json.loads(response["HX-Trigger"]) == {"conversation-unread": {"id": row.pk}}
    assert 'class="row is-unread' in alice.get("/").text


def test_mark_unread_without_js_goes_back_to_the_list(alice, world):
    row = convo(world.acme, "Maria")

    response = alice.post(f"/c/{row.pk}/unread/?folder=open&q=maria")

    assert response.status_code == 302
    assert response["Location"] == "/?folder=open&q=maria"


def test_mark_unread_is_for_conversations_you_can_see_and_needs_post(alice, world):
    sales = convo(world.other, "Sales customer")
    mine = convo(world.acme, "Maria")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.alice)

    assert alice.post(f"/c/{sales.pk}/unread/").status_code == 404
    assert alice.get(f"/c/{mine.pk}/unread/").status_code == 405
    assert strict.post(f"/c/{mine.pk}/unread/").status_code == 403
    assert Client().post(f"/c/{mine.pk}/unread/").status_code == 302  # to the login page
