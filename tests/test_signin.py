"""Sign-in protection: failed sign-ins are locked out for a while on the login page, the
admin's login and the API token endpoint; a success clears them; an idle session ends.

Alice is an agent, Adam an admin. The limits are the shipped defaults unless a test says.
"""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client

from inbox.signin import LAST_SEEN
from socialcare import settings as shipped

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
WRONG = "Tr0ub4dor&3"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
TOKEN = "/api/v1/auth/token/"


def login(client: Client, username: str, password: str, url: str = LOGIN):
    return client.post(url, {"username": username, "password": password})


def token(client: Client, username: str, password: str):
    return client.post(
        TOKEN, {"username": username, "password": password}, content_type="application/json"
    )


def fail(times: int, client: Client, username: str, url: str = LOGIN) -> None:
    for _ in range(times):
        response = login(client, username, WRONG, url)
        assert response.status_code in (200, 429)


def test_it_is_on_as_shipped():
    assert shipped.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert shipped.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert (shipped.SOCIALCARE_LOGIN_FAILURE_LIMIT, shipped.SOCIALCARE_LOGIN_COOLOFF_MINUTES) == (
        5,
        15,
    )
    assert shipped.SESSION_COOKIE_AGE == shipped.SOCIALCARE_SESSION_IDLE_MINUTES * 60 == 720 * 60


def test_it_locks_the_login_page_after_repeated_failures_even_for_the_right_password(world):
    client = Client()
    limit = settings.SOCIALCARE_LOGIN_FAILURE_LIMIT
    fail(limit - 1, client, "alice")
    assert login(client, "alice", WRONG).status_code == 429

    response = login(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text
    assert f"locked for {settings.SOCIALCARE_LOGIN_COOLOFF_MINUTES} minutes" in response.text
    assert response["Retry-After"] == str(settings.SOCIALCARE_LOGIN_COOLOFF_MINUTES * 60)
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still signed out


def test_it_unlocks_after_the_cool_off(world):
    client = Client()
    fail(settings.SOCIALCARE_LOGIN_FAILURE_LIMIT, client, "alice")
    assert login(client, "alice", PASSWORD).status_code == 429

    # The cool-off passes: the failures are that much older.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time")
        - timedelta(minutes=settings.SOCIALCARE_LOGIN_COOLOFF_MINUTES)
    )

    assert login(client, "alice", PASSWORD).status_code == 302


def test_it_shows_the_lockout_in_the_agents_language(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="el")
    fail(settings.SOCIALCARE_LOGIN_FAILURE_LIMIT, client, "alice")

    response = login(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert '<html lang="el"' in response.text


def test_a_success_clears_the_failures(world):
    client = Client()
    limit = settings.SOCIALCARE_LOGIN_FAILURE_LIMIT
    fail(limit - 1, client, "alice")
    assert login(client, "alice", PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    fail(limit - 1, client, "alice")

    assert login(client, "alice", PASSWORD).status_code == 302


def test_one_persons_failures_do_not_lock_a_colleague_at_the_same_address(world):
    client = Client()
    fail(settings.SOCIALCARE_LOGIN_FAILURE_LIMIT, client, "alice")

    assert login(client, "bob", PASSWORD).status_code == 302


def test_an_address_trying_many_usernames_is_locked(world):
    client = Client()
    limit = settings.SOCIALCARE_LOGIN_ADDRESS_FAILURE_LIMIT
    for number in range(limit):
        assert login(client, f"guess{number}", WRONG).status_code in (200, 429)

    assert login(client, "bob", PASSWORD).status_code == 429
    # Another address is not concerned.
    assert login(Client(REMOTE_ADDR="192.0.2.7"), "bob", PASSWORD).status_code == 302


def test_it_locks_the_admin_login_too(world):
    client = Client()
    fail(settings.SOCIALCARE_LOGIN_FAILURE_LIMIT, client, "adam", ADMIN_LOGIN)

    response = login(client, "adam", PASSWORD, ADMIN_LOGIN)

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text


def test_the_login_page_and_the_admin_share_the_count(world):
    client = Client()
    limit = settings.SOCIALCARE_LOGIN_FAILURE_LIMIT
    fail(limit - 1, client, "adam", ADMIN_LOGIN)
    fail(1, client, "adam", LOGIN)

    assert login(client, "adam", PASSWORD, ADMIN_LOGIN).status_code == 429


def test_it_locks_the_token_endpoint_with_a_json_answer(world):
    client = Client()
    for _ in range(settings.SOCIALCARE_LOGIN_FAILURE_LIMIT):
        assert token(client, "alice", WRONG).status_code in (400, 429)

    response = token(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["detail"]
    assert "Retry-After" in response
    # The page's lock and the API's are one: the login page refuses Alice too.
    assert login(client, "alice", PASSWORD).status_code == 429


def test_a_token_success_clears_the_failures(world):
    client = Client()
    limit = settings.SOCIALCARE_LOGIN_FAILURE_LIMIT
    for _ in range(limit - 1):
        token(client, "alice", WRONG)
    assert token(client, "alice", PASSWORD).status_code == 200

    for _ in range(limit - 1):
        token(client, "alice", WRONG)

    assert token(client, "alice", PASSWORD).status_code == 200


# --- idle sessions ----------------------------------------------------------------------------


def idle(client: Client, seconds: float) -> None:
    """Move the session's last use back in time, as if nobody touched it since."""
    session = client.session
    session[LAST_SEEN] = time.time() - seconds
    session.save()


def test_an_idle_session_is_signed_out(world):
    client = world.client_for(world.alice)
    assert client.get("/").status_code == 200

    idle(client, settings.SOCIALCARE_SESSION_IDLE_MINUTES * 60 + 1)

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_using_the_inbox_keeps_the_session(world):
    client = world.client_for(world.alice)
    client.get("/")
    idle(client, settings.SOCIALCARE_SESSION_IDLE_MINUTES * 60 - 60)

    assert client.get("/").status_code == 200

    assert time.time() - client.session[LAST_SEEN] < 60  # the idle time starts again


def test_the_live_stream_alone_does_not_keep_a_session_alive(world):
    client = world.client_for(world.alice)
    client.get("/")
    limit = settings.SOCIALCARE_SESSION_IDLE_MINUTES * 60
    idle(client, limit - 30)

    # An open tab's automatic requests: live counts, presence heartbeats.
    assert client.get("/folders/", HTTP_HX_REQUEST="true").status_code == 200
    session = client.session
    assert time.time() - session[LAST_SEEN] > limit - 60
    idle(client, limit + 1)
    assert client.get("/").status_code == 302
