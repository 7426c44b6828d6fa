"""The composer as an agent uses it: replies, notes with @mentions, canned responses."""

import re

import pytest
from django.test import Client

from inbox import services
from inbox.models import AgentProfile, CannedResponse, Conversation, Message, Note
from tests.factories import ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def conversation_with(account, text: str = "Where is my order?", **fields) -> Conversation:
    convo = ConversationFactory(account=account, snippet=text[:200], **fields)
    MessageFactory(conversation=convo, text=text)
    return convo


def last_seen(page: str) -> str:
    return re.search(r'name="last_seen" value="(\d+)"', page).group(1)


@pytest.fixture
def maria(world) -> Conversation:
    return conversation_with(world.acme, "My parcel never arrived")


@pytest.fixture
def comment(world) -> Conversation:
    return conversation_with(world.acme, "Do you ship to Minsk?", kind=Conversation.Kind.COMMENT)


@pytest.fixture
def alice(world) -> Client:
    return world.client_for(world.alice)


# --- the composer on the page -----------------------------------------------------------------


def test_it_offers_a_reply_and_a_note(alice, maria):
    page = alice.get(f"/c/{maria.pk}/").text

    assert 'role="tab"' in page and ">Reply</button>" in page and ">Note</button>" in page
    assert 'id="reply-form"' in page and 'id="note-form"' in page
    assert f'action="/c/{maria.pk}/notes/?folder=open"' in page
    # The channel's limit, for the counter (the test channel allows 500).
    assert 'data-limit="500"' in page


def test_public_threads_show_the_sign_off_and_direct_ones_do_not(alice, world, maria, comment):
    assert "Signed: — Alice" in alice.get(f"/c/{comment.pk}/").text
    assert "Signed:" not in alice.get(f"/c/{maria.pk}/").text

    AgentProfile.objects.create(user=world.alice, sign_off=False)
    assert "Signed:" not in alice.get(f"/c/{comment.pk}/").text


def test_the_mention_choice_shows_only_where_the_channel_can_mention(alice, comment):
    # The test channel declares no "mention the commenter" option (Facebook does: see
    # tests/facebook/test_composer_mention.py).
    assert "Mention " not in alice.get(f"/c/{comment.pk}/").text


# --- replying -------------------------------------------------------------------------------


def test_a_public_reply_is_signed_with_the_agents_name(alice, comment):
    response = alice.post(f"/c/{comment.pk}/reply/", {"text": "Yes, we do!"}, **HTMX)

    assert response.status_code == 200
    reply = comment.messages.get(direction=Message.Direction.OUT)
    assert reply.text == "Yes, we do!\n— Alice"
    assert "Yes, we do!<br>— Alice" in response.text
    assert "Queued" in response.text


def test_a_private_reply_is_not_signed_and_says_where_it_goes_on(alice, comment):
    response = alice.post(
        f"/c/{comment.pk}/reply/", {"text": "Sent you a DM", "private": "on"}, **HTMX
    )

    assert response.status_code == 200
    assert comment.messages.get(direction=Message.Direction.OUT).text == "Sent you a DM"
    assert "once it is sent, the conversation continues in direct messages" in response.text


def test_line_breaks_from_the_browser_count_once(alice, maria):
    # 250 lines of "x": 499 characters with LF, 749 with the CRLF browsers send.
    text = "\r\n".join(["x"] * 250)

    response = alice.post(f"/c/{maria.pk}/reply/", {"text": text}, **HTMX)

    assert response.status_code == 200
    assert len(maria.messages.get(direction=Message.Direction.OUT).text) == 499


def test_an_over_long_reply_is_refused_with_the_text_kept(alice, maria):
    response = alice.post(f"/c/{maria.pk}/reply/", {"text": "y" * 501}, **HTMX)

    assert response.status_code == 422
    assert "this channel allows 500" in response.text
    assert "y" * 501 in response.text


# --- someone replied while you were typing ----------------------------------------------------


def test_a_reply_by_someone_else_meanwhile_stops_the_send(alice, world, maria):
    seen = last_seen(alice.get(f"/c/{maria.pk}/").text)
    services.reply_create(conversation=maria, author=world.bob, text="Bob is on it")

    response = alice.post(
        f"/c/{maria.pk}/reply/", {"text": "Alice is on it", "last_seen": seen}, **HTMX
    )

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#reply-form"
    assert "Bob replied while you were typing: read it, then send again." in response.text
    assert "Bob is on it" in response.text  # what he wrote, to read
    assert "Alice is on it" in response.text  # her text is kept
    assert 'name="confirm" value="1"' in response.text and "Send anyway" in response.text
    assert not maria.messages.filter(author=world.alice).exists()


