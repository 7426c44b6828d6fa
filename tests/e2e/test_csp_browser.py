"""The Content-Security-Policy in a real browser: every main screen loads and works with no
violation, and what the templates moved out of inline markup (label colours, reply depth,
the sandbox's Facebook Login dialog) still shows."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from inbox.models import Conversation, Message
from tests.e2e.browser import SCREENSHOTS, chromium_page, customer, log_in
from tests.factories import ConversationFactory, LabelFactory, MessageFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs before the page's own scripts on every navigation (Playwright injects it past the
# policy) and hands each violation the browser reports to the test.
REPORT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const what =
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}` +
    ` on ${location.pathname} (${event.sourceFile}:${event.lineNumber})`;
  window.cspViolations.push(what);
  window.cspViolation(what);
});
"""


@dataclass
class Violations:
    reported: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    policies: dict[str, str] = field(default_factory=dict)

    @property
    def all(self) -> list[str]:
        return self.reported + self.console


@contextmanager
def watched_page() -> Iterator[tuple[object, Violations]]:
    """A Chromium page that records CSP violations, both the DOM events and the console's
    "Refused to ..." errors, and the policy each page was served with."""
    with chromium_page() as page:
        seen = Violations()
        page.expose_function("cspViolation", lambda what: seen.reported.append(what))
        page.add_init_script(REPORT_VIOLATIONS)
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and seen.console.append(message.text)
            ),
        )

        def remember_policy(response) -> None:
            if response.request.resource_type == "document":
                path = re.sub(r"^https?://[^/]+", "", response.url)
                seen.policies[path] = response.headers.get("content-security-policy", "")

        page.on("response", remember_policy)
        yield page, seen


def comment_thread(world) -> Conversation:
    """Maria's comment under a post, a reply to it, and a reply to that reply."""
    convo = ConversationFactory(account=world.acme, kind=Conversation.Kind.COMMENT)
    for external_id, parent, text in [
        ("c1", "", "Is this jacket waterproof?"),
        ("c2", "c1", "It is, up to 10,000 mm."),
        ("c3", "c2", "Thanks, and the hood?"),
    ]:
        MessageFactory(
            conversation=convo,
            external_id=external_id,
            parent_external_id=parent,
            kind=Message.Kind.COMMENT,
            public=True,
            text=text,
        )
    return convo


def assert_served_with_the_policy(seen: Violations) -> None:
    assert seen.policies, "no page was loaded"
    for path, header in seen.policies.items():
        assert "script-src 'self'" in header and "style-src 'self'" in header, path


