"""`/webhooks/viber/<account id>/`: each bot's signature, and what agents then see.

Support works the Acme Support bot. Tasks run eagerly, so a callback is ingested by the
time it is answered.
"""

import json
from datetime import UTC, datetime

import pytest

from inbox import services
from inbox.models import ChannelAccount, Conversation, Message, WebhookEvent
from inbox.services import ReplyRefused
from tests.viber.helpers import (
    connect_bot,
    fixture,
    post_callback,
    viber_bytes,
    viber_sign,
    webhook_url,
)

pytestmark = pytest.mark.django_db(transaction=True)

NIKOS = "Gq7vNw2ZkP9sXe4LtR1yBA=="
DELIVERED_TOKEN = "5741311803571725555"
FAILED_TOKEN = "5741311803571725556"
WELCOME = {
    "": "Hello {customer_name}! This is {bot_name}: write your question and we will answer.",
    "ru": "Здравствуйте, {customer_name}! Это {bot_name}, напишите ваш вопрос.",
    "he": "שלום {customer_name}! כאן {bot_name}, כתבו לנו את שאלתכם.",
}


@pytest.fixture(autouse=True)
def no_viber(settings):
    # Nothing listens here: a profile look-up after ingest fails at once and falls back,
    # and no test reaches the real Viber API.
    settings.VIBER_API_URL = "http://127.0.0.1:9"


@pytest.fixture
def bot(world):
    return connect_bot(world, token="test-viber-token")


@pytest.fixture
def kafe(world):
    return connect_bot(
        world,
        token="test-viber-token-kafe",
        external_id="pa:5840000000000000002",
        name="Kafe Helios",
        team=world.sales,
    )


def ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def deliver(client, account, *names: str) -> None:
    for name in names:
        assert post_callback(client, account, fixture(name)).status_code == 200, name


def our_reply(token: str, *, sent_ms: int) -> Message:
    """A reply an agent sent through the inbox, as sending leaves it: sent, with the token."""
    conversation = Conversation.objects.get(thread_key=NIKOS)
    return Message.objects.create(
        conversation=conversation,
        account=conversation.account,
        direction=Message.Direction.OUT,
        text="Το δέμα σας θα φτάσει αύριο.",
        external_id=token,
        status=Message.Status.SENT,
        sent_at=ms(sent_ms),
        platform_timestamp=ms(sent_ms),
    )


# --- the request ----------------------------------------------------------------------------


def test_it_answers_the_webhook_check(client, bot):
    response = post_callback(client, bot, fixture("webhook"))

    assert response.status_code == 200
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.SKIPPED


def test_it_allows_only_post(client, bot):
    assert client.get(webhook_url(bot)).status_code == 405


@pytest.mark.parametrize(
    "signature",
    [
        "0" * 64,
        "",
        viber_sign(viber_bytes(fixture("message_text")), "another-bots-token"),
        "sha256=" + viber_sign(viber_bytes(fixture("message_text")), "test-viber-token"),
    ],
    ids=["forged", "empty", "other-token", "prefixed"],
)
def test_it_refuses_a_bad_signature_and_stores_nothing(client, bot, signature):
    response = post_callback(client, bot, fixture("message_text"), signature=signature)

    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()
    assert not Message.objects.exists()


def test_it_refuses_a_callback_without_a_signature_header(client, bot):
    body = viber_bytes(fixture("message_text"))

    response = client.post(webhook_url(bot), body, content_type="application/json")

    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


def test_a_signature_of_the_re_serialised_body_does_not_verify(client, bot):
    payload = fixture("message_text")
    # What a server that parsed and re-encoded the body would sign: other bytes.
    re_serialised = json.dumps(payload).encode()

    response = post_callback(
        client, bot, viber_bytes(payload), signature=viber_sign(re_serialised, "test-viber-token")
    )

    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


def test_a_bot_without_a_token_verifies_nothing(client, bot):
    bot.credentials = {}
    bot.save()
    body = viber_bytes(fixture("message_text"))

    response = post_callback(client, bot, body, signature=viber_sign(body, ""))

    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


