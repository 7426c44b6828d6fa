"""The OpenAPI schema, and that no endpoint answers anyone without credentials."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("get", "/api/v1/conversations/"),
    ("get", "/api/v1/conversations/{id}/"),
    ("patch", "/api/v1/conversations/{id}/"),
    ("get", "/api/v1/conversations/{id}/messages/"),
    ("post", "/api/v1/conversations/{id}/replies/"),
    ("get", "/api/v1/conversations/{id}/notes/"),
    ("post", "/api/v1/conversations/{id}/notes/"),
    ("post", "/api/v1/messages/{id}/retry/"),
    ("get", "/api/v1/canned-responses/"),
    ("post", "/api/v1/canned-responses/"),
    ("get", "/api/v1/accounts/"),
    ("get", "/api/v1/labels/"),
    ("get", "/api/v1/teams/"),
]


def test_the_schema_names_every_endpoint(world):
    response = world.api_for(world.alice).get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for method, path in ENDPOINTS:
        assert method in schema["paths"][path], (method, path)


def test_the_schema_documents_the_conversation_filters(world):
    schema = world.api_for(world.alice).get("/api/v1/schema/", {"format": "json"}).json()

    parameters = schema["paths"]["/api/v1/conversations/"]["get"]["parameters"]
    assert {"status", "channel", "kind", "assignee", "team", "page"} <= {
        p["name"] for p in parameters
    }


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_answers_401_to_the_anonymous(world, conversation, method, path):
    message = conversation.messages.get()
    url = path.replace("{id}", str(message.pk if "messages/" in path else conversation.pk))

    response = getattr(Client(), method)(url, {}, content_type="application/json")

    assert response.status_code == 401


@pytest.mark.parametrize(
    "path", ["/api/v1/teams/", "/api/v1/conversations/", "/api/v1/accounts/", "/api/v1/labels/"]
)
def test_a_browser_asking_for_html_gets_json_not_an_error(world, path):
    client = world.client_for(world.adam)

    response = client.get(path, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "results" in response.json()
