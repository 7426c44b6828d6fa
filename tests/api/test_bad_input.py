"""Bad input to the API: a 400 naming what to fix (or a JSON 404), never a 500, and a
schema that says what is checked. tests/api/test_fuzz_schema.py tries the rest at random."""

import pytest
from django.test import Client

from tests.factories import LabelFactory

pytestmark = pytest.mark.django_db


def patch(world, conversation, body):
    return world.api_for(world.lena).patch(
        f"/api/v1/conversations/{conversation.pk}/", body, content_type="application/json"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"team": -5586305192}, "team"),  # a DataError on PostgreSQL once
        ({"team": 2**63}, "team"),
        ({"team": 2**70}, "team"),
        ({"team": 0}, "team"),
        ({"team": "1"}, "team"),
        ({"team": True}, "team"),
        ({"team": 1.5}, "team"),
        ({"assignee": 2**31}, "assignee"),  # users have 32-bit ids
        ({"assignee": -1}, "assignee"),
        ({"labels": ["a\x00b"]}, "labels"),  # PostgreSQL refuses NUL in text
        ({"labels": ["x" * 65]}, "labels"),
        ({"labels": [5]}, "labels"),
        ({"labels": ["billing"] * 101}, "labels"),
        ({"priority": "1"}, "priority"),
        ({"status": ["open"]}, "status"),
    ],
)
def test_a_wrong_value_in_a_change_is_a_400_naming_it(world, conversation, body, field):
    LabelFactory(name="billing")

    response = patch(world, conversation, body)

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("replies", {"text": 5}, "text"),
        ("replies", {"text": "x" * 10_001}, "text"),
        ("replies", {"text": "hi", "private": "yes"}, "private"),
        ("replies", {"text": "hi", "mention_customer": 1}, "mention_customer"),
        ("notes", {"text": ["a"]}, "text"),
        ("notes", {"text": "x" * 10_001}, "text"),
    ],
)
def test_a_wrong_value_in_a_reply_or_note_is_a_400_naming_it(world, conversation, url, body, field):
    response = world.api_for(world.alice).post(
        f"/api/v1/conversations/{conversation.pk}/{url}/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": 0, "shortcut": "s", "body": "b"}, "title"),
        ({"title": "t", "shortcut": "s", "body": "b", "team": 2**64}, "team"),
        ({"title": "t", "shortcut": "s", "body": "b", "shared": "false"}, "shared"),
        ({"title": "t", "shortcut": "s", "body": "b" * 10_001}, "body"),
    ],
)
def test_a_wrong_value_in_a_canned_response_is_a_400_naming_it(world, body, field):
    response = world.api_for(world.adam).post(
        "/api/v1/canned-responses/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert field in response.json()


def test_the_api_reads_json_only(world, conversation):
    response = world.api_for(world.alice).post(
        f"/api/v1/conversations/{conversation.pk}/notes/", {"text": "hello"}
    )

    assert response.status_code == 415


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=last", "page"),
        ("page=²", "page"),
        ("page=" + "9" * 5000, "page"),
        ("page_size=0", "page_size"),
        ("page_size=201", "page_size"),
        ("page_size=null", "page_size"),
        ("team=-5586305192", "team"),
        ("team=" + "9" * 30, "team"),
        ("label=abc", "label"),
        ("assignee=" + "9" * 5000, "assignee"),
        ("assignee=2147483648", "assignee"),
        ("assignee=²", "assignee"),
        ("status=closed", "status"),
        ("unread=perhaps", "unread"),
        ("q=a%00b", "q"),
    ],
)
def test_a_wrong_filter_or_page_is_a_400_naming_it(world, conversation, query, field):
    response = world.api_for(world.alice).get(f"/api/v1/conversations/?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_a_page_past_the_last_is_a_json_404(world, conversation):
    response = world.api_for(world.alice).get("/api/v1/conversations/?page=99")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_the_canned_search_refuses_what_the_database_would(world):
    api = world.api_for(world.alice)

    assert api.get("/api/v1/canned-responses/?q=a%00b").status_code == 400
    assert api.get("/api/v1/canned-responses/?q=" + "x" * 201).status_code == 400
    assert api.get("/api/v1/canned-responses/?q=thanks").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/conversations/abc/"),
        ("get", "/api/v1/conversations/-1/"),
        ("post", "/api/v1/messages/null,null/retry/"),
        ("get", "/api/v1/nothing-here/"),
        ("get", "/api/v1/nothing-here"),
        ("get", "/api/v1/conversations/abc"),
    ],
)
def test_a_path_that_is_no_endpoint_is_a_json_404(world, method, path):
    response = getattr(world.api_for(world.alice), method)(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "There is no endpoint" in response.json()["detail"]


@pytest.mark.parametrize("method", ["get", "post", "patch"])
def test_an_endpoint_without_its_trailing_slash_is_sent_on_keeping_the_method(world, method):
    response = getattr(world.api_for(world.alice), method)("/api/v1/conversations?status=open")

    assert response.status_code == 308
    assert response["Location"] == "/api/v1/conversations/?status=open"


def test_a_client_that_follows_the_redirect_gets_the_endpoint(world):
    response = world.api_for(world.alice).get("/api/v1/teams", follow=True)

    assert response.status_code == 200
    assert "results" in response.json()


def test_a_post_to_no_endpoint_with_a_session_is_a_404_not_a_csrf_failure(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)

    response = client.post("/api/v1/messages/x/retry/")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_ids_past_the_database_range_in_paths_are_a_404(world):
    api = world.api_for(world.alice)

    for huge in (2**63, 10**30):
        assert api.get(f"/api/v1/conversations/{huge}/").status_code == 404
        assert api.post(f"/api/v1/messages/{huge}/retry/").status_code == 404
        assert api.get(f"/api/v1/canned-responses/{huge}/").status_code == 404


# --- what the schema says ---------------------------------------------------------------------


@pytest.fixture
def schema(world):
    return world.api_for(world.alice).get("/api/v1/schema/", {"format": "json"}).json()


def component(schema, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def body_of(schema, path: str, method: str) -> dict:
    content = schema["paths"][path][method]["requestBody"]["content"]
    assert list(content) == ["application/json"]
    return component(schema, content["application/json"]["schema"]["$ref"])


def test_the_schema_bounds_ids_to_the_database_range(schema):
    change = body_of(schema, "/api/v1/conversations/{id}/", "patch")["properties"]

    assert (change["team"]["minimum"], change["team"]["maximum"]) == (1, 2**63 - 1)
    assert (change["assignee"]["minimum"], change["assignee"]["maximum"]) == (1, 2**31 - 1)
    assert change["labels"]["items"]["maxLength"] == 64
    path_id = schema["paths"]["/api/v1/conversations/{id}/"]["get"]["parameters"][0]
    assert (path_id["schema"]["minimum"], path_id["schema"]["maximum"]) == (1, 2**63 - 1)


def test_the_schema_gives_lengths_enums_and_required_fields(schema):
    reply = body_of(schema, "/api/v1/conversations/{id}/replies/", "post")
    note = body_of(schema, "/api/v1/conversations/{id}/notes/", "post")
    canned = body_of(schema, "/api/v1/canned-responses/", "post")
    moderation = body_of(schema, "/api/v1/messages/{id}/moderate/", "post")

    assert reply["properties"]["text"]["maxLength"] == 10_000
    assert reply["required"] == ["text"]
    assert note["properties"]["text"]["maxLength"] == 10_000
    assert canned["properties"]["title"] == {"type": "string", "minLength": 1, "maxLength": 200}
    assert set(canned["required"]) == {"title", "shortcut", "body"}
    action = component(schema, moderation["properties"]["action"]["allOf"][0]["$ref"])
    assert set(action["enum"]) == {"hide", "unhide", "like", "unlike", "delete"}
    filters = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/v1/conversations/"]["get"]["parameters"]
    }
    assert set(filters["status"]["enum"]) == {"open", "follow_up", "done", ""}
    assert set(filters["kind"]["enum"]) >= {"direct", "comment", "review", "mention"}
    assert (filters["page_size"]["minimum"], filters["page_size"]["maximum"]) == (1, 200)
    assert filters["q"]["maxLength"] == 200


def test_the_schema_documents_the_error_answers_with_their_bodies(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "429" in responses, (method, path)
            if path != "/api/v1/auth/token/":
                assert responses["401"]["content"], (method, path)
            if "requestBody" in operation:
                shape = responses["400"]["content"]["application/json"]["schema"]["$ref"]
                assert shape.endswith("/ValidationError"), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
