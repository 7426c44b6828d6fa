"""The OpenAPI schema is for signed-in users and tokens, unless the operator opens it."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SCHEMA = "/api/v1/schema/"


def test_it_refuses_the_schema_to_the_anonymous(world):
    response = Client().get(SCHEMA, {"format": "json"})

    assert response.status_code == 401
    assert "/api/v1/conversations/" not in response.content.decode()


def test_it_serves_the_schema_to_a_token(world):
    response = world.api_for(world.charlie).get(SCHEMA, {"format": "json"})

    assert response.status_code == 200
    assert "/api/v1/conversations/" in response.json()["paths"]


def test_it_serves_the_schema_to_a_signed_in_agent(world):
    response = world.client_for(world.alice).get(SCHEMA, {"format": "json"})

    assert response.status_code == 200


def test_the_operator_can_open_the_schema_to_anyone(world, settings):
    settings.SOCIALCARE_API_SCHEMA_PUBLIC = True

    response = Client().get(SCHEMA, {"format": "json"})

    assert response.status_code == 200
    assert "/api/v1/conversations/" in response.json()["paths"]


def test_opening_the_schema_opens_nothing_else(world, settings):
    settings.SOCIALCARE_API_SCHEMA_PUBLIC = True

    assert Client().get("/api/v1/conversations/").status_code == 401
