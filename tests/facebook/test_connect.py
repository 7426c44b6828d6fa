"""Adam connects the company's Facebook Pages: Facebook Login against the fake Graph API.

The OAuth dialog itself is Facebook's page; here the test plays the browser coming back
from it with a code, as the dialog's Continue does.
"""

import json
import re
import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import cryptography.fernet
import pytest
import requests
from django.db import connection

from inbox.models import ChannelAccount

pytestmark = pytest.mark.django_db

OUTDOOR = "104857600123456"
KAFE = "104857600654321"
ARCHIVE = "104857600999999"
CONNECT = "/settings/channels/facebook/connect/"
CALLBACK = "/settings/channels/facebook/callback/"


@pytest.fixture
def facebook_app(settings, fake_graph):
    settings.FACEBOOK_APP_ID = "sandbox-app"
    settings.FACEBOOK_APP_SECRET = "sandbox-app-secret"
    settings.FACEBOOK_DIALOG_URL = "https://dialog.example"
    return fake_graph


@pytest.fixture
def adam(world):
    return world.client_for(world.adam)


def start(client, query: str = "") -> dict[str, str]:
    """Click Connect: the answer sends the browser to the dialog; returns its query."""
    response = client.get(CONNECT + query)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        "https://dialog.example/v26.0/dialog/oauth"
    )
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def come_back(client, dialog: dict[str, str], **query):
    """The dialog's Continue: back to our callback with a code and the same state."""
    return client.get(CALLBACK, {"code": "sandbox-code", "state": dialog["state"], **query})


def choose(client, *page_ids: str, teams=()):
    return client.post(CALLBACK, {"pages": list(page_ids), "teams": [t.pk for t in teams]})


def graph_calls(fake_graph, method: str, pattern: str) -> list[dict]:
    return [
        c for c in fake_graph.calls() if c["method"] == method and re.search(pattern, c["path"])
    ]


# --- starting -------------------------------------------------------------------------------


def test_it_sends_the_admin_to_the_facebook_dialog(facebook_app, adam):
    dialog = start(adam)

    assert dialog["client_id"] == "sandbox-app"
    assert dialog["redirect_uri"] == "http://testserver" + CALLBACK
    assert dialog["response_type"] == "code"
    assert dialog["scope"].split(",") == [
        "pages_show_list",
        "pages_manage_metadata",
        "pages_messaging",
        "pages_read_engagement",
        "pages_read_user_content",
        "pages_manage_engagement",
        "business_management",
    ]
    assert len(dialog["state"]) >= 32


def test_it_says_which_settings_are_missing(settings, world, adam):
    settings.FACEBOOK_APP_ID = ""
    settings.FACEBOOK_APP_SECRET = ""

    response = adam.get(CONNECT)

    assert response.status_code == 200
    text = response.content.decode()
    assert "FACEBOOK_APP_ID" in text and "FACEBOOK_APP_SECRET" in text


def test_only_admins_connect_pages(facebook_app, world, client):
    lena = world.client_for(world.lena)

    assert lena.get(CONNECT).status_code == 403
    assert lena.get(CALLBACK, {"code": "x", "state": "y"}).status_code == 403
    assert lena.post(CALLBACK, {"pages": [OUTDOOR]}).status_code == 403
    assert client.get(CONNECT)["Location"].startswith("/accounts/login/")
    assert not ChannelAccount.objects.filter(kind="facebook").exists()


# --- coming back from the dialog ------------------------------------------------------------


def test_it_refuses_a_state_it_did_not_issue(facebook_app, adam):
    start(adam)

    response = come_back(adam, {"state": "forged"})

    assert response.status_code == 400
    assert "The sign-in expired" in response.content.decode()
    assert not graph_calls(facebook_app, "GET", r"oauth/access_token")


def test_it_refuses_a_callback_nobody_started(facebook_app, adam):
    response = adam.get(CALLBACK, {"code": "c", "state": "s"})

    assert response.status_code == 400
    assert "Start again" in response.content.decode()


def test_a_cancelled_login_goes_back_to_the_channels(facebook_app, adam):
    dialog = start(adam)

    response = adam.get(CALLBACK, {"error": "access_denied", "state": dialog["state"]}, follow=True)

    assert response.redirect_chain[-1][0] == "/settings/channels/"
    assert "Facebook Login was cancelled" in response.content.decode()
    assert not ChannelAccount.objects.filter(kind="facebook").exists()


def test_it_lists_the_pages_and_greys_out_one_without_messaging(facebook_app, adam):
    response = come_back(adam, start(adam))

    assert response.status_code == 200
    text = response.content.decode()
    for name in ("Northwind Outdoor", "Northwind Kafe", "Northwind Archive"):
        assert name in text
    archive = re.search(rf'<input[^>]*value="{ARCHIVE}"[^>]*>', text, re.S).group(0)
    assert "disabled" in archive
    assert "needs the Messaging, Moderate or Manage task" in text
    outdoor = re.search(rf'<input[^>]*value="{OUTDOOR}"[^>]*>', text, re.S).group(0)
    assert "disabled" not in outdoor
    # The code was exchanged for a long-lived token before the Pages were listed.
    assert len(graph_calls(facebook_app, "GET", r"oauth/access_token")) == 2
    assert graph_calls(facebook_app, "GET", r"me/accounts")


def test_page_tokens_wait_in_the_session_encrypted(facebook_app, adam):
    come_back(adam, start(adam))
    waiting = json.dumps(dict(adam.session.items()))

    choose(adam, OUTDOOR)

    token = ChannelAccount.objects.get(external_id=OUTDOOR).credentials["access_token"]
    assert token
    assert token not in waiting


