"""Replying on Viber through the real client and the fake Viber API over real HTTP."""

import pytest

from channels_viber.parse import parse
from inbox import services
from inbox.models import ChannelAccount, Conversation, Message
from tests.viber.helpers import connect_bot

USER = "01234567890A="


@pytest.fixture
def bot(world, fake_viber) -> ChannelAccount:
    # The fake's Acme bot, so the fake accepts its token.
    return connect_bot(world)


def message_callback(token: int, text: str, *, user: str = USER) -> dict:
    return {
        "event": "message",
        "timestamp": 1772533200456,
        "chat_hostname": "SN-CHAT-03_",
        "message_token": token,
        "sender": {"id": user, "name": "Αλεξάνδρα", "language": "el", "country": "GR"},
        "message": {"type": "text", "text": text},
    }


def ingest(bot: ChannelAccount, payload: dict) -> None:
    services.items_ingest(
        kind="viber", items=parse(payload, account_external_id=bot.external_id), account=bot
    )


def conversation() -> Conversation:
    return Conversation.objects.get(account__kind="viber", thread_key=USER)


def sent_payloads(fake_viber) -> list[dict]:
    return [c["body"] for c in fake_viber.calls() if c["method"] == "send_message"]


def reply(text: str, author=None) -> Message:
    message = services.reply_create(conversation=conversation(), author=author, text=text)
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    return message


def test_a_reply_goes_out_with_the_bots_name_and_its_token_is_kept(world, bot, fake_viber):
    ingest(bot, message_callback(5741311803571721088, "Πού είναι η παραγγελία μου;"))

    message = reply("Έρχεται αύριο.", author=world.alice)

    assert message.status == Message.Status.SENT
    [payload] = sent_payloads(fake_viber)
    assert payload["receiver"] == USER
    assert payload["sender"]["name"] == "Acme Support"
    assert payload["text"] == "Έρχεται αύριο."
    assert message.external_id.isdigit()


def test_the_agents_name_can_sign_the_sender(world, bot, fake_viber):
    bot.options = {"agent_name_as_sender": True}
    bot.save()
    world.alice.first_name = "Alice"
    world.alice.save()
    ingest(bot, message_callback(5741311803571721089, "Hi"))

    reply("Hello!", author=world.alice)

    [payload] = sent_payloads(fake_viber)
    assert payload["sender"]["name"] == "Alice · Acme Support"
    assert len(payload["sender"]["name"]) <= 28


def test_an_unsubscribed_customer_is_refused_before_sending(world, bot, fake_viber):
    ingest(bot, message_callback(5741311803571721090, "Hi"))
    ingest(
        bot,
        {
            "event": "unsubscribed",
            "timestamp": 1772539000000,
            "user_id": USER,
            "message_token": 5741311803571729999,
        },
    )

    with pytest.raises(services.ReplyRefused, match="unsubscribed"):
        services.reply_create(conversation=conversation(), author=None, text="Hello?")
    assert sent_payloads(fake_viber) == []
    # Writing again subscribes them again.
    ingest(bot, message_callback(5741311803571721091, "Back again"))
    assert reply("Welcome back").status == Message.Status.SENT


def test_rate_limits_are_retried(world, bot, fake_viber):
    ingest(bot, message_callback(5741311803571721092, "Hi"))
    fake_viber.app.fail("rate_limit")
    message = services.reply_create(conversation=conversation(), author=None, text="One moment")

    outcome = services.message_send(message_id=message.pk)

    assert outcome.retry_in
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert services.message_send(message_id=message.pk).sent


def test_a_refused_token_asks_for_a_reconnect(world, bot, fake_viber):
    ingest(bot, message_callback(5741311803571721093, "Hi"))
    fake_viber.app.fail("invalid_token")

    message = reply("Hello")

    bot.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert bot.status == ChannelAccount.Status.NEEDS_RECONNECT


def test_a_send_to_someone_who_left_fails_and_blocks_the_next_reply(world, bot, fake_viber):
    ingest(bot, message_callback(5741311803571721094, "Hi"))
    fake_viber.app.fail("not_subscribed")

    message = reply("Hello")

    assert message.status == Message.Status.FAILED
    assert "receiverNotSubscribed" in message.error
    with pytest.raises(services.ReplyRefused, match="unsubscribed"):
        services.reply_create(conversation=conversation(), author=None, text="Hello?")


def test_quick_answer_buttons_go_with_each_reply(world, bot, fake_viber):
    bot.options = {"reply_buttons": "Order status | Опенінг | 营业时间 | "}
    bot.save()
    ingest(bot, message_callback(5741311803571721095, "Hi"))

    reply("How can we help?")

    [payload] = sent_payloads(fake_viber)
    buttons = payload["keyboard"]["Buttons"]
    assert [b["Text"] for b in buttons] == ["Order status", "Опенінг", "营业时间"]
    assert all(b["ActionType"] == "reply" and b["ActionBody"] == b["Text"] for b in buttons)


def test_a_reply_can_carry_media_through_the_api(
    world, bot, fake_viber, django_capture_on_commit_callbacks
):
    ingest(bot, message_callback(5741311803571721096, "Can you send the invoice?"))
    api = world.api_for(world.alice)
    body = {
        "text": "Here it is:",
        "attachments": [
            {"type": "image", "url": "https://files.example.com/box.jpg"},
            {
                "type": "file",
                "url": "https://files.example.com/invoice.pdf",
                "name": "invoice.pdf",
                "size": 52311,
            },
        ],
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/conversations/{conversation().pk}/replies/",
            body,
            content_type="application/json",
        )

    assert response.status_code == 201, response.json()
    types = [(p["type"], p.get("media")) for p in sent_payloads(fake_viber)]
    assert types == [
        ("text", None),
        ("picture", "https://files.example.com/box.jpg"),
        ("file", "https://files.example.com/invoice.pdf"),
    ]
    message = Message.objects.get(pk=response.json()["id"])
    assert message.status == Message.Status.SENT
    assert [a["type"] for a in message.attachments] == ["image", "file"]


def test_media_replies_say_what_is_missing(world, bot, fake_viber):
    ingest(bot, message_callback(5741311803571721097, "Hi"))
    api = world.api_for(world.alice)
    url = f"/api/v1/conversations/{conversation().pk}/replies/"

    no_size = api.post(
        url,
        {
            "text": "",
            "attachments": [{"type": "file", "url": "https://x.example/a.pdf", "name": "a.pdf"}],
        },
        content_type="application/json",
    )
    not_https = api.post(
        url,
        {"text": "", "attachments": [{"type": "image", "url": "http://x.example/a.png"}]},
        content_type="application/json",
    )

    assert no_size.status_code == 400 and "size" in str(no_size.json())
    assert not_https.status_code == 400 and "https" in str(not_https.json())
    assert not Message.objects.filter(direction="out").exists()
