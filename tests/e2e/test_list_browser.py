"""The list pane in a real browser: search, filter, select rows, mark them done at once."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.models import Conversation
from tests.e2e.browser import SCREENSHOTS, chromium_page, customer, log_in
from tests.factories import AccountFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_alice_searches_filters_and_closes_two_conversations_at_once(live_server, world):
    from playwright.sync_api import expect

    facebook = AccountFactory(kind="facebook", external_id="fb-page", name="Acme on Facebook")
    facebook.teams.add(world.support)
    first = customer(world, "王小明", "我想申请退款，商品坏了")
    second = customer(world, "Li Na", "退款什么时候到账？")
    customer(world, "Maria Papadopoulou", "Καλημέρα, πού είναι η παραγγελία μου;")
    customer(world, "Ivan", "Где мой заказ?", waiting_since=timezone.now() - timedelta(hours=3))

    with chromium_page() as page:
        log_in(page, live_server)
        rows = page.locator("#conversations li.row")
        expect(rows).to_have_count(4)

        page.get_by_role("searchbox", name="Search conversations").fill("退款")
        expect(rows).to_have_count(2)
        expect(page).to_have_url(re.compile(r"q=%E9%80%80%E6%AC%BE"))

        page.get_by_text("Filters and sort").click()
        page.get_by_label("Kind").select_option("direct")
        page.get_by_label("Sort").select_option("waiting")
        expect(page).to_have_url(re.compile(r"sort=waiting"))
        expect(rows).to_have_count(2)

        toolbar = page.get_by_role("group", name="Change the selected conversations")
        expect(toolbar).to_be_hidden()
        page.get_by_label("Select 王小明").check()
        expect(toolbar).to_be_visible()
        expect(toolbar).to_contain_text("Selected: 1")
        page.get_by_label("Select all on this page").check()
        expect(toolbar).to_contain_text("Selected: 2")

        toolbar.get_by_label("Status").select_option("done")
        toolbar.get_by_role("button", name="Apply to selected").click()

        expect(page.get_by_role("status")).to_contain_text("2 conversations updated.")
        expect(rows).to_have_count(0)
        expect(page.get_by_role("link", name=re.compile(r"^All open\s+2$"))).to_be_visible()
        # The list kept its search after the action.
        expect(page.get_by_role("searchbox", name="Search conversations")).to_have_value("退款")

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.get_by_role("searchbox", name="Search conversations").fill("")
        expect(rows).to_have_count(2)
        page.screenshot(path=str(SCREENSHOTS / "list.png"), full_page=True)

    for convo in (first, second):
        convo.refresh_from_db()
        assert convo.status == Conversation.Status.DONE


def test_more_rows_load_as_the_list_scrolls(live_server, world):
    from playwright.sync_api import expect

    now = timezone.now()
    for n in range(32):
        customer(
            world, f"Customer {n:02d}", f"Question {n}", last_activity_at=now - timedelta(minutes=n)
        )

    with chromium_page() as page:
        log_in(page, live_server)
        rows = page.locator("#conversations li.row")
        expect(rows).to_have_count(25)

        page.locator("#conversations li.row").last.scroll_into_view_if_needed()
        page.locator("#list-pane").evaluate("pane => pane.scrollTo(0, pane.scrollHeight)")

        expect(rows).to_have_count(32)
        expect(page.get_by_role("link", name="Load more")).to_have_count(0)