def test_an_unknown_or_disabled_bot_is_not_found_and_nothing_is_stored(client, bot, world):
    body = viber_bytes(fixture("message_text"))
    headers = {"HTTP_X_VIBER_CONTENT_SIGNATURE": viber_sign(body, "test-viber-token")}
    unknown = webhook_url(bot).replace(str(bot.pk), str(bot.pk + 1000))
    # A Facebook Page's id in a Viber URL is not a bot either.
    page = webhook_url(bot).replace(str(bot.pk), str(world.acme.pk))

    assert client.post(unknown, body, content_type="application/json", **headers).status_code == 404
    assert client.post(page, body, content_type="application/json", **headers).status_code == 404
    bot.status = ChannelAccount.Status.DISABLED
    bot.save()
    assert post_callback(client, bot, body).status_code == 404
    assert not WebhookEvent.objects.exists()


def test_it_answers_400_to_malformed_json_and_records_it(client, bot):
    response = post_callback(client, bot, b'{"event": "message", "sender": {')

    assert response.status_code == 400
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.FAILED
    assert event.account == bot
    assert "malformed" in event.last_error


# --- messages -------------------------------------------------------------------------------


def test_a_customer_message_opens_a_direct_conversation_for_the_bots_team(client, bot, world):
    deliver(client, bot, "message_text")

    conversation = Conversation.objects.get()
    assert conversation.account == bot
    assert conversation.kind == Conversation.Kind.DIRECT
    assert conversation.thread_key == NIKOS
    assert conversation.team == world.support
    assert conversation.contact.name == "Νίκος Παπαδόπουλος"
    assert conversation.identity.profile == {"country": "GR", "language": "el", "subscribed": True}
    message = conversation.messages.get()
    assert message.direction == Message.Direction.IN
    assert message.external_id == "5741311803571721088"
    assert message.text == "Γεια σας! Πότε θα φτάσει το δέμα μου 55-2231;"
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PROCESSED


def test_a_duplicate_callback_gives_one_message(client, bot):
    # Viber re-sends the same message_token when we answer slowly.
    deliver(client, bot, "message_text", "message_text")

    assert WebhookEvent.objects.count() == 2
    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1


def test_media_and_other_message_types_arrive_with_their_attachment(client, bot):
    deliver(client, bot, "message_picture", "message_location", "message_contact")

    picture = Message.objects.get(external_id="5741311803571721101")
    assert picture.text == "Скрынка прыйшла пашкоджанай"
    assert [a["type"] for a in picture.attachments] == ["image"]
    location = Message.objects.get(external_id="5741311803571721107")
    assert location.attachments[0]["extra"] == {"lat": 53.9006, "long": 27.559}
    assert location.conversation == picture.conversation
    contact = Message.objects.get(external_id="5741311803571721105")
    assert contact.attachments[0]["extra"]["phone_number"] == "+79161234567"


def test_two_bots_each_verify_with_their_own_token(client, bot, kafe, world):
    payload = fixture("message_text")

    assert post_callback(client, kafe, payload).status_code == 200
    forged = viber_sign(viber_bytes(payload), "test-viber-token")
    assert post_callback(client, kafe, payload, signature=forged).status_code == 403

    conversation = Conversation.objects.get()
    assert conversation.account == kafe
    assert conversation.team == world.sales
    assert WebhookEvent.objects.get().account == kafe


# --- subscriptions --------------------------------------------------------------------------


def test_an_unsubscribed_customer_cannot_be_answered_until_they_write_again(client, bot, world):
    deliver(client, bot, "message_text", "unsubscribed")
    conversation = Conversation.objects.get()

    with pytest.raises(ReplyRefused, match="unsubscribed"):
        services.reply_create(conversation=conversation, author=world.alice, text="Ευχαριστούμε!")
    assert not conversation.messages.filter(direction=Message.Direction.OUT).exists()

    again = fixture("message_text")
    again["message_token"] = 5741311803571729001
    again["timestamp"] = 1772539100000
    again["message"] = {"type": "text", "text": "Συγγνώμη, πάτησα λάθος κουμπί."}
    assert post_callback(client, bot, again).status_code == 200

    conversation.refresh_from_db()
    assert conversation.identity.profile["subscribed"] is True
    assert services.reply_refusal(conversation=conversation, private=False) is None


