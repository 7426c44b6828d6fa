"""The fragments live updates fetch: a list row, one message, the folders' counts."""

import pytest

from inbox.models import Conversation, ConversationRead, Message
from tests.factories import ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def maria(world) -> Conversation:
    convo = ConversationFactory(account=world.acme, snippet="My parcel never arrived")
    MessageFactory(conversation=convo, text="My parcel never arrived")
    return convo


def test_it_renders_the_row_as_the_list_shows_it(world, maria):
    response = world.client_for(world.alice).get(f"/c/{maria.pk}/row/?folder=open", **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="row-{maria.pk}"')
    assert "My parcel never arrived" in html
    assert "?folder=open" in html


def test_a_row_that_left_the_folder_answers_no_content(world, maria):
    maria.status = Conversation.Status.DONE
    maria.save()

    response = world.client_for(world.alice).get(f"/c/{maria.pk}/row/?folder=open", **HTMX)

    assert response.status_code == 204
    assert response.content == b""


def test_a_row_of_someone_elses_folder_answers_no_content(world, maria):
    maria.assignee = world.bob
    maria.save()

    response = world.client_for(world.alice).get(f"/c/{maria.pk}/row/?folder=mine", **HTMX)

    assert response.status_code == 204


@pytest.mark.parametrize(("search", "status"), [("parcel", 200), ("refund", 204)])
def test_a_row_follows_the_lists_search(world, maria, search, status):
    response = world.client_for(world.alice).get(
        f"/c/{maria.pk}/row/?folder=open&q={search}", **HTMX
    )

    assert response.status_code == status
    if status == 200:
        assert f"q={search}" in response.content.decode()


def test_an_agent_of_another_team_cannot_fetch_the_row(world, maria):
    response = world.client_for(world.charlie).get(f"/c/{maria.pk}/row/?folder=open", **HTMX)

    assert response.status_code == 404


def test_the_row_without_htmx_leads_to_the_conversation(world, maria):
    response = world.client_for(world.alice).get(f"/c/{maria.pk}/row/?folder=open")

    assert response.status_code == 302
    assert response["Location"] == f"/c/{maria.pk}/?folder=open"


def test_it_renders_one_message_of_the_open_conversation(world, maria):
    message = maria.messages.get()

    response = world.client_for(world.alice).get(
        f"/c/{maria.pk}/m/{message.pk}/?folder=open", **HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="message-{message.pk}"')
    assert "My parcel never arrived" in html


def test_customer_text_in_a_message_is_escaped(world, maria):
    message = MessageFactory(conversation=maria, text="<script>alert(1)</script>")

    response = world.client_for(world.alice).get(f"/c/{maria.pk}/m/{message.pk}/", **HTMX)

    assert b"<script>alert(1)" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


def test_a_new_inbound_message_shown_in_the_open_conversation_is_read(world, maria):
    message = maria.messages.get()

    world.client_for(world.alice).get(f"/c/{maria.pk}/m/{message.pk}/", **HTMX)

    # Read for Alice, who has it open; still unread for Bob.
    assert ConversationRead.objects.get(conversation=maria, user=world.alice).read_at
    assert not ConversationRead.objects.filter(conversation=maria, user=world.bob).exists()


def test_a_message_of_another_conversation_is_not_found(world, maria):
    elsewhere = MessageFactory(conversation=ConversationFactory(account=world.acme))

    response = world.client_for(world.alice).get(f"/c/{maria.pk}/m/{elsewhere.pk}/", **HTMX)

    assert response.status_code == 404


def test_an_agent_of_another_team_cannot_fetch_a_message(world, maria):
    message = maria.messages.get()

    response = world.client_for(world.charlie).get(f"/c/{maria.pk}/m/{message.pk}/", **HTMX)

    assert response.status_code == 404


def test_the_message_without_htmx_leads_to_it_in_the_conversation(world, maria):
    message = maria.messages.get()

    response = world.client_for(world.alice).get(f"/c/{maria.pk}/m/{message.pk}/?folder=open")

    assert response.status_code == 302
    assert response["Location"] == f"/c/{maria.pk}/?folder=open#message-{message.pk}"


def test_the_folders_show_the_counts_of_the_agents_accounts_only(world, maria):
    ConversationFactory(account=world.other)

    response = world.client_for(world.alice).get("/folders/?folder=open", **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<nav id="folders"')
    assert 'aria-current="page"' in html
    assert '<span class="count">1</span>' in html


def test_the_folders_without_htmx_lead_to_the_folder(world):
    response = world.client_for(world.alice).get("/folders/?folder=done")

    assert response.status_code == 302
    assert response["Location"] == "/?folder=done"


@pytest.mark.parametrize("path", ["/folders/", "/c/1/row/", "/c/1/m/1/"])
def test_fragments_send_visitors_not_logged_in_to_the_login_page(client, path):
    response = client.get(path, **HTMX)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_inbox_page_tells_its_script_where_the_stream_is(world, maria):
    response = world.client_for(world.alice).get(f"/c/{maria.pk}/?folder=open")

    html = response.content.decode()
    assert 'data-events-url="/events/"' in html
    assert f'data-user="{world.alice.pk}"' in html
    assert 'id="live-texts"' in html
    assert 'aria-live="polite"' in html
    assert f'data-conversation="{maria.pk}"' in html


def test_our_own_replies_do_not_mark_anything_read(world, maria):
    reply = MessageFactory(
        conversation=maria, direction=Message.Direction.OUT, author=world.bob, identity=None
    )

    response = world.client_for(world.alice).get(f"/c/{maria.pk}/m/{reply.pk}/", **HTMX)

    assert response.status_code == 200
    assert not ConversationRead.objects.filter(conversation=maria).exists()