def test_send_anyway_sends(alice, world, maria):
    seen = last_seen(alice.get(f"/c/{maria.pk}/").text)
    services.reply_create(conversation=maria, author=world.bob, text="Bob is on it")

    response = alice.post(
        f"/c/{maria.pk}/reply/",
        {"text": "Alice too", "last_seen": seen, "confirm": "1"},
        **HTMX,
    )

    assert response.status_code == 200
    assert maria.messages.filter(author=world.alice, text="Alice too").exists()


def test_after_the_warning_the_next_send_goes_through(alice, world, maria):
    seen = last_seen(alice.get(f"/c/{maria.pk}/").text)
    services.reply_create(conversation=maria, author=world.bob, text="Bob is on it")
    warned = alice.post(f"/c/{maria.pk}/reply/", {"text": "Hi", "last_seen": seen}, **HTMX)

    # The warning's form counts Bob's reply as read.
    response = alice.post(
        f"/c/{maria.pk}/reply/", {"text": "Hi", "last_seen": last_seen(warned.text)}, **HTMX
    )

    assert response.status_code == 200
    assert maria.messages.filter(author=world.alice).exists()


def test_my_own_replies_and_customer_messages_do_not_warn(alice, world, maria):
    seen = last_seen(alice.get(f"/c/{maria.pk}/").text)
    services.reply_create(conversation=maria, author=world.alice, text="First")
    MessageFactory(conversation=maria, text="Thanks!")

    response = alice.post(f"/c/{maria.pk}/reply/", {"text": "Second", "last_seen": seen})

    assert response.status_code == 302
    assert maria.messages.filter(author=world.alice).count() == 2


def test_a_reply_sent_from_another_app_warns_too(alice, world, maria):
    seen = last_seen(alice.get(f"/c/{maria.pk}/").text)
    Message.objects.create(
        conversation=maria,
        account=world.acme,
        direction=Message.Direction.OUT,
        text="Answered on the phone app",
        sent_elsewhere=True,
        status=Message.Status.SENT,
    )

    response = alice.post(f"/c/{maria.pk}/reply/", {"text": "Hi", "last_seen": seen})

    assert response.status_code == 422
    assert "A reply was sent from another app while you were typing" in response.text


# --- notes --------------------------------------------------------------------------------------


def test_a_note_appears_in_the_thread_and_mentions_a_teammate(alice, world, maria):
    response = alice.post(
        f"/c/{maria.pk}/notes/", {"text": "@bob can you check the refund?"}, **HTMX
    )

    assert response.status_code == 200
    assert '<li class="note"' in response.text
    assert "Internal note" in response.text
    assert "@bob can you check the refund?" in response.text
    assert 'id="note-form"' in response.text and 'hx-swap-oob="true"' in response.text
    note = Note.objects.get(conversation=maria)
    assert list(note.mentions.all()) == [world.bob]
    assert not maria.messages.filter(direction=Message.Direction.OUT).exists()


def test_a_mention_of_someone_who_cannot_see_it_is_not_recorded_and_said(alice, world, maria):
    response = alice.post(f"/c/{maria.pk}/notes/", {"text": "@charlie @bob look"}, **HTMX)

    assert response.status_code == 200
    assert "@charlie cannot see this conversation and was not notified." in response.text
    assert "@bob cannot" not in response.text
    assert list(Note.objects.get().mentions.all()) == [world.bob]


def test_without_javascript_a_note_goes_back_to_the_conversation(alice, maria):
    response = alice.post(f"/c/{maria.pk}/notes/?folder=open", {"text": "Called her"})

    assert response.status_code == 302
    assert response["Location"] == f"/c/{maria.pk}/?folder=open"
    assert "Called her" in alice.get(response["Location"]).text


def test_without_javascript_the_page_says_who_was_not_notified(alice, maria):
    response = alice.post(f"/c/{maria.pk}/notes/", {"text": "@charlie see this"})

    assert response.status_code == 200
    assert "<html" in response.text
    assert "@charlie cannot see this conversation and was not notified." in response.text
    assert '<li class="note"' in response.text and "@charlie see this" in response.text


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_note_is_refused(alice, maria, text):
    response = alice.post(f"/c/{maria.pk}/notes/", {"text": text}, **HTMX)

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#note-form"
    assert "Write a note before saving it." in response.text
    assert not Note.objects.exists()


