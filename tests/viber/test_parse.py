"""Viber callbacks -> inbound items: one test per fixture, items asserted exactly.

Pure: no database, no HTTP.
"""

from datetime import UTC, datetime

import pytest

from channels_viber.parse import conversation_started_user, parse
from inbox.items import (
    Attachment,
    DeliveryUpdate,
    InboundMessage,
    Person,
    Skipped,
    SubscriptionChange,
)
from tests.viber.helpers import FIXTURES, fixture, fixture_names

BOT = "pa:5840000000000000001"
MEDIA = "https://dl-media.viber.com/1/share/2/long/bots/generic-message/media"
THUMB = "https://dl-media.viber.com/1/share/2/long/bots/generic-message/thumb"
PHOTO = "https://media-direct.cdn.viber.com/download_photo?dlid="
NIKOS = "Gq7vNw2ZkP9sXe4LtR1yBA=="
ALES = "Bm4rTq8WcX1vLz6NpY3sKA=="
NOA = "Hx2pLd9QvM5tRk8WzC7nEA=="
IRINA = "Rk5sWv3NbT8yQm1LxP6dGA=="
WEI = "Wz8cKt4PmR2vNx7QsL5hJA=="


def ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def sender(user_id: str, name: str, country: str, language: str, photo: str = "") -> Person:
    """A message's sender: writing to the bot subscribes them."""
    return Person(
        external_id=user_id,
        name=name,
        avatar_url=f"{PHOTO}{photo}&fltp=jpg" if photo else "",
        profile={"country": country, "language": language, "subscribed": True},
    )


NIKOS_SENDER = sender(NIKOS, "Νίκος Παπαδόπουλος", "GR", "el", "nikos01")
ALES_SENDER = sender(ALES, "Алесь Каваленка", "BY", "be", "ales02")
WEI_SENDER = sender(WEI, "王伟", "CN", "zh-CN")


def message(token: int, at: int, who: Person, text: str = "", **fields) -> InboundMessage:
    """A customer's message in the one-to-one thread of their Viber id."""
    return InboundMessage(
        account_external_id=BOT,
        thread_key=who.external_id,
        conversation_kind="direct",
        external_id=str(token),
        sender=who,
        timestamp=ms(at),
        text=text,
        **fields,
    )


def read(name: str):
    return parse(fixture(name), account_external_id=BOT)


# --- messages ------------------------------------------------------------------------------


def test_message_text():
    assert read("message_text") == [
        message(
            5741311803571721088,
            1772533200456,
            NIKOS_SENDER,
            "Γεια σας! Πότε θα φτάσει το δέμα μου 55-2231;",
            extra={"tracking_data": "welcome"},
        )
    ]


def test_message_picture_keeps_its_caption_as_the_text():
    assert read("message_picture") == [
        message(
            5741311803571721101,
            1772533260000,
            ALES_SENDER,
            "Скрынка прыйшла пашкоджанай",
            attachments=(
                Attachment(
                    "image",
                    url=f"{MEDIA}/7f3a9c.jpg",
                    name="IMG_2031.jpg",
                    extra={"thumbnail": f"{THUMB}/7f3a9c.jpg", "file_size": 182344},
                ),
            ),
        )
    ]


def test_message_video():
    noa = sender(NOA, "נועה לוי", "IL", "he", "noa03")

    assert read("message_video") == [
        message(
            5741311803571721102,
            1772533320000,
            noa,
            "ככה זה הגיע",
            attachments=(
                Attachment(
                    "video",
                    url=f"{MEDIA}/b81e2d.mp4",
                    extra={
                        "thumbnail": f"{THUMB}/b81e2d.jpg",
                        "file_size": 4823019,
                        "duration": 14,
                    },
                ),
            ),
        )
    ]


def test_message_file_of_a_sender_without_a_photo():
    assert read("message_file") == [
        message(
            5741311803571721103,
            1772533380000,
            WEI_SENDER,
            attachments=(
                Attachment(
                    "file",
                    url=f"{MEDIA}/c45f10.pdf",
                    name="发票-55-2231.pdf",
                    extra={"file_size": 52311},
                ),
            ),
        )
    ]


def test_message_sticker():
    assert read("message_sticker") == [
        message(
            5741311803571721104,
            1772533440000,
            NIKOS_SENDER,
            attachments=(
                Attachment(
                    "sticker",
                    url="https://viber.com/sticker/40133.png",
                    extra={"sticker_id": "40133"},
                ),
            ),
        )
    ]


def test_message_contact():
    irina = sender(IRINA, "Ирина Смирнова", "RU", "ru", "irina04")

    assert read("message_contact") == [
        message(
            5741311803571721105,
            1772533500000,
            irina,
            attachments=(
                Attachment(
                    "contact",
                    name="Анна Петрова",
                    extra={"name": "Анна Петрова", "phone_number": "+79161234567"},
                ),
            ),
        )
    ]


