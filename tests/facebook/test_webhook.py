"""`/webhooks/facebook/`: Meta's handshake, its signature, and what agents then see.

Support works the Northwind Outdoor Page. Tasks run eagerly, so a POST is ingested by the
time it is answered.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from inbox.models import Conversation, Message, UnroutedEntry, WebhookEvent
from tests.facebook.helpers import WEBHOOK_URL, fb_sign, fixture, meta_bytes, post_webhook
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "104857600123456"
UNCONNECTED_PAGE = "104857600654321"
PSID = "6290011122233344"
OUR_MID = "m_Zy9xW8vU7tS6rQ5pO4nM3lK2"
TOP = "998877665544332_1122330000111122"
REPLY = "998877665544332_1122334455667788"
VERIFY_TOKEN = "s3cret-verify-7Q"


@pytest.fixture(autouse=True)
def facebook_app(settings):
    settings.FACEBOOK_APP_SECRET = "fb-app-secret-for-tests"
    settings.FACEBOOK_VERIFY_TOKEN = VERIFY_TOKEN
    settings.FACEBOOK_ENABLED = True
    # Nothing listens here: the profile and post look-ups after ingest fail at once and
    # fall back, and no test reaches the real Graph API.
    settings.FACEBOOK_GRAPH_URL = "http://127.0.0.1:9"


@pytest.fixture
def page(world):
    account = AccountFactory(
        kind="facebook",
        external_id=PAGE,
        name="Northwind Outdoor",
        credentials={"page_id": PAGE, "access_token": "EAAGpage-token"},
    )
    account.teams.add(world.support)
    return account


def ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def deliver(client, *names: str) -> None:
    for name in names:
        assert post_webhook(client, fixture(name)).status_code == 200, name


def our_reply(*, mid: str = OUR_MID, sent_ms: int = 1785312499000) -> Message:
    """A reply an agent sent through the inbox, as sending leaves it: sent, with the mid."""
    conversation = Conversation.objects.get(thread_key=PSID)
    return Message.objects.create(
        conversation=conversation,
        account=conversation.account,
        direction=Message.Direction.OUT,
        text="Yes, size M arrives Friday.",
        external_id=mid,
        status=Message.Status.SENT,
        sent_at=ms(sent_ms),
        platform_timestamp=ms(sent_ms),
    )


# --- handshake ---------------------------------------------------------------------------


def handshake(client, **overrides):
    query = {"hub.mode": "subscribe", "hub.challenge": "1583020944"}
    query["hub.verify_token"] = VERIFY_TOKEN
    return client.get(WEBHOOK_URL, {**query, **overrides})


def test_it_answers_the_handshake_with_the_raw_challenge(client):
    response = handshake(client)

    assert response.status_code == 200
    assert response.content == b"1583020944"
    assert response["Content-Type"].startswith("text/plain")


def test_it_refuses_the_handshake_with_a_wrong_verify_token(client):
    assert handshake(client, **{"hub.verify_token": "guess"}).status_code == 403


def test_it_refuses_the_handshake_in_another_mode(client):
    assert handshake(client, **{"hub.mode": "unsubscribe"}).status_code == 403


def test_it_allows_only_get_and_post(client):
    assert client.put(WEBHOOK_URL, b"{}").status_code == 405


def test_when_facebook_is_not_configured_it_refuses_and_stores_nothing(client, page, settings):
    settings.FACEBOOK_ENABLED = False

    response = post_webhook(client, fixture("message_text"))

    assert response.status_code == 403
    assert b"Facebook channel is not configured" in response.content
    assert handshake(client).status_code == 403
    assert not WebhookEvent.objects.exists()


# --- signature ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "signature", ["sha256=" + "0" * 64, "", "0" * 64], ids=["forged", "empty", "no-prefix"]
)
def test_it_refuses_a_bad_signature_and_stores_nothing(client, page, signature):
    response = post_webhook(client, fixture("message_text"), signature=signature)

    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()
    assert not Message.objects.exists()


def test_it_refuses_a_post_without_a_signature_header(client, page):
    body = meta_bytes(fixture("message_text"))

    response = client.post(WEBHOOK_URL, body, content_type="application/json")

    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


def test_a_signature_of_the_re_serialised_body_does_not_verify(client, page):
    payload = fixture("ratings_negative")
    # What a server that parsed and re-encoded the body would sign: other bytes.
    re_serialised = json.dumps(payload, ensure_ascii=False).encode()

    response = post_webhook(client, meta_bytes(payload), signature=fb_sign(re_serialised))

    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


def test_a_body_with_escaped_non_ascii_verifies_on_its_exact_bytes(client, page):
    body = meta_bytes(fixture("ratings_negative"))
    assert b"\\u0397" in body and "Η".encode() not in body

    response = post_webhook(client, body)

    assert response.status_code == 200
    assert Message.objects.get().text == "Η παράδοση άργησε τρεις εβδομάδες."


def test_the_legacy_sha1_signature_counts_only_without_the_sha256_one(client, page, settings):
    body = meta_bytes(fixture("message_text"))
    sha1 = "sha1=" + hmac.new(settings.FACEBOOK_APP_SECRET.encode(), body, hashlib.sha1).hexdigest()

    alone = client.post(
        WEBHOOK_URL, body, content_type="application/json", HTTP_X_HUB_SIGNATURE=sha1
    )
    with_a_bad_sha256 = client.post(
        WEBHOOK_URL,
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE=sha1,
        HTTP_X_HUB_SIGNATURE_256="sha256=" + "0" * 64,
    )

    assert alone.status_code == 200
    assert with_a_bad_sha256.status_code == 403
    assert WebhookEvent.objects.count() == 1


def test_it_answers_400_to_malformed_json_and_records_it(client, page):
    response = post_webhook(client, b'{"object": "page", "entry": [')

    assert response.status_code == 400
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.FAILED
    assert "malformed" in event.last_error


# --- batches and duplicates --------------------------------------------------------------


def test_a_batch_creates_every_conversation_and_counts_the_unconnected_pages_entries(client, page):
    response = post_webhook(client, fixture("batch"))

    assert response.status_code == 200
    threads = {c.thread_key: c for c in Conversation.objects.filter(account=page)}
    assert set(threads) == {
        "6290011122230001",
        "6290011122230002",
        "998877665544400_1122330000400001",
        "review:3344556677000005",
    }
    assert {m.text for m in Message.objects.all()} == {
        "Γεια σας! Πότε θα έρθει η παραγγελία μου;",
        "Добры дзень! Ці ёсць гэтыя чаравікі 44 памеру?",
        "Когда палатки снова будут в продаже?",
        "服务很好，发货很快！",
    }
    assert threads["998877665544400_1122330000400001"].contact.name == "Ирина Смирнова"
    assert all(c.team == page.teams.get() for c in threads.values())
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.skipped_items == 2
    unrouted = UnroutedEntry.objects.get(kind="facebook", account_external_id=UNCONNECTED_PAGE)
    assert unrouted.count == 2


def test_a_duplicate_delivery_gives_one_message(client, page):
    deliver(client, "message_text", "message_text")

    assert WebhookEvent.objects.count() == 2
    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1


def test_a_customer_message_opens_a_direct_conversation_for_the_pages_team(client, page, world):
    deliver(client, "message_quick_reply")

    conversation = Conversation.objects.get()
    assert conversation.kind == Conversation.Kind.DIRECT
    assert conversation.thread_key == PSID
    assert conversation.team == world.support
    message = conversation.messages.get()
    assert message.direction == Message.Direction.IN
    assert message.extra["quick_reply"] == "STOCK_QUESTION"


def test_events_nothing_handles_are_stored_and_counted_as_skipped(client, page):
    deliver(client, "optin", "instagram_object")

    events = list(WebhookEvent.objects.order_by("pk"))
    assert [e.status for e in events] == [WebhookEvent.Status.SKIPPED] * 2
    assert [e.skipped_items for e in events] == [1, 1]
    assert "'optin'" in events[0].last_error
    assert not Message.objects.exists()


# --- echoes and receipts -----------------------------------------------------------------


def test_an_echo_of_our_own_reply_is_not_shown_twice(client, page):
    deliver(client, "message_text")
    reply = our_reply()

    deliver(client, "echo_own")

    conversation = Conversation.objects.get()
    assert conversation.messages.filter(external_id=OUR_MID).get() == reply
    assert conversation.messages.count() == 2
    reply.refresh_from_db()
    assert not reply.sent_elsewhere


def test_a_reply_sent_from_another_tool_shows_as_sent_elsewhere(client, page):
    deliver(client, "message_text", "echo_other_app")

    conversation = Conversation.objects.get()
    echo = conversation.messages.get(external_id="m_Ec1hO2tH3eR4aP5p")
    assert echo.direction == Message.Direction.OUT
    assert echo.sent_elsewhere
    assert echo.text == "We are open until 6 pm today."
    assert echo.extra == {"app_id": "263902037430900"}
    # Answered elsewhere: nobody is waiting for us any more.
    assert conversation.waiting_since is None


def test_delivery_and_read_receipts_move_our_reply_forward(client, page):
    deliver(client, "message_text")
    reply = our_reply()
    later = our_reply(mid="m_LaTeR1", sent_ms=1785312750000)

    deliver(client, "delivery")
    reply.refresh_from_db()
    assert reply.status == Message.Status.DELIVERED

    deliver(client, "read")
    reply.refresh_from_db()
    later.refresh_from_db()
    assert reply.status == Message.Status.READ
    # Sent after the read watermark: not read yet.
    assert later.status == Message.Status.SENT


# --- comments and reviews ----------------------------------------------------------------


def test_a_comment_and_its_replies_nest_in_one_conversation(client, page):
    deliver(client, "feed_comment_add", "feed_comment_reply", "feed_page_comment_reply")

    conversation = Conversation.objects.get()
    assert conversation.kind == Conversation.Kind.COMMENT
    assert conversation.thread_key == TOP
    assert conversation.context["post_id"] == f"{PAGE}_998877665544332"
    assert conversation.contact.name == "Dana Kowalski"
    rows = list(
        conversation.messages.order_by("platform_timestamp").values_list(
            "external_id", "parent_external_id", "direction", "public"
        )
    )
    assert rows == [
        (TOP, "", "in", True),
        (REPLY, TOP, "in", True),
        ("998877665544332_1122339999000011", TOP, "out", True),
    ]


def test_a_review_and_its_comment_make_a_review_conversation(client, page):
    deliver(client, "ratings_negative", "ratings_comment")

    conversation = Conversation.objects.get()
    assert conversation.kind == Conversation.Kind.REVIEW
    assert conversation.thread_key == "review:3344556677889900"
    assert conversation.context["recommendation_type"] == "negative"
    assert conversation.contact.name == "Νίκος Παπαδόπουλος"
    review, comment = conversation.messages.order_by("platform_timestamp")
    assert (review.kind, review.text) == ("review", "Η παράδοση άργησε τρεις εβδομάδες.")
    assert (comment.kind, comment.parent_external_id) == ("comment", "3344556677889900")


# --- edits, removals, hiding and reactions -------------------------------------------------


def test_an_edited_message_keeps_its_earlier_text(client, page):
    deliver(client, "message_text", "message_edit")

    message = Message.objects.get()
    assert message.text == "Is the navy one back in stock?"
    assert [e["text"] for e in message.edits] == ["Is the blue one back in stock?"]


def test_comment_edits_removals_and_hiding_show_on_the_comment(client, page):
    deliver(client, "feed_comment_add", "feed_comment_reply", "feed_comment_edited")
    reply = Message.objects.get(external_id=REPLY)
    assert reply.text == "Still waiting for my refund, order #5531. Any news?"
    assert reply.edits[0]["text"] == "Still waiting for my refund, order #5531"

    deliver(client, "feed_comment_hide")
    reply.refresh_from_db()
    assert reply.hidden

    deliver(client, "feed_comment_unhide")
    reply.refresh_from_db()
    assert not reply.hidden

    deliver(client, "feed_comment_remove")
    reply.refresh_from_db()
    assert reply.removed_at == datetime.fromtimestamp(1785320300, tz=UTC)
    assert Message.objects.count() == 2


def test_a_reaction_annotates_the_message_and_unreact_takes_it_back(client, page):
    deliver(client, "message_text")
    reply = our_reply()

    deliver(client, "reaction")
    reply.refresh_from_db()
    assert reply.reactions == [{"sender": PSID, "reaction": "love", "emoji": "\u2764\ufe0f"}]

    deliver(client, "unreact")
    reply.refresh_from_db()
    assert reply.reactions == []
    assert Message.objects.count() == 2
