"""Shared pieces of the browser tests: a headless Chromium page, logging in, a customer."""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from inbox.models import Conversation
from tests.factories import ContactFactory, ConversationFactory, IdentityFactory, MessageFactory
from tests.helpers import require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-output" / "screenshots"


@contextmanager
def chromium_page() -> Iterator:
    """A headless Chromium page. Open it once the test's data is in the database: while
    Playwright's sync API runs, its event loop owns this thread, so the ORM stays out."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(sync_playwright is not None, "Playwright for Python is not installed")
    require(os.access(CHROMIUM, os.X_OK), f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(10_000)
            yield page
        finally:
            browser.close()


def log_in(
    page,
    live_server,
    next_url: str = "/",
    username: str = "alice",
    password: str = "correct horse battery staple",
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}{next_url}")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def customer(world, name: str, text: str, **fields) -> Conversation:
    contact = ContactFactory(name=name)
    convo = ConversationFactory(
        account=world.acme,
        identity=IdentityFactory(account=world.acme, contact=contact, name=name),
        snippet=text,
        **fields,
    )
    MessageFactory(conversation=convo, text=text)
    return convo
