"""Canned responses: each user sees their own, their teams' and everyone's."""

import pytest

from inbox.models import CannedResponse

pytestmark = pytest.mark.django_db

URL = "/api/v1/canned-responses/"


@pytest.fixture
def library(world):
    def make(shortcut, **kwargs):
        return CannedResponse.objects.create(
            title=shortcut.title(), shortcut=shortcut, body=f"Body of {shortcut}", **kwargs
        )

    return {
        "alices": make("alices", owner=world.alice),
        "bobs": make("bobs", owner=world.bob),
        "support": make("support", team=world.support),
        "sales": make("sales", team=world.sales),
        "everyone": make("everyone"),
    }


def shortcuts(world, user) -> list[str]:
    response = world.api_for(user).get(URL)
    assert response.status_code == 200
    return [r["shortcut"] for r in response.json()["results"]]


def post(world, user, data):
    return world.api_for(user).post(URL, data, content_type="application/json")


def test_each_user_sees_their_own_their_teams_and_everyones(world, library):
    assert shortcuts(world, world.alice) == ["alices", "everyone", "support"]
    assert shortcuts(world, world.bob) == ["bobs", "everyone", "support"]
    assert shortcuts(world, world.charlie) == ["everyone", "sales"]


def test_an_item_says_whether_it_is_shared(world, library):
    items = {r["shortcut"]: r for r in world.api_for(world.alice).get(URL).json()["results"]}

    assert items["alices"]["shared"] is False
    assert items["alices"]["team"] is None
    assert items["alices"]["body"] == "Body of alices"
    assert items["support"]["shared"] is True
    assert items["support"]["team"] == {"id": world.support.pk, "name": "Support"}


def test_an_agent_saves_a_personal_response(world):
    response = post(world, world.alice, {"title": "Thanks", "shortcut": "thx", "body": "Thanks!"})

    assert response.status_code == 201
    assert response.json()["shared"] is False
    assert shortcuts(world, world.alice) == ["thx"]
    assert shortcuts(world, world.bob) == []


def test_a_lead_shares_a_response_with_the_team(world):
    response = post(
        world,
        world.lena,
        {
            "title": "Hi",
            "shortcut": "привет",
            "body": "Hi {customer_first_name}",
            "team": world.support.pk,
            "language": "ru",
        },
    )

    assert response.status_code == 201
    assert response.json()["team"]["name"] == "Support"
    assert response.json()["language"] == "ru"
    assert shortcuts(world, world.alice) == ["привет"]
    assert shortcuts(world, world.charlie) == []


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (lambda w: {"team": w.support.pk}, "leads"),
        (lambda w: {"shared": True}, "Only admins"),
    ],
)
def test_an_agent_cannot_share_and_is_told_why(world, extra, says):
    response = post(
        world, world.alice, {"title": "T", "shortcut": "t", "body": "b", **extra(world)}
    )

    assert response.status_code == 403
    assert says in response.json()["detail"]
    assert not CannedResponse.objects.exists()


def test_an_admin_shares_with_everyone(world):
    response = post(world, world.adam, {"title": "T", "shortcut": "t", "body": "b", "shared": True})

    assert response.status_code == 201
    assert shortcuts(world, world.charlie) == ["t"]


def test_a_taken_shortcut_is_refused(world, library):
    response = post(world, world.alice, {"title": "Again", "shortcut": "alices", "body": "b"})

    assert response.status_code == 400
    assert "/alices is already taken" in response.json()["detail"]


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"title": "T", "shortcut": "two words", "body": "b"}, {"shortcut"}),
        ({"shortcut": "t"}, {"title", "body"}),
        ({"title": "T", "shortcut": "t", "body": "b", "team": 999999}, {"team"}),
    ],
)
def test_bad_input_names_the_fields(world, data, fields):
    response = post(world, world.lena, data)

    assert response.status_code == 400
    assert set(response.json()) == fields
