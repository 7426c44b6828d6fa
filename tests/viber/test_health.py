"""The periodic check keeps each bot's single webhook pointing at us."""

from channels_viber.adapter import webhook_url
from channels_viber.client import EVENT_TYPES, ViberClient
from channels_viber.tasks import poll_viber_webhooks
from inbox.models import ChannelAccount
from tests.viber.helpers import connect_bot

TOKEN = "sandbox-viber-token-kafe"


def connect(world) -> ChannelAccount:
    """The fake's Kafe Helios bot."""
    return connect_bot(world, token=TOKEN, external_id="pa:5840000000000000002", name="Kafe Helios")


def test_a_webhook_taken_by_another_system_is_taken_back_and_admins_are_told(world, fake_viber):
    bot = connect(world)
    ViberClient(TOKEN).set_webhook("https://staging.example.com/viber", EVENT_TYPES)

    assert poll_viber_webhooks.delay().get() == {"restored": 1}

    assert ViberClient(TOKEN).account_info()["webhook"] == webhook_url(bot)
    bot.refresh_from_db()
    assert "https://staging.example.com/viber" in bot.status_reason
    assert bot.status == ChannelAccount.Status.ACTIVE
    assert poll_viber_webhooks.delay().get() == {"ok": 1}


def test_a_token_viber_refuses_asks_for_a_reconnect(world, fake_viber):
    bot = connect(world)
    fake_viber.app.fail("invalid_token")

    assert poll_viber_webhooks.delay().get() == {"broken": 1}

    bot.refresh_from_db()
    assert bot.status == ChannelAccount.Status.NEEDS_RECONNECT
