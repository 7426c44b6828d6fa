"""Accounts, labels and teams: the ids a client needs to filter and to change things."""

import pytest

from inbox.models import ChannelAccount
from tests.factories import AccountFactory, LabelFactory

pytestmark = pytest.mark.django_db


def results(world, user, url) -> list[dict]:
    response = world.api_for(user).get(url)
    assert response.status_code == 200
    return response.json()["results"]


def test_an_agent_sees_the_accounts_their_teams_work_without_credentials(world):
    world.acme.credentials = {"account_id": "acme-page", "token": "s3cret-page-token"}
    world.acme.save()
    ChannelAccount.objects.filter(pk=world.acme.pk).update(
        status="needs_reconnect", status_reason="the token was revoked"
    )

    accounts = results(world, world.alice, "/api/v1/accounts/")

    assert accounts == [
        {
            "id": world.acme.pk,
            "kind": "testchannel",
            "name": "Acme",
            "avatar_url": "",
            "status": "needs_reconnect",
            "status_reason": "the token was revoked",
            "simulated": False,
        }
    ]
    assert "s3cret-page-token" not in str(accounts)


def test_an_admin_sees_every_account(world):
    names = [a["name"] for a in results(world, world.adam, "/api/v1/accounts/")]

    assert sorted(names) == ["Acme", "Acme Sales"]


def test_it_says_which_accounts_are_simulated_stand_ins(world):
    AccountFactory(kind="twitter", name="@acme", external_id="2244994945")

    accounts = {a["name"]: a for a in results(world, world.adam, "/api/v1/accounts/")}

    assert accounts["@acme"]["simulated"] is True
    assert accounts["Acme"]["simulated"] is False


def test_it_lists_the_labels(world):
    LabelFactory(name="vip", color="#ff0000")
    LabelFactory(name="refund")

    labels = results(world, world.charlie, "/api/v1/labels/")

    assert [label["name"] for label in labels] == ["refund", "vip"]
    assert labels[1]["color"] == "#ff0000"


def test_an_agent_sees_their_teams_and_an_admin_all_teams(world):
    assert [t["name"] for t in results(world, world.alice, "/api/v1/teams/")] == ["Support"]
    assert [t["name"] for t in results(world, world.charlie, "/api/v1/teams/")] == ["Sales"]
    assert [t["name"] for t in results(world, world.adam, "/api/v1/teams/")] == [
        "Sales",
        "Support",
    ]
