"""The composer in a real browser: canned responses, Ctrl+Enter, drafts, notes with @mentions,
and the canned responses page."""

import re

import pytest
import requests
from rest_framework.authtoken.models import Token

from inbox.models import CannedResponse, Conversation, Message, Note
from tests.e2e.browser import SCREENSHOTS, chromium_page, customer, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH_DELIVERY_STATES = """() => {
  window.deliveryStates = [];
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!node.querySelectorAll) continue;
        const found = node.matches(".delivery") ? [node] : node.querySelectorAll(".delivery");
        found.forEach((d) => window.deliveryStates.push(d.textContent.trim()));
      }
    }
  }).observe(document.body, {childList: true, subtree: true});
}"""


def test_alice_replies_with_a_canned_response_that_goes_from_queued_to_sent(
    live_server, world, fake_platform
):
    from playwright.sync_api import expect

    convo = customer(world, "Maria Papadopoulou", "Where is my parcel?")
    parcel = CannedResponse.objects.create(
        title="Parcel on its way",
        shortcut="parcel",
        body="Hi {customer_first_name}, your parcel is on its way. {agent_first_name}",
        team=world.support,
    )
    CannedResponse.objects.create(title="Thanks", shortcut="thanks", body="Thank you!")
    expected = "Hi Maria, your parcel is on its way. Alice"

    with chromium_page() as page:
        log_in(page, live_server, f"/c/{convo.pk}/?folder=open")
        reply = page.get_by_role("combobox", name="Reply")
        expect(page.get_by_role("tab", name="Reply")).to_have_attribute("aria-selected", "true")

        reply.press_sequentially("/par")
        suggestions = page.get_by_role("listbox", name="Canned responses")
        expect(suggestions).to_be_visible()
        option = suggestions.get_by_role("option", name=re.compile("Parcel on its way"))
        expect(option).to_have_attribute("aria-selected", "true")
        expect(reply).to_have_attribute("aria-expanded", "true")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "composer-canned.png"), full_page=True)

        reply.press("Enter")
        expect(reply).to_have_value(expected)
        expect(suggestions).to_be_hidden()
        expect(page.locator("[data-counter]")).to_have_text(f"{len(expected)} / 500")
        page.screenshot(path=str(SCREENSHOTS / "composer.png"), full_page=True)

        # The delivery states the thread shows, in order, however briefly each is there.
        page.evaluate(WATCH_DELIVERY_STATES)
        reply.press("Control+Enter")
        thread = page.get_by_role("list", name="Thread")
        sent = thread.get_by_role("listitem").filter(has_text="your parcel is on its way")
        # The send runs in the request (eager Celery) against the fake platform; the reply
        # shows at once as queued, then live as sent.
        expect(sent).to_contain_text("Sent")
        states = page.evaluate("window.deliveryStates")
        assert states[0] == "Queued" and states[-1] == "Sent", states
        # A fresh, empty box, ready for the next reply.
        expect(page.get_by_role("combobox", name="Reply")).to_have_value("")
        expect(page.get_by_role("combobox", name="Reply")).to_be_focused()

        page.reload()
        expect(sent).to_contain_text("Sent")
        # A sent reply leaves no draft behind.
        expect(page.get_by_role("combobox", name="Reply")).to_have_value("")

    assert fake_platform.sent_texts == [expected]
    parcel.refresh_from_db()
    assert parcel.usage_count == 1
    assert convo.messages.get(direction=Message.Direction.OUT).status == Message.Status.SENT


def test_a_typed_shortcut_and_a_space_expand_and_escape_closes_the_list(
    live_server, world, fake_platform
):
    from playwright.sync_api import expect

    convo = customer(world, "Ivan", "Hello?")
    CannedResponse.objects.create(title="Hi", shortcut="hi", body="Hello {customer_name}!")

    with chromium_page() as page:
        log_in(page, live_server, f"/c/{convo.pk}/?folder=open")
        reply = page.get_by_role("combobox", name="Reply")

        reply.press_sequentially("/h")
        expect(page.get_by_role("listbox", name="Canned responses")).to_be_visible()
        reply.press("Escape")
        expect(page.get_by_role("listbox", name="Canned responses")).to_be_hidden()
        expect(reply).to_have_value("/h")

        reply.press_sequentially("i ")
        expect(reply).to_have_value("Hello Ivan!")


def test_a_reply_by_bob_while_alice_types_waits_for_her_to_confirm(
    live_server, world, fake_platform
):
    from playwright.sync_api import expect

    convo = customer(world, "Maria", "Hello?")
    bobs_token = Token.objects.create(user=world.bob).key

    with chromium_page() as page:
        log_in(page, live_server, f"/c/{convo.pk}/?folder=open")
        reply = page.get_by_role("combobox", name="Reply")
        reply.fill("Hi Maria, Alice here")
        # Meanwhile Bob answers from his own client.
        answer = requests.post(
            f"{live_server.url}/api/v1/conversations/{convo.pk}/replies/",
            json={"text": "Hi Maria, Bob here"},
            headers={"Authorization": f"Token {bobs_token}"},
            timeout=10,
        )
        assert answer.status_code == 201

        reply.press("Control+Enter")

        warning = page.locator(".typed-over")
        expect(warning).to_contain_text("Bob replied while you were typing")
        expect(warning).to_contain_text("Hi Maria, Bob here")
        expect(page.get_by_role("combobox", name="Reply")).to_have_value("Hi Maria, Alice here")
        page.get_by_role("button", name="Send anyway").click()
        thread = page.get_by_role("list", name="Thread")
        expect(thread.get_by_role("listitem").filter(has_text="Alice here")).to_be_visible()

    assert fake_platform.sent_texts == ["Hi Maria, Bob here", "Hi Maria, Alice here"]


