"""Adam, the admin, looks after the connected channel accounts on the settings screens."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.adapters import OptionField
from inbox.models import ChannelAccount, Conversation, Message, UnroutedEntry, WebhookEvent
from tests.factories import AccountFactory, ConversationFactory, MessageFactory, UserFactory
from tests.helpers import message_event, webhook_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def adam(world):
    return world.client_for(world.adam)


@pytest.fixture
def arrive(post_webhook, django_capture_on_commit_callbacks):
    """A signed test-channel webhook, stored and then processed as the worker would."""

    def post(body: bytes) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            assert post_webhook(body).status_code == 200

    return post


def fb_account(**fields) -> ChannelAccount:
    return AccountFactory(
        kind="facebook",
        external_id=fields.pop("external_id", "104857600123456"),
        name=fields.pop("name", "Northwind Outdoor"),
        credentials={"page_id": "104857600123456", "access_token": "EAAGpage"},
        **fields,
    )


# --- who may come in --------------------------------------------------------------------------


def urls(world) -> list[str]:
    pk = world.acme.pk
    return [
        "/settings/channels/",
        f"/settings/channels/{pk}/",
        f"/settings/channels/{pk}/disconnect/",
    ]


def test_it_sends_visitors_who_are_not_logged_in_to_the_login_page(client, world):
    for url in urls(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("who", ["alice", "charlie", "lena"])
def test_it_refuses_agents_and_leads(world, who):
    client = world.client_for(getattr(world, who))

    for url in urls(world):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/settings/channels/{world.acme.pk}/disconnect/").status_code == 403
    assert client.post(f"/settings/channels/{world.acme.pk}/replay/").status_code == 403
    world.acme.refresh_from_db()
    assert world.acme.status == ChannelAccount.Status.ACTIVE


def test_it_lets_admins_and_superusers_in(world, adam):
    root = UserFactory(username="root", is_superuser=True)

    assert adam.get("/settings/channels/").status_code == 200
    assert world.client_for(root).get("/settings/channels/").status_code == 200


def test_it_shows_the_settings_link_to_admins_only(world, adam):
    assert b'href="/settings/channels/"' in adam.get("/").content
    assert b'href="/settings/channels/"' not in world.client_for(world.lena).get("/").content


# --- the list ---------------------------------------------------------------------------------


def test_it_says_so_when_no_account_is_connected(client, db):
    client.force_login(UserFactory(username="root", is_superuser=True))

    response = client.get("/settings/channels/")

    assert "No channel accounts are connected yet" in response.content.decode()


def test_it_lists_every_account_with_its_teams_and_status(world, adam):
    world.other.status = ChannelAccount.Status.NEEDS_RECONNECT
    world.other.status_reason = "The Page token was invalidated: the password changed."
    world.other.save()

    page = adam.get("/settings/channels/").content.decode()

    assert "Acme" in page and "Acme Sales" in page
    assert "Support" in page and "Sales" in page
    assert "Needs reconnect" in page
    assert "The Page token was invalidated: the password changed." in page


def test_it_marks_stand_in_channels_as_simulated_not_active(world, adam):
    stand_in = AccountFactory(kind="instagram", name="Acme IG", external_id="17841400000000")

    listing = adam.get("/settings/channels/").content.decode()
    detail = adam.get(f"/settings/channels/{stand_in.pk}/").content.decode()

    card = listing[listing.index("Acme IG") :]
    assert "Simulated" in card[: card.index("</li>")]
    assert "Active" not in card[: card.index("</li>")]
    assert "It receives no webhooks, and replies reach only the sandbox." in detail
    acme_card = listing[listing.index(f'id="account-{world.acme.pk}"') :]
    assert "Active" in acme_card[: acme_card.index("</li>")]


def test_it_escapes_account_names(world, adam):
    world.acme.name = "<script>alert(1)</script>"
    world.acme.save()

    page = adam.get("/settings/channels/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_it_shows_the_last_webhook_event_and_failed_sends(world, adam):
    WebhookEvent.objects.create(kind="testchannel", account=world.acme, body=b"{}")
    convo = ConversationFactory(account=world.acme)
    for _ in range(2):
        MessageFactory(
            conversation=convo, direction=Message.Direction.OUT, status=Message.Status.FAILED
        )

    response = adam.get("/settings/channels/")

    rows = {row.account.pk: row for row in response.context["rows"]}
    assert rows[world.acme.pk].failed_sends == 2
    assert rows[world.acme.pk].last_event_at is not None
    assert not rows[world.acme.pk].last_event_is_channel_wide
    assert rows[world.other.pk].failed_sends == 0
    # Acme Sales has no event of its own: it shows the channel's last one, saying so.
    assert rows[world.other.pk].last_event_is_channel_wide
    page = response.content.decode()
    assert page.count("Last Test channel webhook event (any account)") == 1
    assert '<dd class="has-failures">2</dd>' in page


def test_it_offers_to_connect_channels_with_a_connect_flow(world, adam):
    page = adam.get("/settings/channels/").content.decode()

    assert 'href="/settings/channels/facebook/connect/"' in page
    assert "Connect Facebook" in page
    # The test channel has no connect screens: nothing to offer for it.
    assert "Connect Test channel" not in page


def test_it_offers_to_reconnect_a_page_that_needs_it(world, adam):
    page = fb_account(status=ChannelAccount.Status.NEEDS_RECONNECT)

    detail = adam.get(f"/settings/channels/{page.pk}/").content.decode()
    listed = adam.get("/settings/channels/").content.decode()

    assert f'href="/settings/channels/facebook/connect/?account={page.pk}"' in detail
    assert f'href="/settings/channels/facebook/connect/?account={page.pk}"' in listed


# --- events that arrived before the account was connected ---------------------------------


def test_it_replays_events_that_arrived_before_the_account_was_connected(world, adam, arrive):
    for n in range(3):
        arrive(webhook_body(message_event(f"early-{n}", thread=f"t{n}"), account="new-page"))
    assert UnroutedEntry.objects.get(account_external_id="new-page").count == 3
    assert not Conversation.objects.exists()
    newcomer = AccountFactory(external_id="new-page", name="Acme Kafe")
    newcomer.teams.add(world.support)

    page = adam.get("/settings/channels/").content.decode()
    assert "3 events arrived for this account before it was connected" in page

    response = adam.post(f"/settings/channels/{newcomer.pk}/replay/", follow=True)

    assert "Processed 3 stored events for Acme Kafe" in response.content.decode()
    assert Conversation.objects.filter(account=newcomer).count() == 3
    assert not UnroutedEntry.objects.exists()
    assert "arrived for this account before" not in response.content.decode()

    # Doing it again finds nothing left to do and stores nothing twice.
    again = adam.post(f"/settings/channels/{newcomer.pk}/replay/", follow=True)
    assert "There are no waiting events" in again.content.decode()
    assert Message.objects.filter(account=newcomer).count() == 3


def test_it_replays_only_events_that_named_the_account(world, adam, arrive):
    arrive(webhook_body(message_event("for-someone-else"), account="elsewhere"))
    arrive(webhook_body(message_event("ours"), account="new-page"))
    newcomer = AccountFactory(external_id="new-page")

    adam.post(f"/settings/channels/{newcomer.pk}/replay/")

    assert list(Message.objects.values_list("external_id", flat=True)) == ["ours"]
    assert UnroutedEntry.objects.filter(account_external_id="elsewhere").get().count == 1


# --- one account's settings -------------------------------------------------------------------


def test_it_saves_the_teams_that_work_an_account(world, adam):
    response = adam.post(
        f"/settings/channels/{world.acme.pk}/", {"teams": [world.sales.pk]}, follow=True
    )

    assert "Saved the settings of Acme" in response.content.decode()
    assert list(world.acme.teams.all()) == [world.sales]


def test_it_saves_no_teams_when_none_is_ticked(world, adam):
    adam.post(f"/settings/channels/{world.acme.pk}/", {})

    assert not world.acme.teams.exists()


def test_it_says_what_to_fix_when_a_team_is_unknown(world, adam):
    response = adam.post(f"/settings/channels/{world.acme.pk}/", {"teams": ["999999"]})

    assert response.status_code == 400
    assert "One of the chosen teams no longer exists" in response.content.decode()
    assert list(world.acme.teams.all()) == [world.support]


def test_it_shows_and_saves_a_facebook_pages_options(world, adam):
    page = fb_account()

    form = adam.get(f"/settings/channels/{page.pk}/").content.decode()
    assert 'name="option_human_agent"' in form
    assert 'name="option_reviews"' in form

    adam.post(
        f"/settings/channels/{page.pk}/",
        {"option_human_agent": "on", "teams": [world.support.pk]},
    )

    page.refresh_from_db()
    assert page.options["human_agent"] is True
    assert page.options["reviews"] is False
    assert list(page.teams.all()) == [world.support]


def test_it_keeps_options_the_channel_does_not_declare(world, adam):
    world.acme.options = {"legacy": True}
    world.acme.save()

    adam.post(f"/settings/channels/{world.acme.pk}/", {"option_legacy": ""})

    world.acme.refresh_from_db()
    assert world.acme.options == {"legacy": True}


def test_it_answers_404_for_an_unknown_account(world, adam):
    assert adam.get("/settings/channels/999999/").status_code == 404
    assert adam.post("/settings/channels/999999/disconnect/").status_code == 404


# --- disconnecting ----------------------------------------------------------------------------


def test_it_asks_before_disconnecting(world, adam):
    response = adam.get(f"/settings/channels/{world.acme.pk}/disconnect/")

    text = response.content.decode()
    assert "Disconnect <bdi>Acme</bdi>?" in text
    assert "Its conversations stay in the inbox" in text
    world.acme.refresh_from_db()
    assert world.acme.status == ChannelAccount.Status.ACTIVE


def test_it_disconnects_and_keeps_the_conversations(world, adam, test_channel):
    told = []
    test_channel.on_disconnect = lambda account: told.append(account.external_id)
    convo = ConversationFactory(account=world.acme)

    response = adam.post(f"/settings/channels/{world.acme.pk}/disconnect/", follow=True)

    assert "Disconnected Acme. Its conversations stay in the inbox." in response.content.decode()
    assert told == ["acme-page"]
    world.acme.refresh_from_db()
    assert world.acme.status == ChannelAccount.Status.DISABLED
    assert world.acme.credentials == {}
    assert Conversation.objects.filter(pk=convo.pk).exists()


def test_a_disconnected_account_takes_no_new_messages(world, adam, arrive):
    adam.post(f"/settings/channels/{world.acme.pk}/disconnect/")

    arrive(webhook_body(message_event("after")))

    assert not Message.objects.filter(external_id="after").exists()


def test_it_disconnects_even_when_the_platform_cannot_be_told(world, adam, test_channel):
    def on_disconnect(account):
        raise ConnectionError("platform unreachable")

    test_channel.on_disconnect = on_disconnect

    adam.post(f"/settings/channels/{world.acme.pk}/disconnect/")

    world.acme.refresh_from_db()
    assert world.acme.status == ChannelAccount.Status.DISABLED


def test_unrouted_events_older_than_the_entry_are_not_replayed(world, adam, arrive):
    arrive(webhook_body(message_event("old"), account="new-page"))
    UnroutedEntry.objects.update(first_seen=timezone.now() + timedelta(minutes=1))
    newcomer = AccountFactory(external_id="new-page")

    adam.post(f"/settings/channels/{newcomer.pk}/replay/")

    assert not Message.objects.exists()


# --- options that are texts -------------------------------------------------------------------


@pytest.fixture
def text_options(test_channel):
    """The test channel with a signature line and a welcome text per language."""
    test_channel.option_fields = (
        OptionField("signature", "Signature", "Added under every reply.", default="", kind="text"),
        OptionField(
            "welcome",
            "Welcome message",
            "Placeholders: {customer_name}, {bot_name}.",
            default={},
            kind="translations",
        ),
        OptionField("greet", "Greet new customers"),
    )
    return test_channel


def test_it_shows_a_text_option_and_a_text_per_language(world, adam, text_options):
    world.acme.options = {"signature": "Acme care team", "welcome": {"": "Hello!", "ru": "Привет!"}}
    world.acme.save()

    page = adam.get(f"/settings/channels/{world.acme.pk}/").content.decode()

    assert re.search(r'<input type="text" name="option_signature" value="Acme care team"', page)
    assert "Added under every reply." in page
    assert "Default (any language)" in page
    assert "Russian" in page and "Hebrew" in page
    assert re.search(r'<textarea name="option_welcome__default"[^>]*>\s*Hello!</textarea>', page)
    assert re.search(r'<textarea name="option_welcome__ru"[^>]*>\s*Привет!</textarea>', page)
    assert re.search(r'<textarea name="option_welcome__he"[^>]*>\s*</textarea>', page)
    assert "{customer_name}" in page and "{bot_name}" in page
    assert 'name="option_greet"' in page and 'type="checkbox"' in page


def test_it_saves_texts_per_language_without_the_empty_ones(world, adam, text_options):
    response = adam.post(
        f"/settings/channels/{world.acme.pk}/",
        {
            "option_signature": "  Acme care team ",
            "option_welcome__default": "Hello {customer_name}!",
            "option_welcome__ru": "Здравствуйте, {customer_name}!",
            "option_welcome__he": "   ",
            "option_greet": "on",
            "teams": [world.support.pk],
        },
        follow=True,
    )

    assert "Saved the settings of Acme" in response.content.decode()
    world.acme.refresh_from_db()
    assert world.acme.options == {
        "signature": "Acme care team",
        "welcome": {"": "Hello {customer_name}!", "ru": "Здравствуйте, {customer_name}!"},
        "greet": True,
    }
    # What was saved is what the form shows next time.
    assert "Здравствуйте, {customer_name}!" in response.content.decode()


def test_it_escapes_option_texts(world, adam, text_options):
    world.acme.options = {"welcome": {"": "<script>alert(1)</script>"}}
    world.acme.save()

    page = adam.get(f"/settings/channels/{world.acme.pk}/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_says_what_to_fix_when_a_text_is_too_long(world, adam, text_options):
    response = adam.post(f"/settings/channels/{world.acme.pk}/", {"option_welcome__ru": "x" * 7001})

    assert response.status_code == 400
    assert "Shorten it to 7000 characters or fewer (it has 7001)." in response.content.decode()
    world.acme.refresh_from_db()
    assert "welcome" not in world.acme.options


def test_it_clears_every_text_of_an_option(world, adam, text_options):
    world.acme.options = {"welcome": {"": "Hello!", "ru": "Привет!"}, "signature": "Acme"}
    world.acme.save()

    adam.post(f"/settings/channels/{world.acme.pk}/", {"option_welcome__default": ""})

    world.acme.refresh_from_db()
    assert world.acme.options["welcome"] == {}
    assert world.acme.options["signature"] == ""
