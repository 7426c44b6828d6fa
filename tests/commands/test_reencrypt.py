"""`manage.py reencrypt_credentials`: every stored secret moves to the newest key, so the
older keys can be retired."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import TextField
from django.db.models.functions import Cast

from inbox.models import ChannelAccount
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

OLD, NEW, LOST = (Fernet.generate_key().decode() for _ in range(3))
SECRET = "EAAG-page-token-never-printed"


def reencrypt(*args: str) -> str:
    out = StringIO()
    call_command("reencrypt_credentials", *args, stdout=out)
    return out.getvalue()


def stored(account: ChannelAccount) -> str:
    """The token as it sits in the database."""
    return (
        ChannelAccount.objects.filter(pk=account.pk)
        .annotate(raw=Cast("credentials", output_field=TextField()))
        .values_list("raw", flat=True)
        .get()
    )


def credentials(account: ChannelAccount) -> dict:
    return ChannelAccount.objects.get(pk=account.pk).credentials


@pytest.fixture
def acme_on_the_old_key(settings) -> ChannelAccount:
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    account = AccountFactory(name="Acme", credentials={"token": SECRET})
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    return account


def test_it_moves_credentials_to_the_newest_key_so_the_old_one_can_go(
    settings, acme_on_the_old_key
):
    out = reencrypt()

    assert "channel account credentials: 1 rewritten, 0 already current." in out
    assert "older keys can now be removed" in out
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert credentials(acme_on_the_old_key) == {"token": SECRET}


def test_it_is_needed_the_new_key_alone_cannot_read_old_credentials(settings, acme_on_the_old_key):
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(ImproperlyConfigured):
        credentials(acme_on_the_old_key)


def test_it_changes_nothing_on_a_dry_run(settings, acme_on_the_old_key):
    before = stored(acme_on_the_old_key)

    out = reencrypt("--dry-run")

    assert "channel account credentials: 1 would be rewritten, 0 already current." in out
    assert stored(acme_on_the_old_key) == before
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    assert credentials(acme_on_the_old_key) == {"token": SECRET}


def test_it_leaves_values_already_on_the_newest_key_alone(acme_on_the_old_key):
    reencrypt()
    after_first = stored(acme_on_the_old_key)

    out = reencrypt()

    assert "channel account credentials: 0 rewritten, 1 already current." in out
    assert stored(acme_on_the_old_key) == after_first


def test_it_rewrites_every_row_across_batches(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    accounts = [AccountFactory(credentials={"token": f"token-{n}"}) for n in range(5)]
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]

    out = reencrypt("--batch-size", "2")

    assert "5 rewritten, 0 already current." in out
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert [credentials(a)["token"] for a in accounts] == [f"token-{n}" for n in range(5)]


def test_it_refuses_naming_the_account_when_no_key_decrypts_it(settings, acme_on_the_old_key):
    settings.FIELD_ENCRYPTION_KEYS = [LOST]
    lost = AccountFactory(name="Kafe Viber bot", credentials={"token": SECRET})
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    acme_before = stored(acme_on_the_old_key)

    with pytest.raises(CommandError) as refused:
        reencrypt()

    message = str(refused.value)
    assert "Nothing was changed" in message
    assert f"Kafe Viber bot ({lost.kind}) (id {lost.pk})" in message
    assert "Acme" not in message
    assert SECRET not in message and stored(lost) not in message
    # Not even the readable account moved: fix the keys, then run it again.
    assert stored(acme_on_the_old_key) == acme_before


def test_it_refuses_a_batch_size_below_one(acme_on_the_old_key):
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        reencrypt("--batch-size", "0")