def test_drafts_survive_a_reload_one_for_the_reply_one_for_the_note(live_server, world):
    from playwright.sync_api import expect

    convo = customer(world, "Olga", "Any news?")

    with chromium_page() as page:
        log_in(page, live_server, f"/c/{convo.pk}/?folder=open")
        page.get_by_role("combobox", name="Reply").fill("Half a reply")
        page.get_by_role("tab", name="Note").click()
        note = page.get_by_role("combobox", name="Note")
        expect(note).to_be_focused()
        note.fill("Half a note")

        page.reload()

        expect(page.get_by_role("combobox", name="Reply")).to_have_value("Half a reply")
        page.get_by_role("tab", name="Note").click()
        expect(page.get_by_role("combobox", name="Note")).to_have_value("Half a note")


def test_the_sign_off_shows_and_counts_only_for_a_public_reply(live_server, world):
    from playwright.sync_api import expect

    convo = customer(world, "Dana", "Do you ship to Minsk?", kind=Conversation.Kind.COMMENT)

    with chromium_page() as page:
        log_in(page, live_server, f"/c/{convo.pk}/?folder=open")
        page.get_by_role("combobox", name="Reply").fill("Yes!")
        signed = page.get_by_text("Signed: — Alice")
        counter = page.locator("[data-counter]")
        expect(signed).to_be_visible()
        expect(counter).to_have_text("12 / 500")  # "Yes!", a line break and "— Alice"

        page.get_by_label("Reply privately").check()

        expect(signed).to_be_hidden()
        expect(counter).to_have_text("4 / 500")


def test_alice_notes_a_mention_and_bob_finds_it_in_his_mentions(live_server, world):
    from playwright.sync_api import expect

    convo = customer(world, "Maria Papadopoulou", "I was charged twice")

    with chromium_page() as page:
        log_in(page, live_server, f"/c/{convo.pk}/?folder=open")
        page.get_by_role("tab", name="Note").click()
        note = page.get_by_role("combobox", name="Note")
        note.press_sequentially("@bo")
        teammates = page.get_by_role("listbox", name="Teammates")
        expect(teammates.get_by_role("option", name=re.compile("@bob"))).to_be_visible()
        note.press("Tab")
        expect(note).to_have_value("@bob ")
        note.press_sequentially("can you refund the second charge?")
        page.screenshot(path=str(SCREENSHOTS / "composer-note.png"), full_page=True)
        page.get_by_role("button", name="Add note").click()

        thread = page.get_by_role("list", name="Thread")
        added = thread.get_by_role("listitem").filter(has_text="can you refund the second charge?")
        expect(added).to_contain_text("Internal note")
        expect(added).to_have_class(re.compile(r"\bnote\b"))
        expect(note).to_have_value("")

        # Bob, in his own browser session, has it in his Mentions folder.
        bobs = page.context.browser.new_context(viewport={"width": 1280, "height": 800})
        bob = bobs.new_page()
        log_in(bob, live_server, "/?folder=mentions", username="bob")
        expect(bob.get_by_role("link", name=re.compile("Maria Papadopoulou"))).to_be_visible()
        bob.get_by_role("link", name=re.compile("Maria Papadopoulou")).click()
        expect(bob.get_by_role("list", name="Thread")).to_contain_text("@bob can you refund")
        bobs.close()

    note = Note.objects.get(conversation=convo)
    assert list(note.mentions.values_list("username", flat=True)) == ["bob"]


def test_lena_writes_a_team_response_with_a_live_preview(live_server, world):
    from playwright.sync_api import expect

    CannedResponse.objects.create(
        title="Refunds",
        shortcut="refund",
        body="Refunds take 5 days.",
        team=world.support,
        usage_count=12,
    )

    with chromium_page() as page:
        log_in(page, live_server, "/canned/", username="lena")
        expect(page.get_by_role("heading", name="Canned responses")).to_be_visible()
        page.get_by_role("link", name="New canned response").click()

        page.get_by_label("Title").fill("Welcome back")
        page.get_by_label("Shortcut").fill("welcome")
        page.get_by_label("Text").fill("Hi {customer_first_name}, {agent_first_name} here.")
        expect(page.locator("#canned-preview")).to_have_text("Hi Maria, Lena here.")
        page.get_by_label("Who can use it").select_option(label="Support")
        page.get_by_role("button", name="Save").click()

        expect(page.get_by_role("status")).to_have_text("Saved /welcome.")
        page.get_by_label("Search").fill("refund")
        welcome = page.get_by_role("heading", name="Welcome back")
        expect(welcome).to_be_hidden()
        expect(page.get_by_text("Used 12 times")).to_be_visible()
        page.get_by_label("Search").fill("")
        expect(welcome).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "canned.png"), full_page=True)

    assert CannedResponse.objects.get(shortcut="welcome").team == world.support