def test_it_connects_the_chosen_pages_and_subscribes_each(facebook_app, world, adam):
    come_back(adam, start(adam))

    response = choose(adam, OUTDOOR, KAFE, teams=[world.support])

    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("Connected") >= 2
    accounts = ChannelAccount.objects.filter(kind="facebook").order_by("name")
    assert [(a.external_id, a.name, a.status) for a in accounts] == [
        (KAFE, "Northwind Kafe", ChannelAccount.Status.ACTIVE),
        (OUTDOOR, "Northwind Outdoor", ChannelAccount.Status.ACTIVE),
    ]
    for account in accounts:
        assert account.credentials["page_id"] == account.external_id
        assert account.credentials["access_token"]
        assert list(account.teams.all()) == [world.support]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT credentials FROM inbox_channelaccount WHERE id = %s", [account.pk]
            )
            raw = cursor.fetchone()[0]
        assert account.credentials["access_token"] not in raw
    subscribed = graph_calls(facebook_app, "POST", r"/subscribed_apps$")
    pages = sorted(re.search(r"(\d+)/subscribed_apps$", c["path"]).group(1) for c in subscribed)
    assert pages == sorted([OUTDOOR, KAFE])
    # Done: the Pages are gone from the session, and the channels screen lists them.
    assert "facebook_connect" not in adam.session
    page = adam.get("/settings/channels/").content.decode()
    assert "Northwind Outdoor" in page and "Northwind Kafe" in page


def test_it_says_what_to_fix_when_no_page_is_chosen(facebook_app, adam):
    come_back(adam, start(adam))

    response = choose(adam)

    assert response.status_code == 400
    assert "Choose at least one Page to connect." in response.content.decode()
    assert not ChannelAccount.objects.filter(kind="facebook").exists()


def test_a_page_without_messaging_cannot_be_slipped_in(facebook_app, adam):
    come_back(adam, start(adam))

    response = choose(adam, ARCHIVE)

    assert response.status_code == 400
    assert "is not one of the Pages you can connect" in response.content.decode()
    assert not ChannelAccount.objects.filter(kind="facebook").exists()


def test_choosing_twice_does_not_connect_twice(facebook_app, adam):
    come_back(adam, start(adam))
    choose(adam, OUTDOOR)

    response = choose(adam, OUTDOOR)

    assert response.status_code == 400
    assert "The sign-in expired" in response.content.decode()
    assert ChannelAccount.objects.filter(kind="facebook").count() == 1


def test_pages_left_waiting_too_long_must_be_listed_again(facebook_app, adam, monkeypatch):
    come_back(adam, start(adam))
    later = time.time() + 16 * 60
    monkeypatch.setattr(cryptography.fernet, "time", SimpleNamespace(time=lambda: later))

    response = choose(adam, OUTDOOR)

    assert response.status_code == 400
    assert "The sign-in expired" in response.content.decode()
    assert not ChannelAccount.objects.filter(kind="facebook").exists()


def test_a_subscribe_failure_shows_on_that_page(facebook_app, adam):
    come_back(adam, start(adam))
    requests.post(
        f"{facebook_app.url}/_sandbox/faults", json={"fault": "server_error", "count": 1}, timeout=5
    ).raise_for_status()

    response = choose(adam, OUTDOOR, KAFE)

    text = response.content.decode()
    assert "Failed" in text and "Connected" in text
    pages = ChannelAccount.objects.filter(kind="facebook")
    failed = pages.get(status=ChannelAccount.Status.NEEDS_RECONNECT)
    fine = pages.get(status=ChannelAccount.Status.ACTIVE)
    assert {failed.external_id, fine.external_id} == {OUTDOOR, KAFE}
    assert failed.status_reason and failed.status_reason in text


def test_a_graph_error_during_login_is_explained(facebook_app, adam):
    dialog = start(adam)
    requests.post(
        f"{facebook_app.url}/_sandbox/faults",
        json={"fault": "invalid_token", "count": 1},
        timeout=5,
    ).raise_for_status()

    response = come_back(adam, dialog)

    assert response.status_code == 502
    assert "Facebook Login failed" in response.content.decode()
    assert "190" in response.content.decode()


def test_it_reconnects_a_page_that_needed_it(facebook_app, world, adam):
    old = ChannelAccount.objects.create(
        kind="facebook",
        external_id=OUTDOOR,
        name="Northwind Outdoor",
        credentials={"page_id": OUTDOOR, "access_token": "expired"},
        status=ChannelAccount.Status.NEEDS_RECONNECT,
        status_reason="The password of the Page's admin changed.",
    )
    old.teams.add(world.sales)

    choice = come_back(adam, start(adam, f"?account={old.pk}"))
    text = choice.content.decode()
    assert "Needs reconnect: choose it to reconnect" in text
    outdoor = re.search(rf'<input[^>]*value="{OUTDOOR}"[^>]*>', text, re.S).group(0)
    assert "checked" in outdoor

    response = choose(adam, OUTDOOR)

    assert "Reconnected" in response.content.decode()
    old.refresh_from_db()
    assert old.status == ChannelAccount.Status.ACTIVE
    assert old.status_reason == ""
    assert old.credentials["access_token"] != "expired"
    assert list(old.teams.all()) == [world.sales]
    assert ChannelAccount.objects.filter(kind="facebook").count() == 1


def test_it_names_the_permissions_the_admin_declined(facebook_app, adam):
    facebook_app.graph.declined.add("pages_manage_engagement")

    response = come_back(adam, start(adam))

    text = response.content.decode()
    assert "Facebook did not grant these permissions" in text
    assert "<code>pages_manage_engagement</code>" in text
    assert "<code>pages_messaging</code>" not in text
