"""Each agent's language and time zone, on every page they open (inbox/middleware.py)."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory

from inbox.middleware import AgentLocaleMiddleware
from inbox.models import AgentProfile
from tests.factories import ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db

# 20:30 on the 1st of March in London is 05:30 on the 2nd in Tokyo.
EVENING_IN_UTC = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)


def prefers(user, **fields) -> None:
    AgentProfile.objects.update_or_create(user=user, defaults=fields)


def test_it_speaks_the_language_the_agent_chose(world):
    prefers(world.alice, language="he")

    response = world.client_for(world.alice).get("/")

    assert response.status_code == 200
    assert response["Content-Language"] == "he"
    assert '<html lang="he" dir="rtl">' in response.text


def test_the_agents_choice_wins_over_the_browser_and_the_cookie(world):
    prefers(world.alice, language="el")
    alice = world.client_for(world.alice)
    alice.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"

    response = alice.get("/", HTTP_ACCEPT_LANGUAGE="be")

    assert response["Content-Language"] == "el"
    assert '<html lang="el" dir="ltr">' in response.text


def test_an_agent_without_a_choice_gets_the_browsers_language(world):
    response = world.client_for(world.bob).get("/", HTTP_ACCEPT_LANGUAGE="ru,en;q=0.5")

    assert response["Content-Language"] == "ru"


def test_chinese_is_the_simplified_one(world):
    prefers(world.alice, language="zh-hans")

    response = world.client_for(world.alice).get("/")

    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans" dir="ltr">' in response.text


def test_a_visitor_on_the_login_page_gets_the_browsers_language(client, world):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="he")

    assert response["Content-Language"] == "he"
    assert 'dir="rtl"' in response.text


def test_a_visitor_gets_the_language_the_switcher_remembered(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "be"

    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="el")

    assert response["Content-Language"] == "be"


def test_times_are_shown_in_the_agents_time_zone(world):
    prefers(world.alice, time_zone="Asia/Tokyo")
    convo = ConversationFactory(account=world.acme, last_message_at=EVENING_IN_UTC)
    MessageFactory(conversation=convo, text="Hello?", platform_timestamp=EVENING_IN_UTC)

    tokyo = world.client_for(world.alice).get(f"/c/{convo.pk}/")
    server = world.client_for(world.bob).get(f"/c/{convo.pk}/")

    assert 'datetime="2026-03-02T05:30:00+09:00"' in tokyo.text
    assert 'datetime="2026-03-01T20:30:00+00:00"' in server.text


def test_a_zone_the_tz_database_no_longer_knows_falls_back_to_the_servers(world):
    prefers(world.alice, time_zone="Mars/Olympus_Mons")
    convo = ConversationFactory(account=world.acme)
    MessageFactory(conversation=convo, platform_timestamp=EVENING_IN_UTC)

    response = world.client_for(world.alice).get(f"/c/{convo.pk}/")

    assert response.status_code == 200
    assert 'datetime="2026-03-01T20:30:00+00:00"' in response.text


def test_a_language_no_longer_offered_falls_back_to_the_browsers(world):
    prefers(world.alice, language="tlh")

    response = world.client_for(world.alice).get("/", HTTP_ACCEPT_LANGUAGE="el")

    assert response["Content-Language"] == "el"


# --- the template filters, under the middleware ------------------------------------------


def render_times(user, now: datetime) -> str:
    """Render the filters the inbox uses, in a request that went through the middleware."""
    template = engines["django"].from_string(
        "{% load humanize %}{{ when|date:'Y-m-d H:i' }}|{{ when|naturaltime }}|"
        "{{ when|timesince:now }}"
    )
    request = RequestFactory().get("/")
    request.user = user

    def view(request):
        return HttpResponse(template.render({"when": EVENING_IN_UTC, "now": now}))

    return AgentLocaleMiddleware(view)(request).content.decode()


def test_dates_follow_the_zone_and_durations_do_not_move(world):
    prefers(world.alice, time_zone="Asia/Tokyo")
    two_hours_later = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)

    tokyo = render_times(world.alice, two_hours_later)
    server = render_times(world.bob, two_hours_later)
    visitor = render_times(AnonymousUser(), two_hours_later)

    assert tokyo.split("|")[0] == "2026-03-02 05:30"
    assert server.split("|")[0] == visitor.split("|")[0] == "2026-03-01 20:30"
    # How long ago is the same wherever the agent sits.
    assert tokyo.split("|")[1:] == server.split("|")[1:]
    assert tokyo.split("|")[2] == "2\xa0hours"
    assert tokyo.split("|")[1].endswith("ago")
