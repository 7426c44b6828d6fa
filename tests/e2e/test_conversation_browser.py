"""The conversation pane in a real browser: Lena assigns to Bob; Alice marks done and
lands on the next conversation, until the folder is all done."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.models import Conversation, Message
from tests.e2e.browser import SCREENSHOTS, chromium_page, customer, log_in
from tests.factories import LabelFactory, MessageFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_lena_assigns_a_comment_thread_to_bob(live_server, world):
    from playwright.sync_api import expect

    convo = customer(
        world,
        "Maria Papadopoulou",
        "Is the blue one in stock?",
        kind=Conversation.Kind.COMMENT,
        context={"text": "Our summer sale starts today", "permalink": "https://example.com/p/1"},
    )
    first = convo.messages.get()
    Message.objects.filter(pk=first.pk).update(
        kind=Message.Kind.COMMENT,
        public=True,
        platform_timestamp=timezone.now() - timedelta(minutes=9),
    )
    MessageFactory(
        conversation=convo,
        kind=Message.Kind.COMMENT,
        public=True,
        parent_external_id=first.external_id,
        text="Καλημέρα! Κι εγώ θέλω να μάθω.",
        platform_timestamp=timezone.now() - timedelta(minutes=2),
    )
    contact = convo.contact
    contact.tags = ["wholesale"]
    contact.is_vip = True
    contact.notes = "Prefers Greek."
    contact.save()
    LabelFactory(name="stock", color="#1d7a46")

    with chromium_page() as page:
        page.set_viewport_size({"width": 1600, "height": 900})
        log_in(page, live_server, f"/c/{convo.pk}/?folder=open", username="lena")
        heading = page.get_by_role("heading", name="Maria Papadopoulou")
        expect(heading).to_be_visible()
        thread = page.get_by_role("list", name="Thread")
        reply = thread.get_by_role("listitem").filter(has_text="Κι εγώ θέλω να μάθω")
        expect(reply).to_have_attribute("aria-level", "2")

        page.get_by_label("Assign to", exact=True).select_option(label="Bob")
        page.get_by_role("button", name="Assign", exact=True).click()

        expect(page.locator(".conversation-head .meta")).to_contain_text("Assigned to Bob")
        expect(thread).to_contain_text("Lena assigned it to Bob")
        expect(heading).to_be_focused()

        page.get_by_text("Labels", exact=True).click()
        page.get_by_role("checkbox", name="stock").check()
        page.get_by_role("button", name="Apply labels").click()
        expect(thread).to_contain_text("Lena changed the labels")

        panel = page.get_by_role("complementary", name="Customer")
        expect(panel).to_contain_text("wholesale")
        expect(panel.get_by_role("button", name="VIP")).to_have_attribute("aria-pressed", "true")

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "conversation.png"), full_page=True)

    convo.refresh_from_db()
    assert convo.assignee == world.bob
    assert [label.name for label in convo.labels.all()] == ["stock"]


def test_alice_marks_done_and_lands_on_the_next_conversation(live_server, world):
    from playwright.sync_api import expect

    now = timezone.now()
    first = customer(world, "Ivan", "Где мой заказ?", last_activity_at=now)
    second = customer(world, "王小明", "我想申请退款", last_activity_at=now - timedelta(minutes=5))

    with chromium_page() as page:
        log_in(page, live_server)
        page.get_by_role("link", name=re.compile("Ivan")).click()
        expect(page.get_by_role("heading", name="Ivan")).to_be_visible()

        page.get_by_role("button", name="Done").click()

        next_heading = page.get_by_role("heading", name="王小明")
        expect(next_heading).to_be_focused()
        expect(page).to_have_url(re.compile(rf"/c/{second.pk}/\?folder=open$"))
        expect(page.locator(f"#row-{first.pk}")).to_have_count(0)
        expect(page.locator(f"#row-{second.pk} > a")).to_have_attribute("aria-current", "true")

        # The customer panel offers to link this person with another contact.
        page.get_by_label("Same person as…").fill("Ivan")
        expect(page.locator("#merge-candidates")).to_contain_text("Ivan")

        page.get_by_role("button", name="Done").click()
        expect(page.get_by_role("heading", name="All done in this folder")).to_be_focused()
        expect(page).to_have_url(re.compile(r"/\?folder=open$"))

        page.go_back()
        expect(page.get_by_role("heading", name="王小明")).to_be_visible()

    for convo in (first, second):
        convo.refresh_from_db()
        assert convo.status == Conversation.Status.DONE
