"""Presence: who else is viewing or replying to a conversation, so nobody answers twice."""

import json

import pytest

from inbox import presence, realtime
from tests.factories import ConversationFactory
from tests.live import broker  # noqa: F401 - the fixture the tests below use

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("broker")]

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def convo(world):
    return ConversationFactory(account=world.acme)


@pytest.fixture
def clock(monkeypatch):
    """Presence's clock, moved forward by the test."""
    now = [presence._now()]
    monkeypatch.setattr(presence, "_now", lambda: now[0])
    return now


def say(world, user, convo, state):
    return world.client_for(user).post(f"/c/{convo.pk}/presence/", {"state": state}, **HTMX)


def header_of(world, user, convo) -> str:
    return world.client_for(user).get(f"/c/{convo.pk}/", **HTMX).content.decode()


def test_a_teammate_viewing_shows_in_the_header(world, convo):
    say(world, world.bob, convo, "viewing")

    assert "<bdi>Bob</bdi> is viewing" in header_of(world, world.alice, convo)


def test_nobody_is_told_about_themselves(world, convo):
    say(world, world.alice, convo, "viewing")

    assert "is viewing" not in header_of(world, world.alice, convo)


def test_a_teammate_typing_shows_as_replying(world, convo):
    say(world, world.bob, convo, "typing")

    assert "<bdi>Bob</bdi> is replying…" in header_of(world, world.alice, convo)


def test_replying_turns_back_into_viewing_when_the_typing_stops(world, convo, clock):
    say(world, world.bob, convo, "typing")
    clock[0] += presence.TYPING_SECONDS + 1

    html = header_of(world, world.alice, convo)

    assert "<bdi>Bob</bdi> is viewing" in html
    assert "is replying" not in html


def test_presence_expires_without_a_renewal(world, convo, clock):
    say(world, world.bob, convo, "viewing")
    assert "<bdi>Bob</bdi> is viewing" in header_of(world, world.alice, convo)
    clock[0] += presence.TTL_SECONDS + 1

    assert "is viewing" not in header_of(world, world.alice, convo)


def test_a_renewal_keeps_the_presence(world, convo, clock):
    say(world, world.bob, convo, "viewing")
    clock[0] += presence.TTL_SECONDS - 5
    say(world, world.bob, convo, "viewing")
    clock[0] += 10

    assert "<bdi>Bob</bdi> is viewing" in header_of(world, world.alice, convo)


def test_leaving_ends_the_presence_at_once(world, convo):
    say(world, world.bob, convo, "viewing")
    assert "<bdi>Bob</bdi> is viewing" in header_of(world, world.alice, convo)
    say(world, world.bob, convo, "left")

    assert "is viewing" not in header_of(world, world.alice, convo)


def test_everyone_else_is_listed_those_replying_first(world, convo):
    say(world, world.bob, convo, "viewing")
    say(world, world.lena, convo, "typing")
    say(world, world.alice, convo, "viewing")

    response = say(world, world.adam, convo, "viewing")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Lena</bdi> is replying") < html.index("Alice</bdi> is viewing")
    assert html.index("Alice</bdi> is viewing") < html.index("Bob</bdi> is viewing")
    assert "Adam" not in html


def test_the_answer_to_a_renewal_is_who_else_is_here(world, convo):
    say(world, world.bob, convo, "viewing")

    response = world.client_for(world.alice).get(f"/c/{convo.pk}/presence/", **HTMX)

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="presence"')
    assert "<bdi>Bob</bdi> is viewing" in response.content.decode()


def test_a_name_is_escaped(world, convo):
    world.bob.first_name = "<b>Bob</b>"
    world.bob.save()

    say(world, world.bob, convo, "viewing")

    html = header_of(world, world.alice, convo)
    assert "<b>Bob</b>" not in html
    assert "&lt;b&gt;Bob&lt;/b&gt;" in html


def test_changes_are_published_to_the_conversation_but_renewals_are_not(world, convo):
    with realtime.subscription(realtime.account_streams(world.acme.pk)) as get:
        say(world, world.bob, convo, "viewing")
        say(world, world.bob, convo, "viewing")
        say(world, world.bob, convo, "typing")
        say(world, world.bob, convo, "left")

        events = []
        while (data := get(0.5)) is not None:
            events.append(json.loads(data))

    assert [e["state"] for e in events] == ["viewing", "typing", "left"]
    assert events[0] == {
        "type": "presence",
        "conversation": convo.pk,
        "actor": world.bob.pk,
        "state": "viewing",
    }


def test_an_unknown_state_is_refused_with_what_to_send(world, convo):
    response = say(world, world.bob, convo, "sleeping")

    assert response.status_code == 400
    assert "viewing, typing or left" in response.content.decode()


def test_an_agent_of_another_team_cannot_be_present(world, convo):
    response = say(world, world.charlie, convo, "viewing")

    assert response.status_code == 404
    assert "Charlie" not in header_of(world, world.alice, convo)


def test_a_page_leaving_without_htmx_gets_an_empty_answer(world, convo):
    say(world, world.bob, convo, "viewing")

    response = world.client_for(world.bob).post(f"/c/{convo.pk}/presence/", {"state": "left"})

    assert response.status_code == 204
    assert "is viewing" not in header_of(world, world.alice, convo)


def test_visitors_not_logged_in_are_sent_to_log_in(client, convo):
    response = client.post(f"/c/{convo.pk}/presence/", {"state": "viewing"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
