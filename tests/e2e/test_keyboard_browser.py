"""Alice works the inbox from the keyboard (Debian's Chromium, headless)."""

import re

import pytest

from inbox.models import Conversation
from tests.e2e.browser import SCREENSHOTS, chromium_page, customer, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_alice_moves_opens_answers_and_closes_a_conversation_with_keys(live_server, world):
    from playwright.sync_api import expect

    for name in ("Anna", "Boris", "Chen"):
        customer(world, name, f"A question from {name}")

    with chromium_page() as page:
        log_in(page, live_server)
        rows = page.locator("#conversations li.row")
        expect(rows).to_have_count(3)
        page.wait_for_load_state()  # keys.js is deferred
        links = [rows.nth(n).locator("a").first for n in range(3)]

        page.keyboard.press("j")
        expect(links[0]).to_be_focused()
        page.keyboard.press("j")
        page.keyboard.press("j")
        expect(links[2]).to_be_focused()
        page.keyboard.press("k")
        expect(links[1]).to_be_focused()
        expect(rows.nth(1)).to_have_class(re.compile(r"\bis-selected\b"))
        chosen = rows.nth(1).get_attribute("data-conversation-id")

        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(rf"/c/{chosen}/"))
        expect(page.locator("#conversation-pane")).to_have_attribute("data-conversation-id", chosen)

        focused_before = page.evaluate("document.activeElement.outerHTML")
        page.keyboard.press("?")
        shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
        expect(shortcuts).to_be_visible()
        expect(shortcuts).to_contain_text("Mark done")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "inbox-shortcuts.png"))
        page.keyboard.press("Escape")
        expect(shortcuts).to_be_hidden()
        assert page.evaluate("document.activeElement.outerHTML") == focused_before

        # The same list for a mouse user, and focus goes back to the button that opened it
        button = page.get_by_role("button", name="Keyboard shortcuts")
        button.click()
        expect(shortcuts).to_be_visible()
        shortcuts.get_by_role("button", name="Close").click()
        expect(shortcuts).to_be_hidden()
        # (by what it is: live folder counts may have redrawn the button meanwhile)
        page.wait_for_function("document.activeElement.hasAttribute('data-show-shortcuts')")

        page.keyboard.press("n")
        note = page.locator("#note-form textarea")
        expect(note).to_be_focused()
        expect(note).to_have_value("")
        page.evaluate("document.activeElement.blur()")

        page.keyboard.press("r")
        reply = page.locator("#reply-form textarea")
        expect(reply).to_be_focused()
        expect(reply).to_have_value("")  # the "r" opened the box, it was not typed into it
        page.keyboard.type("just typing: jk e f")
        expect(reply).to_have_value("just typing: jk e f")
        expect(page).to_have_url(re.compile(rf"/c/{chosen}/"))
        reply.fill("")

        page.evaluate("document.activeElement.blur()")
        page.keyboard.press("/")
        expect(page.locator("#search")).to_be_focused()
        page.evaluate("document.activeElement.blur()")

        with page.expect_response(re.compile(rf"/c/{chosen}/status/")) as answer:
            page.keyboard.press("e")
        assert answer.value.ok

    assert Conversation.objects.get(pk=chosen).status == Conversation.Status.DONE
