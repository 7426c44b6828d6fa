"""Alice's first minutes in the inbox, in a real browser (Debian's Chromium, headless)."""

import re

import pytest

from inbox.models import Conversation, Message
from tests.e2e.browser import SCREENSHOTS, chromium_page, customer, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_alice_answers_a_customer_and_marks_the_conversation_done(
    live_server, world, fake_platform
):
    from playwright.sync_api import expect

    convo = customer(world, "Maria Papadopoulou", "My parcel never arrived")

    with chromium_page() as page:
        log_in(page, live_server)
        expect(page.get_by_role("heading", name="Open")).to_be_visible()
        expect(page.get_by_text("Choose a conversation")).to_be_visible()

        page.get_by_role("link", name=re.compile("Maria Papadopoulou")).click()
        expect(page.get_by_role("heading", name="Maria Papadopoulou")).to_be_visible()
        expect(page).to_have_url(re.compile(rf"/c/{convo.pk}/\?folder=open$"))
        thread = page.get_by_role("list", name="Thread")
        expect(thread).to_contain_text("My parcel never arrived")

        page.get_by_label("Reply", exact=True).fill("Sorry, Maria! A new parcel is on its way.")
        page.get_by_role("button", name="Send").click()

        sent = thread.get_by_role("listitem").filter(has_text="A new parcel is on its way")
        # Shown at once; the send runs in the request here (eager Celery), so the live
        # status update may already have turned it "Sent". Never twice.
        expect(sent).to_contain_text(re.compile("Queued|Sent"))
        expect(sent).to_have_count(1)
        expect(page.get_by_label("Reply", exact=True)).to_have_value("")

        # The send ran in the request (eager Celery) against the fake platform.
        page.reload()
        expect(sent).to_contain_text("Sent")
        assert fake_platform.sent_texts == ["Sorry, Maria! A new parcel is on its way."]

        # Done moves on; this was the folder's last conversation.
        page.get_by_role("button", name="Done").click()
        expect(page.get_by_role("heading", name="All done in this folder")).to_be_focused()
        expect(page.get_by_role("link", name=re.compile(r"^All open\s+0$"))).to_be_visible()

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "inbox.png"), full_page=True)

    convo.refresh_from_db()
    assert convo.status == Conversation.Status.DONE
    assert convo.messages.get(direction=Message.Direction.OUT).status == Message.Status.SENT


def test_reload_and_back_keep_the_folder_and_the_open_conversation(live_server, world):
    from playwright.sync_api import expect

    convo = customer(world, "Ivan", "Any news?", status=Conversation.Status.FOLLOW_UP)

    with chromium_page() as page:
        log_in(page, live_server, "/?folder=follow_up")
        expect(page.get_by_role("heading", name="Follow-up")).to_be_visible()

        page.get_by_role("link", name=re.compile("Ivan")).click()
        expect(page).to_have_url(re.compile(rf"/c/{convo.pk}/\?folder=follow_up$"))

        page.reload()
        expect(page.get_by_role("heading", name="Ivan")).to_be_visible()
        expect(page.get_by_role("heading", name="Follow-up")).to_be_visible()

        page.go_back()
        expect(page).to_have_url(re.compile(r"/\?folder=follow_up$"))
        expect(page.get_by_text("Choose a conversation")).to_be_visible()
