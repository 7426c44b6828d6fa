"""The fake Viber as the demo mounts it in Django: API pass-through, callbacks, media."""

import json

import pytest
from django.test import Client

from channels_viber.sandbox import views
from channels_viber.sandbox.seed import MEDIA
from tests.viber.helpers import fixture, viber_sign
from tests.viber.test_client import local_server

API = "/sandbox/viber/api"
ACME = "sandbox-viber-token-acme"
DMITRY = "V1DmitrySokolov000000A=="


@pytest.fixture(autouse=True)
def sandbox_urls(settings):
    settings.ROOT_URLCONF = "tests.urls_sandbox"
    views.VIBER.reset()
    yield
    views.VIBER.reset()


@pytest.fixture
def browser() -> Client:
    return Client()


def call(browser: Client, method: str, body: dict, *, token: str = ACME):
    return browser.post(
        f"{API}/{method}",
        json.dumps(body),
        content_type="application/json",
        HTTP_X_VIBER_AUTH_TOKEN=token,
    )


def test_the_bot_answers_under_the_mount_with_its_icon(browser):
    info = call(browser, "get_account_info", {})

    assert info.status_code == 200
    assert (info.json()["status"], info.json()["name"]) == (0, "Acme Support")
    icon = info.json()["icon"]
    assert icon.startswith(f"http://testserver{API}/")
    served = browser.get(icon.removeprefix("http://testserver"))
    assert served.content == MEDIA["acme.png"][0]


def test_a_wrong_token_is_refused_the_viber_way(browser):
    refused = call(browser, "get_account_info", {}, token="nope")

    assert refused.status_code == 200
    assert refused.json() == {"status": 2, "status_message": "invalidAuthToken"}


def test_sends_pass_through_to_the_shared_fake(browser):
    sent = call(
        browser,
        "send_message",
        {"receiver": DMITRY, "sender": {"name": "Acme Support"}, "type": "text", "text": "Привет"},
    )
    calls = browser.get(f"{API}/_sandbox/calls").json()

    assert sent.json()["status"] == 0
    assert isinstance(sent.json()["message_token"], int)
    assert [c["method"] for c in calls] == ["send_message"]
    assert calls[0]["body"]["text"] == "Привет"
    assert views.VIBER.sent[0]["payload"]["receiver"] == DMITRY


def test_a_recorded_unsubscribe_refuses_the_next_send(browser):
    recorded = browser.post(
        f"{API}/_sandbox/record",
        json.dumps(fixture("unsubscribed")),
        content_type="application/json",
    )
    user_id = fixture("unsubscribed")["user_id"]

    refused = call(
        browser,
        "send_message",
        {"receiver": user_id, "sender": {"name": "Acme Support"}, "type": "text", "text": "Hi"},
    )

    assert recorded.json() == {"recorded": 1}
    assert refused.json()["status"] == 6
    assert refused.json()["status_message"] == "receiverNotSubscribed"


def test_a_server_error_passes_through_with_its_status(browser):
    browser.post(
        f"{API}/_sandbox/faults",
        json.dumps({"fault": "server_error", "count": 1}),
        content_type="application/json",
    )

    failed = call(browser, "get_account_info", {})
    then = call(browser, "get_account_info", {})

    assert failed.status_code == 500
    assert then.json()["status"] == 0


def test_setting_the_webhook_under_the_mount_calls_it_back_after_answering(browser):
    with local_server() as inbox:
        answer = call(browser, "set_webhook", {"url": f"{inbox.url}/hook/", "event_types": []})
        headers, body = inbox.next_request()

    assert answer.json()["status"] == 0
    assert json.loads(body)["event"] == "webhook"
    assert headers["X-Viber-Content-Signature"] == viber_sign(body, ACME)
    assert call(browser, "get_account_info", {}).json()["webhook"] == f"{inbox.url}/hook/"


def test_sandbox_media_is_served(browser):
    photo = browser.get("/sandbox/viber/media/photo.png")
    missing = browser.get("/sandbox/viber/media/nothing.png")

    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"
    assert photo.content == MEDIA["photo.png"][0]
    assert missing.status_code == 404
