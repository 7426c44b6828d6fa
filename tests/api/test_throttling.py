"""DRF throttles: anonymous callers, users and the token endpoint are slowed with a 429;
with the cache (Redis) down, requests go through instead of failing."""

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client

from inbox import outage
from socialcare import settings as shipped

pytestmark = pytest.mark.django_db

RATES = {"anon": "3/min", "user": "5/min", "auth-token": "2/min"}


@pytest.fixture
def throttled(settings, request):
    """The given rates, counted in a cache no other test shares."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES}
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"throttle-{request.node.name}",
        },
    }
    yield
    LocMemCache(f"throttle-{request.node.name}", {}).clear()


def test_it_slows_a_user_down_with_a_429_saying_when_to_retry(world, throttled):
    api = world.api_for(world.alice)
    for _ in range(5):
        assert api.get("/api/v1/teams/").status_code == 200

    response = api.get("/api/v1/teams/")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]
    # Each user has their own count.
    assert world.api_for(world.bob).get("/api/v1/teams/").status_code == 200


def test_it_slows_anonymous_callers_down(world, throttled, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**RATES, "auth-token": "100/min"},
    }
    body = {"username": "alice", "password": "wrong"}
    for _ in range(3):
        assert Client().post("/api/v1/auth/token/", body, "application/json").status_code == 400

    response = Client().post("/api/v1/auth/token/", body, "application/json")

    assert response.status_code == 429


def test_the_token_endpoint_has_its_own_tighter_rate(world, throttled):
    body = {"username": "alice", "password": "correct horse battery staple"}
    for _ in range(2):
        assert Client().post("/api/v1/auth/token/", body, "application/json").status_code == 200

    response = Client().post("/api/v1/auth/token/", body, "application/json")

    assert response.status_code == 429


def test_with_redis_down_requests_are_let_through(world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES}
    # Nothing listens on port 9: the connection is refused at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    api = world.api_for(world.alice)

    statuses = {api.get("/api/v1/teams/").status_code for _ in range(8)}

    assert statuses == {200}
    assert outage.is_down("redis://127.0.0.1:9/0")


def test_the_throttles_are_on_as_shipped():
    rest = shipped.REST_FRAMEWORK

    assert rest["DEFAULT_THROTTLE_RATES"] == {
        "anon": "60/min",
        "user": "1000/min",
        "auth-token": "10/min",
    }
    assert rest["DEFAULT_THROTTLE_CLASSES"] == [
        "inbox.api.throttling.AnonRateThrottle",
        "inbox.api.throttling.UserRateThrottle",
    ]
