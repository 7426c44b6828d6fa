"""Adam connects two Facebook Pages in a real browser, through the sandbox's Facebook Login."""

import re

import pytest

from inbox.models import ChannelAccount
from tests.e2e.browser import SCREENSHOTS, chromium_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sandbox_facebook(settings, live_server):
    """The site with the sandbox mounted; the Graph API and the dialog are its fakes."""
    settings.ROOT_URLCONF = "tests.urls_sandbox"
    settings.FACEBOOK_APP_ID = "sandbox-app"
    settings.FACEBOOK_APP_SECRET = "sandbox-app-secret"
    settings.FACEBOOK_GRAPH_URL = f"{live_server.url}/sandbox/facebook/graph"
    settings.FACEBOOK_DIALOG_URL = f"{live_server.url}/sandbox/facebook"
    return live_server


def test_adam_connects_two_pages_and_sees_them_active(sandbox_facebook, world):
    from playwright.sync_api import expect

    live_server = sandbox_facebook
    with chromium_page() as page:
        page.goto(f"{live_server.url}/")
        page.get_by_label("Username").fill("adam")
        page.get_by_label("Password").fill("correct horse battery staple")
        page.get_by_role("button", name="Log in").click()

        page.get_by_role("link", name="Settings").click()
        expect(page.get_by_role("heading", name="Channels", exact=True)).to_be_visible()
        page.get_by_role("link", name="Connect Facebook").click()

        # The sandbox's stand-in for Facebook's dialog.
        expect(page).to_have_url(re.compile(r"/sandbox/facebook/v[\d.]+/dialog/oauth\?"))
        page.get_by_role("button", name="Continue").click()

        expect(page.get_by_role("heading", name="Choose the Pages to connect")).to_be_visible()
        expect(page.get_by_label("Northwind Archive")).to_be_disabled()
        page.get_by_label("Northwind Outdoor").check()
        page.get_by_label("Northwind Kafe").check()
        page.get_by_role("checkbox", name="Support").check()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "facebook-choose-pages.png"), full_page=True)
        page.get_by_role("button", name="Connect", exact=True).click()

        results = page.get_by_role("list", name="Pages", exact=True)
        expect(results.get_by_role("listitem").filter(has_text="Connected")).to_have_count(2)

        page.get_by_role("link", name="Back to channels").click()
        accounts = page.get_by_role("list", name="Connected accounts")
        for name in ("Northwind Outdoor", "Northwind Kafe"):
            card = accounts.get_by_role("listitem").filter(
                has=page.get_by_role("heading", name=name)
            )
            expect(card).to_contain_text("Active")
            expect(card).to_contain_text("Support")

        page.screenshot(path=str(SCREENSHOTS / "facebook-connect.png"), full_page=True)

    pages = ChannelAccount.objects.filter(kind="facebook").order_by("name")
    assert [(p.name, p.status) for p in pages] == [
        ("Northwind Kafe", ChannelAccount.Status.ACTIVE),
        ("Northwind Outdoor", ChannelAccount.Status.ACTIVE),
    ]
