"""Adam connects the company's Viber bot in a real browser, against the sandbox's Viber."""

import threading

import pytest

from channels_viber.sandbox.views import VIBER
from inbox.models import ChannelAccount
from tests.e2e.browser import SCREENSHOTS, chromium_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ACME_TOKEN = "sandbox-viber-token-acme"


@pytest.fixture
def sandbox_viber(settings, live_server):
    """The site with the sandbox mounted; Viber is its fake, which calls the site back."""
    settings.ROOT_URLCONF = "tests.urls_sandbox"
    settings.VIBER_API_URL = f"{live_server.url}/sandbox/viber/api"
    settings.SOCIALCARE_PUBLIC_URL = live_server.url
    VIBER.reset()
    yield live_server
    VIBER.reset()


def test_adam_connects_the_acme_bot_and_sees_it_active(sandbox_viber, world):
    from playwright.sync_api import expect

    live_server = sandbox_viber
    with chromium_page() as page:
        page.goto(f"{live_server.url}/")
        page.get_by_label("Username").fill("adam")
        page.get_by_label("Password").fill("correct horse battery staple")
        page.get_by_role("button", name="Log in").click()

        page.get_by_role("link", name="Settings").click()
        page.get_by_role("link", name="Connect Viber").click()

        expect(page.get_by_role("heading", name="Connect a Viber bot")).to_be_visible()
        page.get_by_label("Bot token").fill(ACME_TOKEN)
        page.get_by_role("button", name="Continue").click()

        expect(page.get_by_role("heading", name="Connect this Viber bot?")).to_be_visible()
        expect(page.get_by_role("heading", name="Acme Support")).to_be_visible()
        expect(page.get_by_text("@acmesupport")).to_be_visible()
        page.get_by_role("checkbox", name="Support").check()
        page.get_by_role("button", name="Connect", exact=True).click()

        expect(page.get_by_text("Connected the Viber bot Acme Support")).to_be_visible()
        expect(page.get_by_role("heading", name="Acme Support")).to_be_visible()

        page.get_by_role("link", name="Channels", exact=True).first.click()
        accounts = page.get_by_role("list", name="Connected accounts")
        card = accounts.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name="Acme Support")
        )
        expect(card).to_contain_text("Viber")
        expect(card).to_contain_text("Active")
        expect(card).to_contain_text("Support")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "viber-connect.png"), full_page=True)

    account = ChannelAccount.objects.get(kind="viber")
    assert (account.name, account.status) == ("Acme Support", ChannelAccount.Status.ACTIVE)
    webhook = f"{live_server.url}/webhooks/viber/{account.pk}/"
    assert VIBER.bot(ACME_TOKEN)["webhook"] == webhook
    # Viber's check of the new webhook (posted after set_webhook answered) got our 200.
    assert _delivered(webhook) == {"url": webhook, "status": 200}


def _delivered(url: str) -> dict | None:
    """The fake's verification callback to `url`, once its background thread is done."""
    done = threading.Event()
    for _attempt in range(100):
        found = [d for d in VIBER.deliveries if d["url"] == url]
        if found:
            return found[0]
        done.wait(0.05)
    return None
