"""A message delivered late goes where the customer wrote it in the open thread, live.

The platform delivers Maria's messages out of order; Alice has her conversation open. A
message written before the last one on screen is inserted above it (not appended at the
end), a newer one goes at the end, and Bob's note keeps its own time among them.
"""

import time
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from inbox import services
from inbox.models import Message
from tests.e2e.browser import chromium_page, customer, log_in
from tests.factories import MessageFactory
from tests.helpers import message_event, sign, webhook_body

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def short_streams(settings):
    # A stream notices that its browser left when it next writes: soon, in tests.
    settings.SOCIALCARE_SSE_KEEPALIVE = 1


def deliver(live_server, convo, external_id: str, text: str, ts: int) -> None:
    body = webhook_body(
        message_event(
            external_id,
            thread=convo.thread_key,
            sender=convo.identity.external_id,
            name="Maria",
            text=text,
            ts=ts,
        )
    )
    response = requests.post(
        f"{live_server.url}/webhooks/testchannel/",
        data=body,
        headers={"Content-Type": "application/json", "X-Test-Signature": sign(body)},
        timeout=10,
    )
    assert response.status_code == 200


def test_a_late_message_is_inserted_where_it_was_written(live_server, world):
    from playwright.sync_api import expect

    now = timezone.now()
    maria = customer(world, "Maria", "Hello")
    Message.objects.filter(conversation=maria).update(platform_timestamp=now - timedelta(minutes=9))
    MessageFactory(
        conversation=maria, text="It has not arrived", platform_timestamp=now - timedelta(minutes=2)
    )
    services.note_create(conversation=maria, author=world.bob, text="Ask the warehouse")
    written = int(now.timestamp())

    with chromium_page() as page:
        log_in(page, live_server, f"/c/{maria.pk}/?folder=open")
        expect(page.locator("#live")).to_have_attribute("data-stream", "open")
        entries = page.locator("#thread > li .text")
        expect(entries).to_have_text(["Hello", "It has not arrived", "Ask the warehouse"])
        page.evaluate("window.stillThisPage = true")

        deliver(live_server, maria, "late", "I ordered a blue jacket", written - 5 * 60)
        expect(entries).to_have_text(
            ["Hello", "I ordered a blue jacket", "It has not arrived", "Ask the warehouse"]
        )

        # Written after Bob's note: at the end.
        deliver(live_server, maria, "new", "Anyone there?", int(time.time()) + 5)
        expect(entries).to_have_text(
            [
                "Hello",
                "I ordered a blue jacket",
                "It has not arrived",
                "Ask the warehouse",
                "Anyone there?",
            ]
        )
        assert page.evaluate("window.stillThisPage") is True


def test_the_list_keeps_a_row_in_its_place_for_a_message_written_earlier(live_server, world):
    from playwright.sync_api import expect

    now = timezone.now()
    maria = customer(world, "Maria", "Where is it?", last_activity_at=now - timedelta(minutes=2))
    customer(world, "Nikos", "Γεια σας", last_activity_at=now - timedelta(minutes=1))
    ivan = customer(
        world, "Ivan", "Спасибо", status="done", last_activity_at=now - timedelta(minutes=30)
    )

    with chromium_page() as page:
        log_in(page, live_server, "/?folder=open")
        expect(page.locator("#live")).to_have_attribute("data-stream", "open")
        names = page.locator("#conversations > li.row .name")
        expect(names).to_have_text(["Nikos", "Maria"])

        # Written before everything on screen: Maria's row stays below Nikos's.
        deliver(
            live_server, maria, "late", "Hello?", int((now - timedelta(minutes=10)).timestamp())
        )
        expect(page.locator("#live-announcer")).to_contain_text("New message from")
        # Ivan's done conversation reopens with a message written 90 seconds ago: it goes
        # where that time puts it, between Nikos (a minute ago) and Maria (two).
        deliver(
            live_server, ivan, "again", "Ещё вопрос", int((now - timedelta(seconds=90)).timestamp())
        )
        expect(names).to_have_text(["Nikos", "Ivan", "Maria"])
