"""Adam connects the company's Viber bot: he pastes its token, sees the bot, confirms.

The fake Viber runs over real HTTP and knows two bots by their tokens.
"""

import json
import re
import time
from types import SimpleNamespace

import cryptography.fernet
import pytest
import requests
from django.db import connection

from channels_viber.client import EVENT_TYPES
from inbox.models import ChannelAccount

pytestmark = pytest.mark.django_db

ACME_TOKEN = "sandbox-viber-token-acme"
KAFE_TOKEN = "sandbox-viber-token-kafe"
ACME_BOT = "pa:5840000000000000001"
CONNECT = "/settings/channels/viber/connect/"
CONFIRM = "/settings/channels/viber/confirm/"
# Nothing listens there: the fake's verification callback to it fails quietly, as the
# tests need no webhook view to answer it.
PUBLIC_URL = "http://127.0.0.1:9"


@pytest.fixture
def viber(settings, fake_viber):
    settings.SOCIALCARE_PUBLIC_URL = PUBLIC_URL
    return fake_viber


@pytest.fixture
def adam(world):
    return world.client_for(world.adam)


def paste(client, token: str, query: str = ""):
    return client.post(CONNECT + query, {"auth_token": token})


def viber_calls(viber, method: str) -> list[dict]:
    return [c for c in viber.calls() if c["method"] == method]


def raw_credentials(account: ChannelAccount) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM inbox_channelaccount WHERE id = %s", [account.pk])
        return str(cursor.fetchone()[0])


# --- who may come in --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "lena"])
def test_only_admins_connect_bots(viber, world, who):
    client = world.client_for(getattr(world, who))

    assert client.get(CONNECT).status_code == 403
    assert paste(client, ACME_TOKEN).status_code == 403
    assert client.get(CONFIRM).status_code == 403
    assert client.post(CONFIRM, {}).status_code == 403
    assert not viber.calls()
    assert not ChannelAccount.objects.filter(kind="viber").exists()


def test_it_sends_visitors_who_are_not_logged_in_to_the_login_page(viber, client):
    assert client.get(CONNECT)["Location"].startswith("/accounts/login/")


def test_the_channels_screen_offers_to_connect_a_viber_bot(viber, adam):
    page = adam.get("/settings/channels/").content.decode()

    assert f'href="{CONNECT}"' in page
    assert "Connect Viber" in page


# --- step 1: the token ------------------------------------------------------------------------


def test_it_asks_for_the_bots_token(viber, adam):
    page = adam.get(CONNECT).content.decode()

    assert "Connect a Viber bot" in page
    assert 'name="auth_token"' in page
    assert "Edit Info" in page


def test_it_says_what_to_fix_when_no_token_is_pasted(viber, adam):
    response = paste(adam, "   ")

    assert response.status_code == 400
    assert "Paste the bot&#x27;s token" in response.content.decode()
    assert not viber.calls()
    assert "viber_connect" not in adam.session


def test_it_says_why_viber_refused_the_token(viber, adam):
    response = paste(adam, "not-a-bot-token")

    assert response.status_code == 400
    text = response.content.decode()
    assert "The bot token is not valid" in text
    assert "invalidAuthToken" in text
    # The refused token is not shown back, nor kept anywhere.
    assert "not-a-bot-token" not in text
    assert "viber_connect" not in adam.session
    assert not ChannelAccount.objects.filter(kind="viber").exists()
    assert [c["token"] for c in viber.calls()] == ["not-a-bot-token"]


def test_it_explains_when_viber_cannot_be_reached(viber, adam):
    requests.post(
        f"{viber.url}/_sandbox/faults", json={"fault": "server_error", "count": 1}, timeout=5
    ).raise_for_status()

    response = paste(adam, ACME_TOKEN)

    assert response.status_code == 400
    assert "Viber had a server error (HTTP 500)" in response.content.decode()
    assert not ChannelAccount.objects.filter(kind="viber").exists()


# --- step 2: which bot it is ------------------------------------------------------------------


def test_it_shows_which_bot_the_token_belongs_to(viber, adam):
    response = paste(adam, ACME_TOKEN)

    assert response.status_code == 302
    assert response["Location"] == CONFIRM
    page = adam.get(CONFIRM).content.decode()
    assert "Acme Support" in page
    assert "@acmesupport" in page
    assert ACME_BOT in page
    assert "Subscribers" in page
    assert "/media/acme.png" in page
    assert "webhook points to" not in page
    # Nothing is connected until Adam confirms.
    assert not ChannelAccount.objects.filter(kind="viber").exists()
    assert not viber_calls(viber, "set_webhook")


def test_the_token_waits_in_the_session_encrypted(viber, adam):
    paste(adam, ACME_TOKEN)

    assert "viber_connect" in adam.session
    assert ACME_TOKEN not in json.dumps(dict(adam.session.items()))


def test_it_warns_when_the_bots_webhook_serves_another_system(viber, adam):
    viber.app.bot(ACME_TOKEN)["webhook"] = "https://crm.example.net/viber/hook"

    paste(adam, ACME_TOKEN)
    page = adam.get(CONFIRM).content.decode()

    assert "This bot's webhook points to" in page
    assert "https://crm.example.net/viber/hook" in page
    assert "Connecting takes its traffic from that system." in page


def test_it_does_not_warn_when_the_webhook_is_already_ours(viber, adam):
    viber.app.bot(ACME_TOKEN)["webhook"] = f"{PUBLIC_URL}/webhooks/viber/41/"

    paste(adam, ACME_TOKEN)
    page = adam.get(CONFIRM).content.decode()

    assert "Acme Support" in page
    assert "webhook points to" not in page


