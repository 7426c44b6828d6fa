"""`manage.py channels add|list|remove`: connecting accounts from the shell."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from inbox.models import ChannelAccount, Conversation
from tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("channels", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def add_shop(*extra: str) -> tuple[str, str]:
    return run(
        "add",
        "testchannel",
        "--name",
        "Acme Shop",
        "--account-id",
        "shop-1",
        "--token",
        "EAAG-very-secret-shop-token",
        *extra,
    )


def raw_credentials(account_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM inbox_channelaccount WHERE id = %s", [account_id])
        return cursor.fetchone()[0]


def test_it_connects_an_account_and_prints_only_its_id(world):
    out, err = add_shop("--team", "Support", "--team", "Sales")

    account = ChannelAccount.objects.get(external_id="shop-1")
    assert out.strip() == str(account.pk)
    assert "Acme Shop" in err
    assert account.kind == "testchannel"
    assert account.name == "Acme Shop"
    assert account.credentials == {"account_id": "shop-1", "token": "EAAG-very-secret-shop-token"}
    assert {t.name for t in account.teams.all()} == {"Support", "Sales"}


def test_it_stores_the_token_encrypted(world):
    out, _err = add_shop()

    raw = raw_credentials(int(out))
    assert "EAAG-very-secret" not in raw
    assert "shop-1" not in raw


def test_it_updates_the_same_account_when_added_again(world):
    first, _ = add_shop()
    again, _ = run(
        "add", "testchannel", "--name", "Acme Shop EU", "--account-id", "shop-1", "--token", "new"
    )

    assert again == first
    account = ChannelAccount.objects.get(pk=int(first))
    assert account.name == "Acme Shop EU"
    assert account.credentials["token"] == "new"


def test_it_names_the_missing_flags(world):
    with pytest.raises(CommandError, match="--account-id, --token"):
        run("add", "testchannel", "--name", "Acme Shop")

    assert not ChannelAccount.objects.filter(name="Acme Shop").exists()


def test_it_refuses_an_unknown_kind(world):
    with pytest.raises(CommandError, match="invalid choice: 'myspace'"):
        run("add", "myspace", "--name", "Old times")


def test_it_refuses_an_unknown_team_and_lists_the_teams(world):
    with pytest.raises(CommandError, match="No team named Marketing. Teams: Sales, Support"):
        add_shop("--team", "Marketing")

    assert not ChannelAccount.objects.filter(external_id="shop-1").exists()


@pytest.mark.parametrize(
    ("kind", "flags"),
    [
        ("testchannel", ["--account-id", "--token"]),
        ("facebook", ["--page-id", "--access-token"]),
        ("instagram", ["--account-id", "--access-token"]),
        ("twitter", ["--account-id", "--access-token", "--refresh-token"]),
        ("viber", ["--auth-token"]),
    ],
)
def test_it_lists_each_channels_fields_in_its_help(kind, flags, capsys):
    with pytest.raises(SystemExit):
        call_command("channels", "add", kind, "--help")

    help_text = capsys.readouterr().out
    assert "--name" in help_text
    assert "--team" in help_text
    for flag in flags:
        assert flag in help_text


def test_it_runs_the_adapters_connect_step(world, test_channel):
    connected = []
    test_channel.on_connect = lambda account: connected.append(account.external_id)

    add_shop()

    assert connected == ["shop-1"]


def test_it_reports_a_failed_connect_step_and_keeps_the_account(world, test_channel):
    def on_connect(account):
        raise RuntimeError("the platform refused the webhook subscription")

    test_channel.on_connect = on_connect

    with pytest.raises(CommandError, match="refused the webhook subscription"):
        add_shop()

    assert ChannelAccount.objects.filter(external_id="shop-1").exists()


def test_it_lists_accounts_as_a_table(world):
    world.acme.credentials = {"account_id": "acme-page", "token": "EAAG-secret-acme"}
    world.acme.save()

    out, _err = run("list")

    header, *rows = out.strip().splitlines()
    assert header.split() == ["id", "kind", "name", "platform", "id", "status", "teams"]
    acme = next(row for row in rows if "acme-page" in row)
    assert acme.split()[:3] == [str(world.acme.pk), "testchannel", "Acme"]
    assert acme.endswith("active  Support")
    assert "EAAG-secret" not in out


def test_it_lists_accounts_as_json_without_credentials(world):
    world.acme.status = ChannelAccount.Status.NEEDS_RECONNECT
    world.acme.status_reason = "The token was revoked."
    world.acme.credentials = {"account_id": "acme-page", "token": "EAAG-secret-acme"}
    world.acme.save()

    out, _err = run("list", "--json")

    accounts = {a["external_id"]: a for a in json.loads(out)}
    assert accounts["acme-page"] == {
        "id": world.acme.pk,
        "kind": "testchannel",
        "name": "Acme",
        "external_id": "acme-page",
        "status": "needs_reconnect",
        "status_reason": "The token was revoked.",
        "simulated": False,
        "teams": ["Support"],
    }
    assert accounts["sales-page"]["teams"] == ["Sales"]
    assert "EAAG-secret" not in out


def test_it_says_when_no_account_is_connected(db):
    out, err = run("list")

    assert out == ""
    assert "channels add" in err
    assert json.loads(run("list", "--json")[0]) == []


def test_it_removes_an_account_with_its_conversations(world):
    ConversationFactory(account=world.acme)

    _out, err = run("remove", str(world.acme.pk))

    assert not ChannelAccount.objects.filter(pk=world.acme.pk).exists()
    assert not Conversation.objects.filter(account_id=world.acme.pk).exists()
    assert ChannelAccount.objects.filter(pk=world.other.pk).exists()
    assert "with its 1 conversation" in err


def test_it_refuses_to_remove_an_unknown_account(world):
    with pytest.raises(CommandError, match="No channel account with id 999"):
        run("remove", "999")


def test_it_refuses_an_id_that_is_not_a_number(world):
    with pytest.raises(CommandError, match="invalid int value: 'acme'"):
        run("remove", "acme")


def test_it_asks_for_an_action(world):
    with pytest.raises(CommandError, match="required"):
        run()


@pytest.mark.parametrize("kind", ["instagram", "twitter"])
def test_it_says_a_stand_in_channel_is_simulated(world, kind):
    _out, err = run(
        "add", kind, "--name", "Stand-in", "--account-id", "stand-in-1", "--access-token", "t"
    )

    assert "simulated stand-in" in err
    listed = {a["external_id"]: a for a in json.loads(run("list", "--json")[0])}
    assert listed["stand-in-1"]["simulated"] is True
    assert listed["acme-page"]["simulated"] is False
    row = next(line for line in run("list")[0].splitlines() if "stand-in-1" in line)
    assert "active (simulated)" in row


def test_it_does_not_call_a_built_channel_simulated(world):
    _out, err = add_shop()

    assert "simulated" not in err
