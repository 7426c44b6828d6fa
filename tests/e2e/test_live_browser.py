"""Live, together: what others do shows at once, in a real browser (headless Chromium).

The live server is WSGI (threads), so the stream is served by its sync generator; Celery
is eager, so a webhook is ingested, and a reply sent, inside the request that made it.
"""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from inbox.models import Conversation
from inbox.services import contacts as customers
from tests.e2e.browser import SCREENSHOTS, chromium_page, customer, log_in
from tests.helpers import message_event, sign, webhook_body

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def short_streams(settings):
    # A stream notices that its browser left when it next writes: soon, in tests.
    settings.SOCIALCARE_SSE_KEEPALIVE = 1


def post_webhook(live_server, *events) -> None:
    body = webhook_body(*events)
    response = requests.post(
        f"{live_server.url}/webhooks/testchannel/",
        data=body,
        headers={"Content-Type": "application/json", "X-Test-Signature": sign(body)},
        timeout=10,
    )
    assert response.status_code == 200


def open_inbox(page, live_server, url: str, username: str) -> None:
    from playwright.sync_api import expect

    log_in(page, live_server, url, username=username)
    expect(page.locator("#live")).to_have_attribute("data-stream", "open")


def test_a_webhook_shows_in_the_open_list_and_conversation_without_reload(live_server, world):
    from playwright.sync_api import expect

    maria = customer(world, "Maria Papadopoulou", "My parcel never arrived")
    now = int(time.time())

    with chromium_page() as page:
        open_inbox(page, live_server, f"/c/{maria.pk}/?folder=open", "alice")
        thread = page.get_by_role("list", name="Thread")
        rows = page.locator("#conversations > li.row")
        expect(rows).to_have_count(1)
        page.evaluate("window.stillThisPage = true")

        post_webhook(
            live_server,
            message_event(
                "live-1",
                thread=maria.thread_key,
                sender=maria.identity.external_id,
                name="Maria Papadopoulou",
                text="Is anyone there?",
                ts=now,
            ),
        )
        # The open conversation gets Maria's message, and her row says so.
        expect(thread).to_contain_text("Is anyone there?")
        expect(page.locator(f"#row-{maria.pk}")).to_contain_text("Is anyone there?")

        post_webhook(
            live_server,
            message_event(
                "live-2", thread="nikos", sender="nikos", name="Nikos", text="Γεια σας!", ts=now + 1
            ),
        )
        # A new customer's row goes on top of the list.
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("Nikos")
        expect(rows.first).to_contain_text("Γεια σας!")
        expect(page.get_by_role("link", name=re.compile(r"^All open\s+2$"))).to_be_visible()
        expect(page.locator("#live-announcer")).to_contain_text("New message from")

        # Bob tags Maria elsewhere: her panel here shows it.
        # (in a thread of its own: Playwright's loop makes this one look async to Django)
        with ThreadPoolExecutor(1) as pool:
            pool.submit(
                customers.contact_tag_add, contact=maria.contact, tag="wholesale", by=world.bob
            ).result()
        expect(page.locator("#customer-panel")).to_contain_text("wholesale")
        # All of it without a reload: the page is the one the test marked.
        assert page.evaluate("window.stillThisPage") is True

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "live.png"), full_page=True)


def test_two_agents_see_each_other_and_a_reply_while_typing_is_flagged(
    live_server, world, fake_platform
):
    from playwright.sync_api import expect

    ivan = customer(world, "Ivan", "Где мой заказ?")
    url = f"/c/{ivan.pk}/?folder=open"

    with chromium_page() as alice:
        bob = alice.context.browser.new_page(viewport={"width": 1280, "height": 800})
        bob.set_default_timeout(10_000)
        open_inbox(alice, live_server, url, "alice")
        open_inbox(bob, live_server, url, "bob")

        expect(bob.locator("#presence")).to_contain_text("Alice is viewing")
        expect(alice.locator("#presence")).to_contain_text("Bob is viewing")

        bob.get_by_label("Reply", exact=True).fill("Ivan, it ships today.")
        bob.get_by_label("Reply", exact=True).press("Space")
        expect(alice.locator("#presence")).to_contain_text("Bob is replying…")

        alice.get_by_label("Reply", exact=True).fill("Hello Ivan, let me check")
        bob.get_by_role("button", name="Send").click()

        warning = alice.get_by_role("alert").filter(has_text="replied while you were typing")
        expect(warning).to_have_text("Bob replied while you were typing. Read it before sending.")
        expect(alice.get_by_role("list", name="Thread")).to_contain_text("it ships today")
        # Alice's draft is still hers to change or send.
        expect(alice.get_by_label("Reply", exact=True)).to_have_value("Hello Ivan, let me check")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        alice.screenshot(path=str(SCREENSHOTS / "live-presence.png"), full_page=True)

        # Bob marks it done: Alice's header and list follow at once.
        bob.get_by_role("button", name="Done").click()
        expect(alice.get_by_role("button", name="Done")).to_have_attribute("aria-pressed", "true")
        expect(alice.locator(f"#row-{ivan.pk}")).to_have_count(0)
        expect(alice.get_by_label("Reply", exact=True)).to_have_value("Hello Ivan, let me check")

        # Bob leaves: Alice no longer sees him.
        bob.close()
        expect(alice.locator("#presence")).not_to_contain_text("Bob")

    ivan.refresh_from_db()
    assert ivan.status == Conversation.Status.DONE
