"""Alice works in Hebrew: the whole inbox lays out right to left (Debian's Chromium, headless)."""

import pytest

from inbox.models import AgentProfile
from tests.e2e.browser import SCREENSHOTS, chromium_page, customer, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Customers write in every script, sometimes without a single space to break at.
CUSTOMERS = [
    ("Maria Papadopoulou", "Το δέμα μου δεν έφτασε ποτέ, μπορείτε να ελέγξετε;"),
    ("Дмитрий Иванов", "Где мой заказ? Жду уже неделю."),
    ("יעל כהן", "ההזמנה שלי עדיין לא הגיעה, אפשר לבדוק?"),
    ("王芳", "我的包裹还没有到，" * 12),
    ("Unbroken", "https://example.com/" + "a" * 170),
]


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def panes(page) -> tuple[dict, dict, dict]:
    """Where the folders, the list and the open conversation are on the screen."""
    return box(page, "#folders"), box(page, "#list-pane"), box(page, "#conversation-pane")


def test_alice_switches_to_hebrew_and_the_inbox_lays_out_right_to_left(live_server, world):
    from playwright.sync_api import expect

    for name, text in CUSTOMERS:
        customer(world, name, text)

    with chromium_page() as page:
        log_in(page, live_server)
        html = page.locator("html")
        expect(html).to_have_attribute("dir", "ltr")
        assert box(page, "#folders")["x"] < box(page, "#list-pane")["x"]

        page.get_by_label("Language", exact=True).select_option("he")
        page.get_by_role("button", name="Change language").click()

        expect(html).to_have_attribute("lang", "he")
        expect(html).to_have_attribute("dir", "rtl")
        folders, rows, pane = (
            box(page, "#folders"),
            box(page, "#list-pane"),
            box(page, "#conversation-pane"),
        )
        # Start is on the right: folders, then the list, then the conversation leftwards.
        assert folders["x"] >= rows["x"] + rows["width"] - 1
        assert rows["x"] >= pane["x"] + pane["width"] - 1
        # No customer's text, however long or unbroken, pushes the page sideways.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        page.locator("#conversations li.row a").filter(has_text="Unbroken").first.click()
        expect(page.locator("#thread")).to_contain_text("https://example.com/aaaa")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        thread = box(page, "#thread")
        for message in page.locator("#thread .message").all():
            bubble = message.bounding_box()
            assert (
                thread["x"] <= bubble["x"]
                and bubble["x"] + bubble["width"] <= thread["x"] + thread["width"]
            )

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "inbox-hebrew.png"), full_page=True)

        # The choice is Alice's, not this browser's: a fresh session opens in Hebrew too.
        page.context.clear_cookies()
        log_in(page, live_server)
        expect(html).to_have_attribute("dir", "rtl")

    assert AgentProfile.objects.get(user=world.alice).language == "he"


def test_a_tablet_shows_the_list_and_the_conversation_side_by_side(live_server, world):
    from playwright.sync_api import expect

    for name, text in CUSTOMERS[:3] * 8:
        customer(world, name, text)

    with chromium_page() as page:
        page.set_viewport_size({"width": 768, "height": 1024})
        log_in(page, live_server)
        page.locator("#conversations li.row a").first.click()
        expect(page.locator("#thread")).to_be_visible()

        folders, rows, pane = (
            box(page, "#folders"),
            box(page, "#list-pane"),
            box(page, "#conversation-pane"),
        )
        # The folders fold into a strip above both panes; the two panes share the width.
        assert folders["y"] + folders["height"] <= rows["y"] + 1
        assert abs(rows["y"] - pane["y"]) <= 1
        assert rows["x"] + rows["width"] <= pane["x"] + 1
        assert pane["width"] >= 400
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # The list scrolls in its pane; the page itself stays put.
        assert rows["y"] + rows["height"] <= 1024
        assert page.evaluate(
            "(el => el.scrollHeight > el.clientHeight)(document.getElementById('list-pane'))"
        )

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "inbox-tablet.png"))


def test_alice_sets_her_time_zone_and_sign_off_on_her_preferences(live_server, world):
    from playwright.sync_api import expect

    with chromium_page() as page:
        log_in(page, live_server, "/settings/me/")
        expect(page.get_by_role("heading", name="My preferences")).to_be_visible()
        page.get_by_label("Time zone").select_option("Asia/Tokyo")
        sign_off = page.get_by_label("Sign my public replies with my name")
        expect(sign_off).to_be_checked()
        sign_off.uncheck()
        page.get_by_role("button", name="Save").click()

        expect(page.get_by_role("status")).to_have_text("Saved your preferences.")
        expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
        expect(page.get_by_label("Sign my public replies with my name")).not_to_be_checked()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "preferences.png"), full_page=True)

    profile = AgentProfile.objects.get(user=world.alice)
    assert (profile.time_zone, profile.sign_off, profile.language) == ("Asia/Tokyo", False, "")