def test_message_url():
    assert read("message_url") == [
        message(
            5741311803571721106,
            1772533560000,
            WEI_SENDER,
            attachments=(
                Attachment(
                    "fallback",
                    url="https://shop.example.com/zh/orders/55-2231",
                    extra={"title": ""},
                ),
            ),
        )
    ]


def test_message_location():
    assert read("message_location") == [
        message(
            5741311803571721107,
            1772533620000,
            ALES_SENDER,
            attachments=(Attachment("location", extra={"lat": 53.9006, "long": 27.559}),),
        )
    ]


def test_a_message_type_nothing_knows_is_kept_raw_as_unsupported():
    payload = fixture("message_text")
    payload["message"] = {"type": "rich_media", "rich_media": {"Type": "rich_media"}}

    [item] = parse(payload, account_external_id=BOT)

    assert item.attachments == (Attachment("unsupported", extra={"raw": payload["message"]}),)


# --- subscriptions -------------------------------------------------------------------------


def test_subscribed():
    assert read("subscribed") == [
        SubscriptionChange(
            account_external_id=BOT,
            person=Person(
                external_id=NIKOS,
                name="Νίκος Παπαδόπουλος",
                avatar_url=f"{PHOTO}nikos01&fltp=jpg",
                profile={"country": "GR", "language": "el"},
            ),
            subscribed=True,
            timestamp=ms(1772532950000),
        )
    ]


def test_unsubscribed():
    assert read("unsubscribed") == [
        SubscriptionChange(
            account_external_id=BOT,
            person=Person(external_id=NIKOS),
            subscribed=False,
            timestamp=ms(1772539000000),
        )
    ]


# --- conversation_started and the webhook check ----------------------------------------------


def test_conversation_started_is_skipped_the_view_answers_it():
    [item] = read("conversation_started")

    assert isinstance(item, Skipped)
    assert item.account_external_id == BOT
    assert "conversation_started" in item.reason
    assert conversation_started_user(fixture("conversation_started"))["language"] == "ru"


def test_conversation_started_no_context():
    [item] = read("conversation_started_no_context")

    assert isinstance(item, Skipped)
    assert conversation_started_user(fixture("conversation_started_no_context"))["id"] == NOA


def test_only_conversation_started_has_a_user_to_welcome():
    assert conversation_started_user(fixture("subscribed")) is None
    assert conversation_started_user([]) is None


def test_webhook():
    assert read("webhook") == [Skipped("viber webhook check: nothing to ingest", BOT)]


# --- receipts ------------------------------------------------------------------------------


def test_delivered():
    assert read("delivered") == [
        DeliveryUpdate(
            account_external_id=BOT,
            status="delivered",
            external_ids=("5741311803571725555",),
            thread_key=NIKOS,
        )
    ]


def test_seen_covers_everything_before_it():
    assert read("seen") == [
        DeliveryUpdate(
            account_external_id=BOT,
            status="read",
            watermark=ms(1772533710000),
            thread_key=NIKOS,
        )
    ]


def test_failed():
    assert read("failed") == [
        DeliveryUpdate(
            account_external_id=BOT,
            status="failed",
            external_ids=("5741311803571725556",),
            thread_key=NIKOS,
            reason="failure description",
        )
    ]


# --- what is not a callback ------------------------------------------------------------------


def test_an_unknown_event_is_skipped_by_name():
    assert parse({"event": "client_status", "timestamp": 1}, account_external_id=BOT) == [
        Skipped("viber event 'client_status' is not handled", BOT)
    ]


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ([], "JSON object"),
        ("message", "JSON object"),
        ({"timestamp": 1772533200456}, "no 'event'"),
        ({"event": ""}, "no 'event'"),
    ],
)
def test_a_body_that_is_not_a_callback_raises_naming_the_problem(payload, problem):
    with pytest.raises(ValueError, match=problem):
        parse(payload, account_external_id=BOT)


@pytest.mark.parametrize(
    ("name", "drop", "problem"),
    [
        ("message_text", "sender", "missing 'sender'"),
        ("message_text", "message_token", "no 'message_token'"),
        ("message_text", "timestamp", "missing 'timestamp'"),
        ("seen", "user_id", "no 'user_id'"),
        ("subscribed", "user", "missing 'user'"),
    ],
)
def test_a_callback_missing_what_it_needs_raises_naming_it(name, drop, problem):
    payload = fixture(name)
    del payload[drop]

    with pytest.raises(ValueError, match=problem):
        parse(payload, account_external_id=BOT)


def test_every_fixture_has_a_test():
    source = (FIXTURES.parent / "test_parse.py").read_text(encoding="utf-8")

    unused = [name for name in fixture_names() if f'"{name}"' not in source]

    assert unused == []
