"""`manage.py channels add facebook` connects a Page like the settings screen does."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from inbox.models import ChannelAccount
from tests.facebook.pages import PAGE_ID, graph_calls, inject


def add(*extra: str) -> str:
    out = StringIO()
    call_command(
        "channels",
        "add",
        "facebook",
        "--name",
        "Northwind Outdoor",
        "--page-id",
        PAGE_ID,
        "--access-token",
        "EAAGpage-secret-token",
        *extra,
        stdout=out,
    )
    return out.getvalue().strip()


def test_it_stores_the_page_encrypted_and_subscribes_its_webhooks(
    world, fake_graph, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        account_id = add("--team", "Support")

    account = ChannelAccount.objects.get(pk=account_id)
    assert account.credentials["access_token"] == "EAAGpage-secret-token"
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM inbox_channelaccount WHERE id = %s", [account.pk])
        raw = str(cursor.fetchone()[0])
    assert "EAAGpage-secret-token" not in raw
    [subscribe] = graph_calls(fake_graph, "POST", f"{PAGE_ID}/subscribed_apps")
    fields = str(subscribe["subscribed_fields"])
    for field in ("messages", "message_echoes", "feed", "ratings"):
        assert field in fields
    # ...and it read back the last days (nothing there yet).
    assert graph_calls(fake_graph, "GET", f"{PAGE_ID}/conversations")


def test_a_token_facebook_refuses_is_reported(world, fake_graph) -> None:
    inject(fake_graph, "invalid_token")

    with pytest.raises(CommandError, match="190"):
        add()
    assert ChannelAccount.objects.filter(external_id=PAGE_ID).exists()


def test_removing_the_page_unsubscribes_it(world, fake_graph) -> None:
    account_id = add()

    call_command("channels", "remove", account_id, "--no-input", stdout=StringIO())

    assert graph_calls(fake_graph, "DELETE", f"{PAGE_ID}/subscribed_apps")
    assert not ChannelAccount.objects.filter(pk=account_id).exists()
