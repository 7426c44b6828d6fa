"""The fake Facebook as the demo mounts it in Django: dialog, Graph pass-through, media."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from channels_fb.sandbox import views
from channels_fb.sandbox.seed import MEDIA

DIALOG = "/sandbox/facebook/v26.0/dialog/oauth"
GRAPH = "/sandbox/facebook/graph"
PAGE = "104857600123456"
CALLBACK = "http://testserver/settings/channels/facebook/callback/"


@pytest.fixture(autouse=True)
def sandbox_urls(settings):
    settings.ROOT_URLCONF = "tests.urls_sandbox"
    views.GRAPH.reset()
    yield
    views.GRAPH.reset()


@pytest.fixture
def browser() -> Client:
    return Client()


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_the_dialog_lists_the_sandbox_pages(browser):
    response = browser.get(
        DIALOG, {"client_id": "sandbox-app", "redirect_uri": CALLBACK, "state": "s1"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    for name in ("Northwind Outdoor", "Northwind Kafe", "Northwind Archive"):
        assert name in page
    assert "you can only view insights on this Page" in page
    assert 'name="continue"' in page and 'name="cancel"' in page


def test_continue_goes_back_with_a_code_and_the_state(browser):
    response = browser.post(DIALOG, {"redirect_uri": CALLBACK, "state": "s-42", "continue": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith(CALLBACK + "?")
    answer = query_of(response["Location"])
    assert answer["state"] == "s-42"
    assert answer["code"]


def test_the_code_from_the_dialog_buys_a_token_through_the_graph(browser):
    location = browser.post(DIALOG, {"redirect_uri": CALLBACK, "state": "s", "continue": "1"})
    code = query_of(location["Location"])["code"]

    exchange = browser.get(
        f"{GRAPH}/v26.0/oauth/access_token",
        {"client_id": "app", "client_secret": "secret", "redirect_uri": CALLBACK, "code": code},
    )
    again = browser.get(
        f"{GRAPH}/v26.0/oauth/access_token",
        {"client_id": "app", "client_secret": "secret", "redirect_uri": CALLBACK, "code": code},
    )

    assert exchange.status_code == 200
    assert exchange.json()["access_token"]
    assert again.status_code == 400
    assert again.json()["error"]["error_subcode"] == 36009


def test_cancel_goes_back_with_access_denied_and_the_state(browser):
    response = browser.post(
        DIALOG, {"redirect_uri": CALLBACK + "?from=settings", "state": "s-7", "cancel": "1"}
    )

    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert answer == {
        "from": "settings",
        "error": "access_denied",
        "error_code": "200",
        "error_description": "Permissions error",
        "error_reason": "user_denied",
        "state": "s-7",
    }


@pytest.mark.parametrize("redirect_uri", ["", "javascript:alert(1)", "/relative/"])
def test_the_dialog_refuses_a_link_without_a_web_redirect(browser, redirect_uri):
    shown = browser.get(DIALOG, {"redirect_uri": redirect_uri, "state": "s"})
    clicked = browser.post(DIALOG, {"redirect_uri": redirect_uri, "state": "s", "continue": "1"})

    assert shown.status_code == 400
    assert "This sign-in link is not valid" in shown.content.decode()
    assert clicked.status_code == 400


def test_graph_calls_pass_through_to_the_shared_fake(browser):
    sent = browser.post(
        f"{GRAPH}/v26.0/{PAGE}/messages?access_token=page-token",
        json.dumps({"recipient": {"id": "6290011122233347"}, "message": {"text": "שלום"}}),
        content_type="application/json",
    )
    profile = browser.get(
        f"{GRAPH}/v26.0/6290011122233347",
        {"fields": "first_name,last_name", "access_token": "page-token"},
    )
    calls = browser.get(f"{GRAPH}/_sandbox/calls").json()

    assert sent.status_code == 200
    assert sent.json()["message_id"].startswith("m_")
    assert profile.json() == {"first_name": "נועה", "last_name": "כהן", "id": "6290011122233347"}
    assert [c["path"] for c in calls] == [f"/v26.0/{PAGE}/messages", "/v26.0/6290011122233347"]
    assert calls[0]["body"]["message"] == {"text": "שלום"}


def test_graph_errors_pass_through_with_their_status_and_headers(browser):
    browser.post(
        f"{GRAPH}/_sandbox/faults",
        json.dumps({"fault": "rate_limit", "count": 1}),
        content_type="application/json",
    )

    limited = browser.get(f"{GRAPH}/v26.0/{PAGE}/subscribed_apps", {"access_token": "t"})

    assert limited.status_code == 400
    assert limited.json()["error"]["code"] == 4
    usage = json.loads(limited["X-Business-Use-Case-Usage"])
    assert usage[PAGE][0]["estimated_time_to_regain_access"] > 0


def test_recorded_traffic_reads_back_with_paging_under_the_mount(browser):
    for n in range(3):
        payload = {
            "object": "page",
            "entry": [
                {
                    "id": PAGE,
                    "time": 1785312004871 + n,
                    "messaging": [
                        {
                            "sender": {"id": f"629001112223{n:04d}"},
                            "recipient": {"id": PAGE},
                            "timestamp": 1785312004523 + n,
                            "message": {"mid": f"m_{n}", "text": f"Привет {n}"},
                        }
                    ],
                }
            ],
        }
        recorded = browser.post(
            f"{GRAPH}/_sandbox/record", json.dumps(payload), content_type="application/json"
        )
        assert recorded.json() == {"recorded": 1}

    first = browser.get(
        f"{GRAPH}/v26.0/{PAGE}/conversations",
        {"platform": "messenger", "limit": 2, "access_token": "t"},
    ).json()
    rest = browser.get(urlsplit(first["paging"]["next"]).path, query_of(first["paging"]["next"]))

    assert first["paging"]["next"].startswith(
        f"http://testserver{GRAPH}/v26.0/{PAGE}/conversations?"
    )
    assert len(first["data"]) == 2
    assert [m["message"] for m in rest.json()["data"][0]["messages"]["data"]] == ["Привет 0"]
    assert "next" not in rest.json()["paging"]


def test_sandbox_media_is_served(browser):
    photo = browser.get("/sandbox/facebook/media/photo.png")
    missing = browser.get("/sandbox/facebook/media/nothing.png")

    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"
    assert photo.content == MEDIA["photo.png"][0]
    assert missing.status_code == 404
