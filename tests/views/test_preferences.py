"""My preferences (/settings/me/) and the top bar's language switcher."""

import pytest
from django.conf import settings

from inbox.models import AgentProfile
from inbox.services.agents import agent_profile_update

pytestmark = pytest.mark.django_db

PAGE = "/settings/me/"
SWITCHER = "/settings/language/"


def choices(**overrides) -> dict:
    return {"language": "el", "time_zone": "Europe/Athens", "sign_off": "on", **overrides}


def profile_of(user) -> AgentProfile:
    return AgentProfile.objects.get(user=user)


# --- the page ---------------------------------------------------------------------------


def test_it_sends_visitors_to_log_in(client, world):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={PAGE}"


@pytest.mark.parametrize("who", ["alice", "charlie", "lena", "adam"])
def test_every_signed_in_person_has_the_page(world, who):
    response = world.client_for(getattr(world, who)).get(PAGE)

    assert response.status_code == 200
    assert "My preferences" in response.text
    assert '<label for="id_language">Language</label>' in response.text
    assert '<label for="id_time_zone">Time zone</label>' in response.text
    assert '<optgroup label="Asia">' in response.text
    assert '<option value="Asia/Tokyo">Tokyo (UTC+09:00)</option>' in response.text


def test_the_sign_off_is_on_until_the_agent_turns_it_off(world):
    response = world.client_for(world.alice).get(PAGE)

    assert 'name="sign_off" aria-describedby="id_sign_off_helptext" id="id_sign_off" checked' in (
        response.text
    )
    assert not AgentProfile.objects.filter(user=world.alice).exists()


def test_only_admins_see_the_channels_in_the_settings_menu(world):
    agent = world.client_for(world.alice).get(PAGE)
    admin = world.client_for(world.adam).get(PAGE)

    assert 'href="/settings/channels/"' not in agent.text
    assert 'href="/settings/channels/"' in admin.text


def test_it_saves_the_language_the_time_zone_and_the_sign_off(world):
    alice = world.client_for(world.alice)

    response = alice.post(PAGE, choices(sign_off=""))

    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "el"
    profile = profile_of(world.alice)
    assert (profile.language, profile.time_zone, profile.sign_off) == ("el", "Europe/Athens", False)

    page = alice.get(PAGE)
    assert page["Content-Language"] == "el"
    assert '<option value="Europe/Athens" selected>' in page.text
    assert '<option value="el" selected>' in page.text


def test_it_says_it_saved(world):
    response = world.client_for(world.alice).post(PAGE, choices(language="en"), follow=True)

    assert "Saved your preferences." in response.text


def test_the_defaults_again_forget_the_language_cookie(world):
    alice = world.client_for(world.alice)
    alice.post(PAGE, choices())

    response = alice.post(PAGE, choices(language="", time_zone=""))

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    profile = profile_of(world.alice)
    assert (profile.language, profile.time_zone) == ("", "")
    assert alice.get("/", HTTP_ACCEPT_LANGUAGE="ru")["Content-Language"] == "ru"


def test_it_refuses_a_time_zone_it_does_not_know_and_says_what_to_fix(world):
    response = world.client_for(world.alice).post(PAGE, choices(time_zone="Europe/Atlantis"))

    assert response.status_code == 400
    assert "Nothing was saved; fix what is marked below." in response.text
    assert "“Europe/Atlantis” is not a time zone we know; choose from the list." in response.text
    assert not AgentProfile.objects.filter(user=world.alice).exists()


def test_it_refuses_a_language_it_does_not_offer(world):
    response = world.client_for(world.alice).post(PAGE, choices(language="tlh"))

    assert response.status_code == 400
    assert "“tlh” is not offered; choose from the list." in response.text
    assert not AgentProfile.objects.filter(user=world.alice).exists()


def test_each_agent_changes_only_their_own(world):
    agent_profile_update(user=world.bob, language="ru", time_zone="Europe/Minsk")

    world.client_for(world.alice).post(PAGE, {**choices(), "user": world.bob.pk})

    assert profile_of(world.alice).language == "el"
    bob = profile_of(world.bob)
    assert (bob.language, bob.time_zone, bob.sign_off) == ("ru", "Europe/Minsk", True)


def test_the_service_refuses_bad_values_with_what_to_fix(world):
    with pytest.raises(ValueError, match="not a time zone we know"):
        agent_profile_update(user=world.alice, time_zone="Moon/Tranquility")
    with pytest.raises(ValueError, match="not a language of socialcare"):
        agent_profile_update(user=world.alice, language="xx")

    assert not AgentProfile.objects.filter(user=world.alice).exists()


# --- the top bar's language switcher ---------------------------------------------------------


def test_the_switcher_saves_the_language_on_my_profile(world):
    alice = world.client_for(world.alice)
    agent_profile_update(user=world.alice, time_zone="Asia/Tokyo", sign_off=False)

    response = alice.post(SWITCHER, {"language": "he", "next": "/?folder=mine"})

    assert response.status_code == 302
    assert response["Location"] == "/?folder=mine"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "he"
    profile = profile_of(world.alice)
    assert (profile.language, profile.time_zone, profile.sign_off) == ("he", "Asia/Tokyo", False)


def test_the_choice_follows_the_agent_to_another_browser(world):
    world.client_for(world.alice).post(SWITCHER, {"language": "be", "next": "/"})

    elsewhere = world.client_for(world.alice).get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert elsewhere["Content-Language"] == "be"


def test_the_switcher_on_the_login_page_sets_only_the_cookie(client, world):
    response = client.post(SWITCHER, {"language": "ru", "next": "/accounts/login/?next=/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert client.get("/accounts/login/")["Content-Language"] == "ru"
    assert not AgentProfile.objects.exists()


def test_the_switcher_refuses_a_language_it_does_not_offer(world):
    response = world.client_for(world.alice).post(SWITCHER, {"language": "tlh", "next": "/"})

    assert response.status_code == 400
    assert "Choose one of the languages in the list." in response.text
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert not AgentProfile.objects.exists()


def test_the_switcher_does_not_send_anyone_to_another_site(world):
    response = world.client_for(world.alice).post(
        SWITCHER, {"language": "el", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_the_top_bar_switcher_posts_to_our_view_and_links_my_preferences(world):
    response = world.client_for(world.alice).get("/")

    assert f'<form class="language" action="{SWITCHER}" method="post">' in response.text
    assert f'<a href="{PAGE}">Preferences</a>' in response.text
    assert '<a class="skip-link" href="#list-pane">Skip to the conversation list</a>' in (
        response.text
    )
