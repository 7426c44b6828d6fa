"""Django's own createsuperuser keeps working, and a superuser sees every conversation."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db


def test_a_superuser_made_without_prompts_sees_everything(world, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-root-password-2026")
    call_command(
        "createsuperuser", "--noinput", "--username", "root", "--email", "root@example.com"
    )
    root = get_user_model().objects.get(username="root")
    mine, theirs = ConversationFactory(account=world.acme), ConversationFactory(account=world.other)

    api = world.api_for(root)
    ids = {item["id"] for item in api.get("/api/v1/conversations/").json()["results"]}

    assert root.check_password("a-long-root-password-2026")
    assert ids == {mine.pk, theirs.pk}
