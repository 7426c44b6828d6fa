"""Channel credentials are encrypted at rest and readable with any configured key."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from inbox.fields import _fernet
from inbox.models import ChannelAccount
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def raw_credentials(account) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM inbox_channelaccount WHERE id = %s", [account.pk])
        return cursor.fetchone()[0]


def test_tokens_are_not_stored_in_clear(world):
    account = AccountFactory(credentials={"token": "EAAG-very-secret-page-token"})

    assert "EAAG-very-secret" not in raw_credentials(account)
    assert ChannelAccount.objects.get(pk=account.pk).credentials["token"] == (
        "EAAG-very-secret-page-token"
    )


def test_keys_can_be_rotated(world, settings):
    account = AccountFactory(credentials={"token": "old-key-token"})
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    _fernet.cache_clear()

    assert ChannelAccount.objects.get(pk=account.pk).credentials["token"] == "old-key-token"
    account.save()  # re-encrypted with the new key
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert ChannelAccount.objects.get(pk=account.pk).credentials["token"] == "old-key-token"
