"""Connecting and removing accounts runs the channel's platform side, and survives its failure."""

import pytest

from inbox import services
from inbox.models import ChannelAccount

pytestmark = pytest.mark.django_db


def test_removing_an_account_unsubscribes_it_first(world, test_channel):
    seen = []
    test_channel.on_disconnect = lambda account: seen.append(account.external_id)

    services.account_remove(account=world.acme)

    assert seen == ["acme-page"]
    assert not ChannelAccount.objects.filter(external_id="acme-page").exists()


def test_an_account_is_removed_even_when_the_platform_cannot_be_told(world, test_channel):
    def on_disconnect(account):
        raise ConnectionError("platform unreachable")

    test_channel.on_disconnect = on_disconnect

    services.account_remove(account=world.acme)

    assert not ChannelAccount.objects.filter(external_id="acme-page").exists()


def test_reconnecting_revives_an_account_that_needed_it(world):
    world.acme.status = ChannelAccount.Status.NEEDS_RECONNECT
    world.acme.save()

    account = services.account_connect(
        kind="testchannel", name="Acme", credentials={"account_id": "acme-page", "token": "new"}
    )

    assert account.pk == world.acme.pk
    assert account.status == ChannelAccount.Status.ACTIVE
    assert ChannelAccount.objects.get(pk=account.pk).credentials["token"] == "new"
