"""`manage.py replay_events`: re-run stored webhook events through parse and ingest."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from inbox.models import Message, WebhookEvent
from tests.helpers import message_event, webhook_body

pytestmark = pytest.mark.django_db


def failed_event(body: bytes, *, error: str = "OperationalError: database is locked"):
    return WebhookEvent.objects.create(
        kind="testchannel",
        body=body,
        status=WebhookEvent.Status.FAILED,
        last_error=error,
        attempts=5,
    )


def replay(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("replay_events", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_replays_a_failed_event(world):
    event = failed_event(webhook_body(message_event("m1", text="Where is my order?")))

    out, err = replay("--failed")

    message = Message.objects.get()
    assert message.text == "Where is my order?"
    assert message.conversation.account == world.acme
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.last_error == ""
    assert f"event {event.pk} testchannel: created 1, duplicates 0" in out
    assert "1 processed, 0 failed" in err


def test_it_counts_what_was_already_ingested_as_duplicates(world):
    body = webhook_body(message_event("m1"))
    first, second = failed_event(body), failed_event(body)

    out, _err = replay("--id", str(first.pk), str(second.pk))

    assert Message.objects.count() == 1
    assert f"event {first.pk} testchannel: created 1, duplicates 0" in out
    assert f"event {second.pk} testchannel: created 0, duplicates 1" in out


def test_it_replays_only_the_chosen_events(world):
    chosen = failed_event(webhook_body(message_event("m1", text="chosen")))
    failed_event(webhook_body(message_event("m2", text="left alone")))

    replay("--id", str(chosen.pk))

    assert list(Message.objects.values_list("text", flat=True)) == ["chosen"]


def test_it_combines_kind_and_since(world):
    old = failed_event(webhook_body(message_event("m1", text="old")))
    WebhookEvent.objects.filter(pk=old.pk).update(received_at=timezone.now().replace(year=2020))
    failed_event(webhook_body(message_event("m2", text="recent")))

    replay("--kind", "testchannel", "--since", "2021-01-01")

    assert list(Message.objects.values_list("text", flat=True)) == ["recent"]


def test_it_only_lists_the_events_on_a_dry_run(world):
    event = failed_event(webhook_body(message_event("m1")))

    out, err = replay("--failed", "--dry-run")

    assert f"event {event.pk} testchannel: failed" in out
    assert "database is locked" in out
    assert "1 events would be replayed" in err
    assert not Message.objects.exists()
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.FAILED


def test_it_reports_an_event_that_fails_again(world):
    good = failed_event(webhook_body(message_event("m1")))
    broken = failed_event(b'{"account": "acme-page"}')

    with pytest.raises(CommandError, match="2 events: 1 processed, 1 failed"):
        out = StringIO()
        call_command("replay_events", "--failed", stdout=out, stderr=StringIO())

    lines = out.getvalue()
    assert f"event {good.pk} testchannel: created 1" in lines
    assert f"event {broken.pk} testchannel: failed: malformed" in lines


def test_it_refuses_to_run_without_a_selector(world):
    failed_event(webhook_body(message_event("m1")))

    with pytest.raises(CommandError, match="--failed, --id ID, --since"):
        replay()

    assert not Message.objects.exists()


def test_it_explains_a_bad_since(world):
    with pytest.raises(CommandError, match="ISO date or date-time"):
        replay("--since", "last tuesday")


def test_it_says_which_ids_do_not_exist(world):
    _out, err = replay("--id", "404")

    assert "No webhook event with id 404" in err
    assert "nothing to replay" in err