def test_a_note_on_a_conversation_i_cannot_see_is_not_found(world, maria):
    charlie = world.client_for(world.charlie)

    assert charlie.post(f"/c/{maria.pk}/notes/", {"text": "hi"}).status_code == 404
    assert not Note.objects.exists()


def test_mentionable_teammates_are_those_who_work_the_account(alice, world, maria):
    page = alice.get(f"/c/{maria.pk}/mentionable/?q=").text

    assert "@bob" in page and "@lena" in page and "@adam" in page
    assert "@charlie" not in page
    assert "@alice" not in page  # not herself

    assert re.findall(r"@(\w+)", alice.get(f"/c/{maria.pk}/mentionable/?q=b").text) == ["bob"]
    assert world.client_for(world.charlie).get(f"/c/{maria.pk}/mentionable/").status_code == 404


@pytest.mark.parametrize("url", ["/c/{pk}/notes/", "/c/{pk}/canned/1/use/"])
def test_writes_need_a_login_and_the_csrf_token(client, world, maria, url):
    url = url.format(pk=maria.pk)
    assert client.post(url, {"text": "hi"}).status_code == 302

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.alice)
    assert strict.post(url, {"text": "hi"}).status_code == 403


# --- canned responses in the composer -----------------------------------------------------------


@pytest.fixture
def library(world):
    return {
        "hello": CannedResponse.objects.create(
            title="Hello",
            shortcut="hello",
            body="Hi {customer_first_name}, {agent_first_name} from {page_name} here.",
            team=world.support,
        ),
        "sales": CannedResponse.objects.create(
            title="Sales hello", shortcut="hello-sales", body="Sales!", team=world.sales
        ),
        "refund": CannedResponse.objects.create(
            title="Refund policy", shortcut="refund", body="Refunds take {days} days."
        ),
    }


def test_slash_lists_matching_responses_i_may_use(alice, maria, library):
    page = alice.get(f"/c/{maria.pk}/canned/?q=hel").text

    assert 'role="option"' in page
    assert "/hello" in page and "Hello" in page
    assert "hello-sales" not in page  # another team's
    assert f'data-use-url="/c/{maria.pk}/canned/{library["hello"].pk}/use/"' in page
    # By title too.
    assert "/refund" in alice.get(f"/c/{maria.pk}/canned/?q=policy").text


def test_a_typed_shortcut_finds_exactly_one(alice, maria, library):
    page = alice.get(f"/c/{maria.pk}/canned/?shortcut=hello").text

    assert page.count('role="option"') == 1 and 'data-value="hello"' in page
    assert 'role="option"' not in alice.get(f"/c/{maria.pk}/canned/?shortcut=hel").text


def test_using_a_response_fills_it_in_and_counts_it(alice, world, library):
    convo = conversation_with(world.acme, "Hi")
    convo.contact.name = "Maria Papadopoulou"
    convo.contact.save()

    response = alice.post(f"/c/{convo.pk}/canned/{library['hello'].pk}/use/")

    assert response.status_code == 200
    assert response.json() == {
        "id": library["hello"].pk,
        "shortcut": "hello",
        "text": "Hi Maria, Alice from Acme here.",
    }
    library["hello"].refresh_from_db()
    assert library["hello"].usage_count == 1


def test_unknown_placeholders_stay_as_typed(alice, maria, library):
    response = alice.post(f"/c/{maria.pk}/canned/{library['refund'].pk}/use/")

    assert response.json()["text"] == "Refunds take {days} days."


def test_another_teams_response_or_conversation_is_not_found(alice, world, maria, library):
    assert alice.post(f"/c/{maria.pk}/canned/{library['sales'].pk}/use/").status_code == 404
    sales = conversation_with(world.other)
    assert alice.post(f"/c/{sales.pk}/canned/{library['hello'].pk}/use/").status_code == 404
    assert alice.get(f"/c/{sales.pk}/canned/?q=").status_code == 404
    library["sales"].refresh_from_db()
    assert library["sales"].usage_count == 0


def test_using_needs_a_post(alice, maria, library):
    assert alice.get(f"/c/{maria.pk}/canned/{library['hello'].pk}/use/").status_code == 405
