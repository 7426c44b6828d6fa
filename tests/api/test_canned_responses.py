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


# --- search, one response, changes and deletion -------------------------------------------


def item_url(response) -> str:
    return f"{URL}{response.pk}/"


def patch(world, user, response, data):
    return world.api_for(user).patch(item_url(response), data, content_type="application/json")


def test_the_list_searches_title_shortcut_and_body_in_any_script(world, library):
    CannedResponse.objects.create(
        title="Доставка", shortcut="dostavka", body="Посылка в пути", owner=world.alice
    )
    api = world.api_for(world.alice)

    found = api.get(URL, {"q": "ПОСЫЛКА"}).json()["results"]

    assert [r["shortcut"] for r in found] == ["dostavka"]
    assert [r["shortcut"] for r in api.get(URL, {"q": "body of sup"}).json()["results"]] == [
        "support"
    ]


@pytest.mark.parametrize(
    ("scope", "expected"),
    [("personal", ["alices"]), ("team", ["support"]), ("everyone", ["everyone"]), ("", None)],
)
def test_the_list_narrows_to_one_scope(world, library, scope, expected):
    response = world.api_for(world.alice).get(URL, {"scope": scope})

    assert response.status_code == 200
    found = [r["shortcut"] for r in response.json()["results"]]
    assert found == (expected or ["alices", "everyone", "support"])


def test_an_unknown_scope_is_a_400_listing_the_scopes(world, library):
    response = world.api_for(world.alice).get(URL, {"scope": "mine"})

    assert response.status_code == 400
    assert "personal, team, everyone" in response.json()["scope"][0]


def test_an_item_says_its_scope(world, library):
    items = {r["shortcut"]: r for r in world.api_for(world.alice).get(URL).json()["results"]}

    assert items["alices"]["scope"] == "personal"
    assert items["support"]["scope"] == "team"
    assert items["everyone"]["scope"] == "everyone"


@pytest.mark.parametrize(
    ("who", "what", "status"),
    [
        ("alice", "alices", 200),
        ("alice", "support", 200),
        ("alice", "everyone", 200),
        ("alice", "bobs", 404),
        ("alice", "sales", 404),
        ("charlie", "support", 404),
        ("adam", "sales", 200),
    ],
)
def test_one_response_is_there_for_whoever_may_use_or_manage_it(world, library, who, what, status):
    response = world.api_for(getattr(world, who)).get(item_url(library[what]))

    assert response.status_code == status
    if status == 200:
        assert response.json()["shortcut"] == what


@pytest.mark.parametrize(
    ("who", "what", "status"),
    [
        ("alice", "alices", 200),
        ("alice", "support", 403),
        ("alice", "everyone", 403),
        ("alice", "bobs", 404),
        ("lena", "support", 200),
        ("lena", "everyone", 403),
        ("charlie", "support", 404),
        ("adam", "everyone", 200),
        ("adam", "sales", 200),
    ],
)
def test_changes_follow_the_sharing_rules(world, library, who, what, status):
    response = patch(world, getattr(world, who), library[what], {"title": "Changed"})

    assert response.status_code == status
    library[what].refresh_from_db()
    assert (library[what].title == "Changed") is (status == 200)
    if status == 403:
        assert "Only" in response.json()["detail"]


def test_a_patch_changes_only_what_it_names(world, library):
    changes = {"body": "Hi {customer_first_name}", "language": "el"}

    response = patch(world, world.alice, library["alices"], changes)

    assert response.status_code == 200
    assert response.json()["body"] == "Hi {customer_first_name}"
    assert response.json()["language"] == "el"
    assert response.json()["title"] == "Alices" and response.json()["shortcut"] == "alices"
    assert response.json()["scope"] == "personal"


def test_a_patch_to_a_taken_shortcut_or_a_bad_one_is_refused(world, library):
    CannedResponse.objects.create(title="Two", shortcut="two", body="b", owner=world.alice)

    taken = patch(world, world.alice, library["alices"], {"shortcut": "two"})
    assert taken.status_code == 400
    assert "/two is already taken" in taken.json()["detail"]

    bad = patch(world, world.alice, library["alices"], {"shortcut": "two words"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"shortcut"}
    library["alices"].refresh_from_db()
    assert library["alices"].shortcut == "alices"


def test_a_lead_cannot_move_a_team_response_to_everyone(world, library):
    response = patch(world, world.lena, library["support"], {"team": None, "shared": True})

    assert response.status_code == 403
    assert "Only admins" in response.json()["detail"]


def test_an_admin_shares_a_team_response_with_everyone(world, library):
    response = patch(world, world.adam, library["support"], {"team": None, "shared": True})

    assert response.status_code == 200
    assert response.json()["scope"] == "everyone"
    assert "support" in shortcuts(world, world.charlie)


@pytest.mark.parametrize(
    ("who", "what", "status"),
    [
        ("alice", "alices", 204),
        ("alice", "support", 403),
        ("bob", "alices", 404),
        ("lena", "support", 204),
        ("lena", "sales", 404),
        ("adam", "everyone", 204),
    ],
)
def test_deleting_follows_the_sharing_rules(world, library, who, what, status):
    response = world.api_for(getattr(world, who)).delete(item_url(library[what]))

    assert response.status_code == status
    assert CannedResponse.objects.filter(pk=library[what].pk).exists() is (status != 204)


def test_a_missing_response_is_a_404_not_a_500(world):
    api = world.api_for(world.adam)

    assert api.get(f"{URL}999999/").status_code == 404
    assert api.patch(f"{URL}999999/", {}, content_type="application/json").status_code == 404
    assert api.delete(f"{URL}999999/").status_code == 404
