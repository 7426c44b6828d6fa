"""POST /api/v1/auth/token/: a username and password for the user's API token."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
PASSWORD = "correct horse battery staple"


def post(body: object, **extra):
    return Client().post(URL, body, content_type="application/json", **extra)


def test_it_gives_a_user_their_token_creating_it_once(world):
    first = post({"username": "alice", "password": PASSWORD})
    again = post({"username": "alice", "password": PASSWORD})

    assert first.status_code == 200
    key = first.json()["token"]
    assert again.json()["token"] == key
    assert Token.objects.get(user=world.alice).key == key
    conversations = Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/conversations/")
    assert conversations.status_code == 200


def test_it_gives_the_token_that_exists_already(world):
    existing = Token.objects.create(user=world.bob)

    assert post({"username": "bob", "password": PASSWORD}).json() == {"token": existing.key}


def test_it_records_the_sign_in_without_starting_a_session(world):
    response = post({"username": "alice", "password": PASSWORD})

    world.alice.refresh_from_db()
    assert world.alice.last_login is not None
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize(
    "body",
    [
        {"username": "alice", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
    ],
)
def test_wrong_credentials_are_a_400_that_does_not_say_which(world, body):
    response = post(body)

    assert response.status_code == 400
    assert response.json() == {"detail": "Wrong username or password."}
    assert not Token.objects.exists()


def test_an_inactive_user_gets_no_token(world):
    world.alice.is_active = False
    world.alice.save()

    assert post({"username": "alice", "password": PASSWORD}).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "alice"},
        {"username": 5, "password": PASSWORD},
        {"username": "alice", "password": ["x"]},
        {"username": "a" * 151, "password": PASSWORD},
        {"username": "al\x00ice", "password": PASSWORD},
        [],
        "alice",
    ],
)
def test_malformed_bodies_are_a_400_naming_the_field(world, body):
    response = post(body)

    assert response.status_code == 400
    assert response.json()


def test_it_needs_no_csrf_token_and_ignores_a_session(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.bob)

    response = client.post(
        URL, {"username": "alice", "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=world.alice).key


def test_the_schema_documents_it(world):
    schema = world.api_for(world.alice).get("/api/v1/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    request = schema["components"]["schemas"][body.rsplit("/", 1)[-1]]
    assert set(request["required"]) == {"username", "password"}
    assert {"200", "400", "429"} <= set(operation["responses"])
    assert "401" not in operation["responses"]
