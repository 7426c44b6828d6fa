"""The stand-in platform the demo sends through, and the thin adapters' use of it."""

import pytest

from inbox import services
from inbox.models import Message
from tests.factories import AccountFactory, ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(settings, live_server):
    settings.SANDBOX = True
    settings.ROOT_URLCONF = "tests.urls_sandbox"
    settings.SOCIALCARE_SANDBOX_URL = live_server.url
    return live_server


@pytest.fixture
def twitter_conversation(world):
    account = AccountFactory(kind="twitter", external_id="2244994945", name="@acme")
    account.teams.add(world.support)
    conversation = ConversationFactory(account=account)
    MessageFactory(conversation=conversation, text="Γεια σας")
    return conversation


def send(conversation, text, author, capture):
    with capture(execute=True):
        message = services.reply_create(conversation=conversation, author=author, text=text)
    message.refresh_from_db()
    return message


@pytest.mark.django_db(transaction=True)
def test_a_demo_reply_goes_out_through_the_sandbox(
    world, sandbox, twitter_conversation, django_capture_on_commit_callbacks
):
    message = send(
        twitter_conversation, "Καλημέρα!", world.alice, django_capture_on_commit_callbacks
    )

    assert message.status == Message.Status.SENT
    assert message.external_id.startswith("twitter-sandbox-")


@pytest.mark.django_db(transaction=True)
def test_the_sandbox_can_refuse_a_reply_with_a_readable_reason(
    world, sandbox, twitter_conversation, django_capture_on_commit_callbacks
):
    message = send(
        twitter_conversation, "Try this #rejected", world.alice, django_capture_on_commit_callbacks
    )

    assert message.status == Message.Status.FAILED
    assert message.error == "the recipient cannot be reached"


def test_without_the_sandbox_a_thin_channel_says_it_cannot_send_yet(
    world, settings, twitter_conversation, django_capture_on_commit_callbacks
):
    settings.SANDBOX = False
    message = send(twitter_conversation, "Hello", world.alice, django_capture_on_commit_callbacks)

    assert message.status == Message.Status.FAILED
    assert "not available yet" in message.error


def test_the_sandbox_answers_400_to_a_body_that_is_not_json(settings, client):
    settings.ROOT_URLCONF = "tests.urls_sandbox"

    response = client.post("/sandbox/twitter/send/", b"not json", content_type="application/json")

    assert response.status_code == 400
