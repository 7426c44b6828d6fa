"""After an outage the catch-up reads back what the webhooks missed: nothing lost, nothing twice."""

import pytest
from django.utils import timezone

from channels_fb.backfill import facebook_backfill
from channels_fb.tasks import poll_facebook
from inbox.models import ChannelAccount, Conversation, Message
from tests.facebook.pages import (
    PSID,
    comment_payload,
    connect_page,
    graph_calls,
    ingest,
    inject,
    messenger_payload,
    ms_ago,
    record,
)


@pytest.fixture
def page(world, fake_graph) -> ChannelAccount:
    return connect_page(world)


def happened(fake_graph, payload: dict, *, delivered: bool) -> None:
    """It happened on Facebook; our webhook got it only when `delivered`."""
    record(fake_graph, payload)
    if delivered:
        ingest(payload)


def test_a_catch_up_after_an_outage_loses_nothing_and_duplicates_nothing(
    world, page, fake_graph
) -> None:
    happened(
        fake_graph,
        messenger_payload("m_1", "Hi, order #5531?", at_ms=ms_ago(hours=3)),
        delivered=True,
    )
    # The server is down: these three never reach the webhook.
    happened(
        fake_graph, messenger_payload("m_2", "Hello??", at_ms=ms_ago(hours=2)), delivered=False
    )
    happened(
        fake_graph,
        messenger_payload("m_3", "Привет", psid="6290011122233348", at_ms=ms_ago(hours=1)),
        delivered=False,
    )
    top = "998877665544332_900"
    happened(fake_graph, comment_payload(top, "Do you ship to Haifa?"), delivered=True)
    happened(
        fake_graph,
        comment_payload("998877665544332_901", "כן, גם אני רוצה לדעת", parent_id=top),
        delivered=False,
    )

    result = facebook_backfill(
        account_id=page.pk, since=timezone.now() - timezone.timedelta(days=1)
    )

    assert result.created == 3
    assert set(Message.objects.values_list("external_id", flat=True)) == {
        "m_1",
        "m_2",
        "m_3",
        top,
        "998877665544332_901",
    }
    assert Conversation.objects.get(thread_key=PSID).messages.count() == 2
    reply = Message.objects.get(external_id="998877665544332_901")
    assert reply.conversation.thread_key == top
    # Running again, and the webhooks arriving late after all, change nothing.
    assert facebook_backfill(account_id=page.pk).created == 0
    ingest(messenger_payload("m_2", "Hello??", at_ms=ms_ago(hours=2)))
    assert Message.objects.count() == 5
    page.refresh_from_db()
    assert page.cursors["backfill"]


def test_the_beat_task_catches_up_every_connected_page(world, page, fake_graph) -> None:
    record(fake_graph, messenger_payload("m_beat", "Are you open on Sunday?"))

    assert poll_facebook.delay().get() == 1

    assert Message.objects.filter(external_id="m_beat").exists()


def test_a_dead_token_marks_the_page_instead_of_retrying(world, page, fake_graph) -> None:
    inject(fake_graph, "invalid_token")

    assert facebook_backfill(account_id=page.pk) is None

    page.refresh_from_db()
    assert page.status == ChannelAccount.Status.NEEDS_RECONNECT


def test_a_page_facebook_unsubscribed_is_subscribed_again(world, page, fake_graph) -> None:

    facebook_backfill(account_id=page.pk)

    [subscribe] = graph_calls(fake_graph, "POST", f"{page.external_id}/subscribed_apps")
    assert "feed" in str(subscribe["subscribed_fields"])