def test_a_subscription_is_remembered_on_the_customer(client, bot):
    deliver(client, bot, "subscribed")

    [identity] = bot.identities.all()
    assert identity.external_id == NIKOS
    assert identity.name == "Νίκος Παπαδόπουλος"
    assert identity.profile["subscribed"] is True
    assert not Conversation.objects.exists()


# --- receipts -------------------------------------------------------------------------------


def test_delivered_and_seen_move_our_replies_forward(client, bot):
    deliver(client, bot, "message_text")
    reply = our_reply(DELIVERED_TOKEN, sent_ms=1772533600000)
    earlier = our_reply("5741311803571725500", sent_ms=1772533500000)
    later = our_reply("5741311803571725600", sent_ms=1772533800000)

    deliver(client, bot, "delivered")
    reply.refresh_from_db()
    earlier.refresh_from_db()
    assert reply.status == Message.Status.DELIVERED
    assert earlier.status == Message.Status.SENT

    deliver(client, bot, "seen")
    for message in (reply, earlier, later):
        message.refresh_from_db()
    # Seen once for everything unread: every earlier reply is read, a later one is not.
    assert reply.status == Message.Status.READ
    assert earlier.status == Message.Status.READ
    assert later.status == Message.Status.SENT


def test_a_delivered_receipt_after_seen_does_not_move_a_reply_back(client, bot):
    deliver(client, bot, "message_text")
    reply = our_reply(DELIVERED_TOKEN, sent_ms=1772533600000)

    deliver(client, bot, "seen", "delivered")

    reply.refresh_from_db()
    assert reply.status == Message.Status.READ


def test_failed_marks_our_reply_failed_with_vibers_reason(client, bot):
    deliver(client, bot, "message_text")
    reply = our_reply(FAILED_TOKEN, sent_ms=1772533600000)

    deliver(client, bot, "failed")

    reply.refresh_from_db()
    assert reply.status == Message.Status.FAILED
    assert reply.error == "failure description"


# --- conversation_started and the welcome message -------------------------------------------


def test_conversation_started_is_answered_with_the_welcome_in_the_users_language(client, bot):
    bot.options = {"welcome": WELCOME}
    bot.save()

    russian = post_callback(client, bot, fixture("conversation_started"))
    hebrew = post_callback(client, bot, fixture("conversation_started_no_context"))

    assert russian.status_code == 200
    assert russian.json() == {
        "sender": {"name": "Acme Support"},
        "type": "text",
        "text": "Здравствуйте, Ирина Смирнова! Это Acme Support, напишите ваш вопрос.",
        "tracking_data": "welcome",
    }
    assert hebrew.json()["text"] == "שלום נועה לוי! כאן Acme Support, כתבו לנו את שאלתכם."
    # Stored like every callback, but it opens no conversation.
    assert WebhookEvent.objects.filter(status=WebhookEvent.Status.SKIPPED).count() == 2
    assert not Conversation.objects.exists()
    # Opening the chat again does not greet them twice.
    again = post_callback(client, bot, fixture("conversation_started"))
    assert again.status_code == 200 and again.content == b""


def test_conversation_started_gets_an_empty_answer_without_a_welcome(client, bot):
    response = post_callback(client, bot, fixture("conversation_started"))

    assert response.status_code == 200
    assert response.content == b""
    assert WebhookEvent.objects.count() == 1


def test_a_forged_conversation_started_gets_no_welcome(client, bot):
    bot.options = {"welcome": WELCOME}
    bot.save()

    response = post_callback(client, bot, fixture("conversation_started"), signature="0" * 64)

    assert response.status_code == 403
    assert b"Acme" not in response.content
    assert not WebhookEvent.objects.exists()