def test_alice_works_every_main_screen_with_no_policy_violation(live_server, world, fake_platform):
    from playwright.sync_api import expect

    convo = customer(world, "Maria Papadopoulou", "Where is my parcel?")
    convo.labels.add(LabelFactory(name="Urgent", color="#dc2626"))
    thread = comment_thread(world)

    with watched_page() as (page, seen):
        log_in(page, live_server, "/")
        rows = page.locator("#conversations li.row")
        expect(rows).to_have_count(2)

        # Label colours come from data-label-color through the CSSOM, not a style attribute.
        label = rows.locator(".label", has_text="Urgent")
        expect(label).to_have_css("color", "rgb(220, 38, 38)")

        page.get_by_role("link", name=re.compile("Maria Papadopoulou")).first.click()
        expect(page).to_have_url(re.compile(rf"/c/{convo.pk}/"))
        expect(page.locator(".current-labels .label")).to_have_css("color", "rgb(220, 38, 38)")

        reply = page.get_by_role("combobox", name="Reply")
        reply.fill("Your parcel left our warehouse this morning.")
        reply.press("Control+Enter")
        sent = page.get_by_role("list", name="Thread").get_by_role("listitem")
        expect(sent.filter(has_text="left our warehouse")).to_contain_text("Sent")

        page.evaluate("document.activeElement.blur()")
        page.keyboard.press("?")
        shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
        expect(shortcuts).to_be_visible()
        page.keyboard.press("Escape")
        expect(shortcuts).to_be_hidden()

        # Replies indent by their depth (data-depth), deeper ones further.
        page.goto(f"{live_server.url}/c/{thread.pk}/")
        first = page.locator(".message.is-reply[data-depth='1']")
        second = page.locator(".message.is-reply[data-depth='2']")
        expect(second).to_contain_text("the hood?")
        indent = "(e) => parseFloat(getComputedStyle(e).marginInlineStart)"
        assert first.evaluate(indent) > 0
        assert second.evaluate(indent) == 2 * first.evaluate(indent)

        page.goto(f"{live_server.url}/canned/")
        expect(page.get_by_role("heading", name="Canned responses")).to_be_visible()
        page.goto(f"{live_server.url}/canned/new/")
        page.get_by_label("Text", exact=True).fill("Hello {customer_first_name}")
        expect(page.locator("#canned-preview")).to_contain_text("Hello")

        page.goto(f"{live_server.url}/settings/me/")
        expect(page.get_by_role("heading", name=re.compile("preferences", re.I))).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "csp-preferences.png"))

        assert seen.all == []
        assert_served_with_the_policy(seen)
        assert {"/accounts/login/?next=/", "/", "/canned/", "/settings/me/"} <= set(seen.policies)

        # The watch itself works: markup with a style attribute is refused and reported.
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">')")
        page.wait_for_function("window.cspViolations.length > 0")
        assert "style-src-attr blocked inline" in page.evaluate("window.cspViolations")[0]

    assert fake_platform.sent_texts == ["Your parcel left our warehouse this morning."]


@pytest.fixture
def sandbox_facebook(settings, live_server):
    """The site with the sandbox mounted; the Graph API and the dialog are its fakes."""
    settings.ROOT_URLCONF = "tests.urls_sandbox"
    settings.FACEBOOK_APP_ID = "sandbox-app"
    settings.FACEBOOK_APP_SECRET = "sandbox-app-secret"
    settings.FACEBOOK_GRAPH_URL = f"{live_server.url}/sandbox/facebook/graph"
    settings.FACEBOOK_DIALOG_URL = f"{live_server.url}/sandbox/facebook"
    return live_server


def test_adam_connects_a_page_through_the_sandbox_dialog_with_no_policy_violation(
    sandbox_facebook, world
):
    from playwright.sync_api import expect

    live_server = sandbox_facebook
    with watched_page() as (page, seen):
        log_in(page, live_server, "/settings/channels/", username="adam")
        expect(page.get_by_role("heading", name="Channels", exact=True)).to_be_visible()
        page.goto(f"{live_server.url}/settings/channels/{world.acme.pk}/")
        page.goto(f"{live_server.url}/settings/channels/")
        page.get_by_role("link", name="Connect Facebook").click()

        # The dialog's look now comes from its own stylesheet.
        expect(page).to_have_url(re.compile(r"/sandbox/facebook/v[\d.]+/dialog/oauth\?"))
        continue_button = page.get_by_role("button", name="Continue")
        expect(continue_button).to_have_css("background-color", "rgb(24, 119, 242)")
        continue_button.click()

        expect(page.get_by_role("heading", name="Choose the Pages to connect")).to_be_visible()
        page.get_by_label("Northwind Outdoor").check()
        page.get_by_role("button", name="Connect", exact=True).click()
        results = page.get_by_role("list", name="Pages", exact=True)
        expect(results.get_by_role("listitem").filter(has_text="Connected")).to_have_count(1)
        page.get_by_role("link", name="Back to channels").click()
        expect(page.get_by_role("heading", name="Northwind Outdoor")).to_be_visible()

        assert seen.all == []
        assert_served_with_the_policy(seen)
        assert any("/dialog/oauth" in path for path in seen.policies)