def test_it_escapes_what_viber_says_about_the_bot(viber, adam):
    viber.app.bot(ACME_TOKEN)["name"] = "<b>Acme</b>"
    viber.app.bot(ACME_TOKEN)["webhook"] = "https://crm.example.net/<script>"

    paste(adam, ACME_TOKEN)
    page = adam.get(CONFIRM).content.decode()

    assert "<b>Acme</b>" not in page and "&lt;b&gt;Acme&lt;/b&gt;" in page
    assert "<script>" not in page


# --- confirming -------------------------------------------------------------------------------


def test_it_connects_the_bot_and_registers_its_webhook(viber, world, adam):
    paste(adam, ACME_TOKEN)

    response = adam.post(CONFIRM, {"teams": [world.support.pk]}, follow=True)

    account = ChannelAccount.objects.get(kind="viber")
    assert response.redirect_chain[-1][0] == f"/settings/channels/{account.pk}/"
    text = response.content.decode()
    assert "Connected the Viber bot Acme Support" in text
    assert (account.external_id, account.name, account.status) == (
        ACME_BOT,
        "Acme Support",
        ChannelAccount.Status.ACTIVE,
    )
    assert account.credentials == {"auth_token": ACME_TOKEN}
    assert ACME_TOKEN not in raw_credentials(account)
    assert account.avatar_url.endswith("/media/acme.png")
    assert list(account.teams.all()) == [world.support]
    [registered] = viber_calls(viber, "set_webhook")
    assert registered["token"] == ACME_TOKEN
    assert registered["body"]["url"] == f"{PUBLIC_URL}/webhooks/viber/{account.pk}/"
    assert registered["body"]["event_types"] == EVENT_TYPES
    # Done: the token is gone from the session, and the channels screen lists the bot.
    assert "viber_connect" not in adam.session
    page = adam.get("/settings/channels/").content.decode()
    assert "Acme Support" in page and "Active" in page


def test_confirming_twice_does_not_connect_twice(viber, adam):
    paste(adam, ACME_TOKEN)
    adam.post(CONFIRM, {})

    response = adam.post(CONFIRM, {}, follow=True)

    assert "Paste it again" in response.content.decode()
    assert ChannelAccount.objects.filter(kind="viber").count() == 1
    assert len(viber_calls(viber, "set_webhook")) == 1


def test_a_token_left_waiting_too_long_must_be_pasted_again(viber, adam, monkeypatch):
    paste(adam, ACME_TOKEN)
    later = time.time() + 16 * 60
    monkeypatch.setattr(cryptography.fernet, "time", SimpleNamespace(time=lambda: later))

    response = adam.post(CONFIRM, {}, follow=True)

    assert response.redirect_chain[-1][0] == CONNECT
    assert "The token waited too long" in response.content.decode()
    assert not ChannelAccount.objects.filter(kind="viber").exists()


def test_confirming_without_a_token_sends_the_admin_back_to_paste_one(viber, adam):
    response = adam.get(CONFIRM, follow=True)

    assert response.redirect_chain[-1][0] == CONNECT
    assert "Paste it again" in response.content.decode()


def test_a_refused_webhook_leaves_the_bot_needing_a_reconnect(viber, adam):
    paste(adam, ACME_TOKEN)
    requests.post(
        f"{viber.url}/_sandbox/faults", json={"fault": "invalid_token", "count": 1}, timeout=5
    ).raise_for_status()

    response = adam.post(CONFIRM, {}, follow=True)

    account = ChannelAccount.objects.get(kind="viber")
    assert response.redirect_chain[-1][0] == f"/settings/channels/{account.pk}/"
    text = response.content.decode()
    assert "Acme Support is saved but not connected" in text
    assert "Viber refused the webhook" in text
    assert "Needs reconnect" in text
    assert account.status == ChannelAccount.Status.NEEDS_RECONNECT
    assert "Viber refused the webhook" in account.status_reason
    assert f'href="{CONNECT}?account={account.pk}"' in text


def test_it_reconnects_a_bot_that_needed_it(viber, world, adam):
    old = ChannelAccount.objects.create(
        kind="viber",
        external_id=ACME_BOT,
        name="Acme (old name)",
        credentials={"auth_token": "revoked-token"},
        status=ChannelAccount.Status.NEEDS_RECONNECT,
        status_reason="The bot token is not valid.",
    )
    old.teams.add(world.sales)

    start = adam.get(f"{CONNECT}?account={old.pk}").content.decode()
    assert "Reconnect <bdi>Acme (old name)</bdi>" in start
    paste(adam, ACME_TOKEN, f"?account={old.pk}")
    confirm = adam.get(CONFIRM).content.decode()
    assert "another bot" not in confirm
    # The teams that work it stay ticked.
    sales = re.search(rf'<input[^>]*value="{world.sales.pk}"[^>]*>', confirm).group(0)
    assert "checked" in sales

    response = adam.post(CONFIRM, {"teams": [world.sales.pk]}, follow=True)

    assert "Connected the Viber bot Acme Support" in response.content.decode()
    old.refresh_from_db()
    assert old.status == ChannelAccount.Status.ACTIVE
    assert old.status_reason == ""
    assert old.name == "Acme Support"
    assert old.credentials == {"auth_token": ACME_TOKEN}
    assert list(old.teams.all()) == [world.sales]
    assert ChannelAccount.objects.filter(kind="viber").count() == 1


def test_reconnecting_with_another_bots_token_says_so(viber, adam):
    old = ChannelAccount.objects.create(
        kind="viber",
        external_id=ACME_BOT,
        name="Acme Support",
        credentials={"auth_token": "revoked-token"},
    )

    paste(adam, KAFE_TOKEN, f"?account={old.pk}")
    page = adam.get(CONFIRM).content.decode()

    assert "Kafe Helios" in page
    assert "This token belongs to another bot than <bdi>Acme Support</bdi>" in page
