"""The first inbox, as an agent uses it: folders, the list, one conversation, replies."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox import services
from inbox.models import Activity, ChannelAccount, Conversation, Message
from tests.factories import (
    ConversationFactory,
    LabelFactory,
    MessageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def conversation_with(account, text: str = "Where is my order?", **fields) -> Conversation:
    convo = ConversationFactory(account=account, snippet=text[:200], **fields)
    MessageFactory(conversation=convo, text=text)
    return convo


@pytest.fixture
def maria(world) -> Conversation:
    """A customer of Acme waiting for an answer."""
    return conversation_with(
        world.acme,
        text="My parcel never arrived",
        waiting_since=timezone.now() - timedelta(minutes=20),
        last_message_at=timezone.now(),
    )


@pytest.fixture
def alice(world) -> Client:
    return world.client_for(world.alice)


# --- logging in and out ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/?folder=done", "/c/1/"])
def test_it_sends_visitors_who_are_not_logged_in_to_the_login_page(client, world, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_it_does_not_take_a_reply_from_someone_not_logged_in(client, maria):
    response = client.post(f"/c/{maria.pk}/reply/", {"text": "hi"})

    assert response.status_code == 302
    assert not Message.objects.filter(direction=Message.Direction.OUT).exists()


def test_it_logs_in_to_the_inbox_and_out_again(client, world):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert b'name="username"' in page.content

    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "correct horse battery staple"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    assert b"Log out" in response.content

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_it_says_when_the_password_is_wrong(client, world):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})

    assert response.status_code == 200
    assert b'role="alert"' in response.content


# --- the list -------------------------------------------------------------------------------


def test_alice_sees_the_conversations_of_the_account_her_team_works(alice, world, maria):
    conversation_with(world.other, text="A question for Sales")

    response = alice.get("/")

    assert response.status_code == 200
    assert "My parcel never arrived" in response.text
    assert "A question for Sales" not in response.text
    assert maria.contact.name in response.text


def test_alice_gets_404_for_a_conversation_of_another_team(alice, world):
    sales = conversation_with(world.other, text="A question for Sales")

    assert alice.get(f"/c/{sales.pk}/").status_code == 404
    assert alice.post(f"/c/{sales.pk}/reply/", {"text": "Hi"}).status_code == 404
    assert alice.post(f"/c/{sales.pk}/status/", {"status": "done"}).status_code == 404
    assert alice.post(f"/c/{sales.pk}/assign-to-me/").status_code == 404
    sales.refresh_from_db()
    assert sales.status == Conversation.Status.OPEN
    assert sales.assignee is None
    assert not sales.messages.filter(direction=Message.Direction.OUT).exists()


def test_an_admin_sees_every_account(world, maria):
    sales = conversation_with(world.other, text="A question for Sales")

    response = world.client_for(world.adam).get(f"/c/{sales.pk}/")

    assert response.status_code == 200
    assert "A question for Sales" in response.text


def test_it_shows_the_folder_counts(alice, world):
    conversation_with(world.acme)
    conversation_with(world.acme, assignee=world.alice)
    conversation_with(world.acme, status=Conversation.Status.FOLLOW_UP)
    conversation_with(world.acme, status=Conversation.Status.DONE)
    conversation_with(world.other)

    response = alice.get("/")

    links = {link["key"]: link["count"] for link in response.context["folder_links"]}
    assert links == {
        "mine": 1,
        "unassigned": 2,
        f"team-{world.support.pk}": 3,
        "open": 2,
        "follow_up": 1,
        "done": None,
        "mentions": 0,
        "failed": 0,
    }
    assert '<span class="count">2</span>' in response.text


def test_it_lists_the_chosen_folder(alice, world):
    conversation_with(world.acme, text="still open")
    conversation_with(world.acme, text="all sorted", status=Conversation.Status.DONE)
    conversation_with(world.acme, text="mine to answer", assignee=world.alice)

    done = alice.get("/?folder=done").text
    mine = alice.get("/?folder=mine").text
    unassigned = alice.get("/?folder=unassigned").text

    assert "all sorted" in done and "still open" not in done
    assert "mine to answer" in mine and "still open" not in mine
    assert "still open" in unassigned and "mine to answer" not in unassigned


def test_it_shows_an_empty_folder_and_no_open_conversation(alice, world):
    response = alice.get("/?folder=follow_up")

    assert "No conversations here" in response.text
    assert "Choose a conversation" in response.text


def test_it_shows_what_a_row_needs(alice, world, maria):
    maria.labels.add(LabelFactory(name="refund", color="#aa0000"))
    Conversation.objects.filter(pk=maria.pk).update(assignee=world.bob)

    response = alice.get("/?folder=open")

    row = response.text.split(f'<li id="row-{maria.pk}"')[1].split("</li>")[0]
    assert row.startswith(' class="row is-unread"')  # unread rows are bold
    assert "Test channel" in row
    assert "Direct message" in row
    assert "Bob" in row
    assert "refund" in row
    assert "Waiting 20" in row


def test_it_says_what_is_wrong_with_an_unknown_folder(alice, world, maria):
    response = alice.get("/?folder=trash")

    assert response.status_code == 400
    assert "There is no folder called “trash”" in response.text
    assert "My parcel never arrived" in response.text  # the default folder instead


def test_it_escapes_a_folder_name_it_does_not_know(alice, world):
    response = alice.get("/?folder=<b>x</b>")

    assert response.status_code == 400
    assert "<b>x</b>" not in response.text
    assert "&lt;b&gt;x&lt;/b&gt;" in response.text


def test_it_says_what_is_wrong_with_a_broken_load_more_link(alice, world):
    response = alice.get("/?folder=open&after=yesterday", **HTMX)

    assert response.status_code == 400
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<li class="alert" role="alert">')
    assert "This link to more conversations is broken" in response.text


def test_it_loads_more_conversations_after_the_last_one_shown(alice, world):
    start = timezone.now()
    for n in range(30):
        conversation_with(
            world.acme,
            text=f"question number {n:02d}",
            last_activity_at=start - timedelta(minutes=n),
        )

    first = alice.get("/")
    assert "question number 00" in first.text
    assert "question number 24" in first.text
    assert "question number 25" not in first.text
    assert first.context["page"].next_after is not None
    assert "Load more" in first.text

    link = first.text.split('class="more"')[1].split('hx-get="')[1].split('"')[0]
    more = alice.get(link.replace("&amp;", "&"), **HTMX)

    assert more.status_code == 200
    assert "<html" not in more.text
    assert "question number 25" in more.text
    assert "question number 29" in more.text
    assert "question number 24" not in more.text
    assert "Load more" not in more.text


def test_the_list_does_not_query_more_for_more_conversations(alice, world):
    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert alice.get("/?folder=open").status_code == 200
        return len(queries)

    def add(count: int) -> None:
        label = LabelFactory(name="vip")
        for n in range(count):
            convo = conversation_with(world.acme, assignee=world.bob if n % 2 else None)
            convo.labels.add(label)

    add(5)
    with_five = queries_for_the_list()
    add(25)
    with_thirty = queries_for_the_list()

    assert with_thirty == with_five


# --- one conversation -----------------------------------------------------------------------


def test_opening_a_conversation_marks_it_read_for_me_only(alice, world, maria):
    bob = world.client_for(world.bob)
    assert 'class="row is-unread' in alice.get("/").text

    response = alice.get(f"/c/{maria.pk}/?folder=open")

    assert response.status_code == 200
    assert "My parcel never arrived" in response.text
    assert 'class="row is-unread' not in alice.get("/").text
    assert 'class="row is-unread' in bob.get("/").text


def test_it_shows_the_thread_in_order_with_notes_and_activity(alice, world, maria):
    services.note_create(conversation=maria, author=world.bob, text="Check the courier first")
    services.conversation_update(conversation=maria, by=world.lena, assignee=world.alice)
    Message.objects.create(
        conversation=maria,
        account=world.acme,
        direction=Message.Direction.OUT,
        text="We are on it",
        author=world.alice,
        status=Message.Status.DELIVERED,
    )

    text = alice.get(f"/c/{maria.pk}/").text

    thread = text.split('id="thread"')[1]
    order = [
        thread.index(s) for s in ["My parcel", "Check the courier", "assigned it", "We are on"]
    ]
    assert order == sorted(order)
    assert 'class="note"' in thread and "Internal note" in thread
    assert "Lena assigned it to Alice" in thread
    assert "Delivered" in thread


def test_it_shows_the_post_a_comment_thread_hangs_under(alice, world):
    convo = conversation_with(
        world.acme,
        kind=Conversation.Kind.COMMENT,
        context={"text": "Our summer sale starts today", "permalink": "https://example.com/p/1"},
    )
    sneaky = conversation_with(
        world.acme,
        kind=Conversation.Kind.COMMENT,
        context={"text": "A post", "permalink": "javascript:alert(1)"},
    )

    text = alice.get(f"/c/{convo.pk}/").text
    assert "Our summer sale starts today" in text
    assert 'href="https://example.com/p/1"' in text

    assert "javascript:" not in alice.get(f"/c/{sneaky.pk}/").text


def test_it_offers_a_private_reply_only_where_the_channel_can_do_it(alice, world, maria):
    comment = conversation_with(world.acme, kind=Conversation.Kind.COMMENT)

    assert "Reply privately" in alice.get(f"/c/{comment.pk}/").text
    assert "Reply privately" not in alice.get(f"/c/{maria.pk}/").text


# --- replying ---------------------------------------------------------------------------------


def test_a_reply_is_queued_then_sent(
    alice, maria, fake_platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(
            f"/c/{maria.pk}/reply/?folder=open", {"text": "Sorry! A new one is on its way."}
        )

    assert response.status_code == 302
    assert response["Location"] == f"/c/{maria.pk}/?folder=open"
    reply = maria.messages.get(direction=Message.Direction.OUT)
    assert reply.status == Message.Status.SENT
    assert fake_platform.sent_texts == ["Sorry! A new one is on its way."]
    assert "Sent" in alice.get(response["Location"]).text


def test_an_htmx_reply_appears_at_once_as_queued(alice, maria):
    response = alice.post(f"/c/{maria.pk}/reply/", {"text": "On it!"}, **HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "On it!" in response.text
    assert "Queued" in response.text
    # A fresh, empty form replaces the one that was sent.
    assert 'id="reply-form"' in response.text and 'hx-swap-oob="true"' in response.text
    assert maria.messages.get(direction=Message.Direction.OUT).status == Message.Status.QUEUED


def test_a_private_reply_to_a_comment_goes_out_privately(alice, world):
    comment = conversation_with(world.acme, kind=Conversation.Kind.COMMENT)

    alice.post(f"/c/{comment.pk}/reply/", {"text": "Sent you a DM", "private": "on"})

    reply = comment.messages.get(direction=Message.Direction.OUT)
    assert not reply.public


def test_a_refused_reply_says_why_and_keeps_the_text(alice, world, maria):
    ChannelAccount.objects.filter(pk=world.acme.pk).update(
        status=ChannelAccount.Status.NEEDS_RECONNECT
    )

    response = alice.post(f"/c/{maria.pk}/reply/", {"text": "Typed with care"})

    assert response.status_code == 422
    assert "needs to be reconnected" in response.text
    assert "Typed with care" in response.text
    assert not maria.messages.filter(direction=Message.Direction.OUT).exists()


def test_a_refused_htmx_reply_replaces_only_the_form(alice, world, maria):
    ChannelAccount.objects.filter(pk=world.acme.pk).update(
        status=ChannelAccount.Status.NEEDS_RECONNECT
    )

    response = alice.post(f"/c/{maria.pk}/reply/", {"text": "Typed with care"}, **HTMX)

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#reply-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert "needs to be reconnected" in response.text
    assert "Typed with care" in response.text
    assert "<html" not in response.text


def test_an_empty_reply_asks_for_text(alice, maria):
    response = alice.post(f"/c/{maria.pk}/reply/", {"text": "   "})

    assert response.status_code == 422
    assert "Write a reply before sending." in response.text


def test_a_failed_reply_shows_its_reason_and_can_be_retried(
    alice, world, maria, fake_platform, django_capture_on_commit_callbacks
):
    failed = Message.objects.create(
        conversation=maria,
        account=world.acme,
        direction=Message.Direction.OUT,
        text="Hello again",
        author=world.alice,
        status=Message.Status.FAILED,
        error="The customer blocked the page",
    )

    page = alice.get(f"/c/{maria.pk}/").text
    assert "The customer blocked the page" in page
    assert "Retry" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(f"/c/{maria.pk}/messages/{failed.pk}/retry/", **HTMX)

    assert response.status_code == 200
    assert "Queued" in response.text
    assert "The customer blocked the page" not in response.text
    failed.refresh_from_db()
    assert failed.status == Message.Status.SENT
    assert fake_platform.sent_texts == ["Hello again"]


# --- status and assignment ------------------------------------------------------------------


def test_marking_done_is_logged_and_moves_the_conversation(alice, world, maria):
    response = alice.post(f"/c/{maria.pk}/status/?folder=open", {"status": "done"})

    assert response.status_code == 302
    maria.refresh_from_db()
    assert maria.status == Conversation.Status.DONE
    activity = maria.activities.get(verb=Activity.Verb.STATUS)
    assert activity.actor == world.alice
    assert activity.data == {"from": "open", "to": "done"}
    assert "My parcel never arrived" in alice.get("/?folder=done").text
    assert "My parcel never arrived" not in alice.get("/?folder=open").text


def test_an_htmx_status_change_returns_the_pane_and_new_counts(alice, maria):
    response = alice.post(f"/c/{maria.pk}/status/", {"status": "follow_up"}, **HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="conversation-pane"' in response.text
    assert 'id="folders" class="folders" aria-label="Folders" hx-swap-oob="true"' in response.text
    assert "Alice moved it from Open to Follow-up" in response.text


def test_an_unknown_status_is_refused_with_a_message(alice, maria):
    response = alice.post(f"/c/{maria.pk}/status/", {"status": "archived"})

    assert response.status_code == 422
    assert 'role="alert"' in response.text
    maria.refresh_from_db()
    assert maria.status == Conversation.Status.OPEN


def test_alice_assigns_a_conversation_to_herself(alice, world, maria):
    response = alice.post(f"/c/{maria.pk}/assign-to-me/", **HTMX)

    assert response.status_code == 200
    maria.refresh_from_db()
    assert maria.assignee == world.alice
    assert "Assigned to <bdi>Alice</bdi>" in response.text
    assert "Alice took it" in response.text


def test_alice_cannot_take_a_conversation_bob_works(alice, world, maria):
    Conversation.objects.filter(pk=maria.pk).update(assignee=world.bob)

    response = alice.post(f"/c/{maria.pk}/assign-to-me/", **HTMX)

    assert response.status_code == 422
    assert "only a team lead can assign others" in response.text
    maria.refresh_from_db()
    assert maria.assignee == world.bob


# --- safety ---------------------------------------------------------------------------------


def test_customer_text_is_escaped_in_the_list_and_the_thread(alice, world):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    convo = conversation_with(world.acme, text=attack)
    convo.contact.name = "<b>Mallory</b>"
    convo.contact.save()

    for page in (alice.get("/").text, alice.get(f"/c/{convo.pk}/").text):
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "<b>Mallory</b>" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert "&lt;b&gt;Mallory&lt;/b&gt;" in page


def test_line_breaks_in_customer_text_are_kept(alice, world):
    convo = conversation_with(world.acme, text="first line\nsecond line")

    assert "first line<br>second line" in alice.get(f"/c/{convo.pk}/").text


def test_actions_need_post_and_a_csrf_token(world, maria):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.alice)

    assert strict.get(f"/c/{maria.pk}/reply/").status_code == 405
    assert strict.post(f"/c/{maria.pk}/reply/", {"text": "hi"}).status_code == 403
    assert strict.post(f"/c/{maria.pk}/status/", {"status": "done"}).status_code == 403
    maria.refresh_from_db()
    assert maria.status == Conversation.Status.OPEN


def test_every_htmx_post_carries_the_csrf_token(alice, maria):
    page = alice.get(f"/c/{maria.pk}/").text

    assert "hx-headers='{&quot;X-CSRFToken&quot;" in page or '"X-CSRFToken": "' in page


# --- htmx, language -------------------------------------------------------------------------


def test_htmx_opens_a_conversation_as_a_partial(alice, maria):
    response = alice.get(f"/c/{maria.pk}/?folder=open", **HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="conversation-pane"')
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(alice, maria):
    response = alice.get(
        f"/c/{maria.pk}/?folder=open", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )

    assert "<html" in response.text


def test_the_page_is_right_to_left_in_hebrew(world):
    client = world.client_for(world.alice)
    client.cookies["django_language"] = "he"

    response = client.get("/")

    assert '<html lang="he" dir="rtl">' in response.text


def test_the_page_loads_htmx_from_the_app_itself(alice, world):
    page = alice.get("/").text

    assert "/static/django_htmx/htmx-2.min.js" in page
    assert "https://" not in page.split("</head>")[0]


def test_it_lists_a_new_user_with_no_team_nothing(world):
    loner = UserFactory(username="loner")
    conversation_with(world.acme)

    response = world.client_for(loner).get("/")

    assert response.status_code == 200
    assert "No conversations here" in response.text
