"""Live updates are published after commit, to the streams of the account and thread."""

import json

import pytest

from inbox import realtime
from tests.helpers import message_event, webhook_body

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_message_is_published_to_its_account_after_commit(world, post_webhook, settings):
    settings.REDIS_URL = ""  # in-process subscribers; the Redis path is the same call
    stream = realtime.subscribe_local([f"account:{world.acme.pk}"])
    other = realtime.subscribe_local([f"account:{world.other.pk}"])
    try:
        post_webhook(webhook_body(message_event("m1")))

        event = json.loads(stream.get_nowait())
        assert event["type"] == "message.created"
        assert other.empty()
    finally:
        realtime.unsubscribe_local(stream)
        realtime.unsubscribe_local(other)
