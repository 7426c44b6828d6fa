"""`manage.py demo`: a realistic inbox in six languages, loaded through the real ingest path."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from inbox.models import (
    Activity,
    CannedResponse,
    ChannelAccount,
    Contact,
    Conversation,
    Identity,
    Label,
    Membership,
    Message,
    Role,
    Team,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
SMALL = "60"

SCRIPTS = {
    "Greek": re.compile(r"[\u0370-\u03ff]"),
    "Hebrew": re.compile(r"[\u0590-\u05ff]"),
    "Chinese": re.compile(r"[\u4e00-\u9fff]"),
    # Belarusian is written with і and ў, which Russian does not use.
    "Belarusian": re.compile(r"[іў]"),
    "Russian": re.compile(r"[ыщъ]"),
    "English": re.compile(r"\b(the|thanks|order)\b", re.IGNORECASE),
}


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [
        User,
        Team,
        Membership,
        Label,
        CannedResponse,
        ChannelAccount,
        Contact,
        Identity,
        Conversation,
        Message,
        Activity,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_it_refuses_to_publish_passwords_without_debug(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG=1"):
        demo("--conversations", "5")

    assert not User.objects.exists()


def test_it_runs_without_debug_when_forced(db, settings):
    settings.DEBUG = False

    demo("--conversations", "5", "--force")

    assert Conversation.objects.count() == 5


def test_it_creates_the_demo_people_and_prints_their_logins(debug):
    out = demo("--conversations", "0")

    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("demo-admin-2026")
    assert Membership.objects.get(user=admin).role == Role.ADMIN
    assert set(
        Membership.objects.filter(user__username="lena").values_list("team__name", "role")
    ) == {("Support", Role.LEAD), ("Sales", Role.LEAD)}
    for agent in ("maria", "dmitri"):
        user = User.objects.get(username=agent)
        assert user.check_password(f"demo-{agent}-2026")
        assert Membership.objects.filter(user=user, role=Role.AGENT).exists()
        assert f"demo-{agent}-2026" in out
    assert "http://" in out
    assert set(Team.objects.values_list("name", flat=True)) == {"Support", "Sales"}


def test_it_connects_one_account_per_channel_worked_by_the_teams(debug):
    demo("--conversations", "0")

    accounts = {a.kind: a for a in ChannelAccount.objects.prefetch_related("teams")}
    assert set(accounts) == {"facebook", "instagram", "twitter", "viber"}
    for account in accounts.values():
        assert "Support" in {t.name for t in account.teams.all()}
        assert account.credentials  # dummy values, but the fields the adapter declares


def test_it_fills_every_channel_and_kind_in_six_languages(debug):
    demo("--conversations", SMALL)

    assert Conversation.objects.count() == int(SMALL)
    shapes = set(Conversation.objects.values_list("account__kind", "kind"))
    assert {kind for _channel, kind in shapes} == {"direct", "comment", "review", "mention"}
    assert {channel for channel, _kind in shapes} == {"facebook", "instagram", "twitter", "viber"}
    texts = " ".join(Message.objects.filter(direction="in").values_list("text", flat=True))
    for language, script in SCRIPTS.items():
        assert script.search(texts), f"no {language} customer text"


def test_it_shows_work_in_every_state(debug):
    demo("--conversations", SMALL)

    statuses = set(Conversation.objects.values_list("status", flat=True))
    assert statuses == {"open", "follow_up", "done"}
    assert Conversation.objects.filter(assignee__isnull=False).exists()
    assert Conversation.objects.filter(labels__isnull=False).exists()
    assert Conversation.objects.filter(priority__gt=0).exists()
    assert Conversation.objects.filter(unread=True, status="open").exists()
    assert Message.objects.filter(direction="out", status="sent").exists()
    failed = Message.objects.filter(direction="out", status="failed")
    assert failed.exists()
    assert all(m.error for m in failed)


def test_it_puts_comments_under_their_post(debug):
    demo("--conversations", SMALL)

    comment = Conversation.objects.filter(kind="comment").first()
    assert comment.context["text"]
    assert comment.context["permalink"].startswith("https://")
    assert comment.context["picture"]
    answered = Message.objects.filter(
        conversation__kind="comment", direction="out", status="sent"
    ).first()
    assert answered.public
    assert answered.parent_external_id == answered.conversation.thread_key


def test_it_spreads_the_conversations_over_the_last_days(debug):
    demo("--conversations", SMALL)

    days = {c.last_activity_at.date() for c in Conversation.objects.all()}
    assert len(days) >= 3
    thread = Conversation.objects.filter(status="done").first().messages.order_by("created_at")
    assert list(thread) == list(thread.order_by("platform_timestamp"))


def test_it_changes_nothing_when_run_again(debug):
    demo("--conversations", SMALL)
    before = counts()
    snapshot = list(
        Conversation.objects.order_by("pk").values_list(
            "pk", "status", "assignee", "unread", "last_activity_at"
        )
    )

    out = demo("--conversations", SMALL)

    assert counts() == before
    assert (
        list(
            Conversation.objects.order_by("pk").values_list(
                "pk", "status", "assignee", "unread", "last_activity_at"
            )
        )
        == snapshot
    )
    assert "0 new" in out


def test_it_adds_only_the_missing_conversations_when_asked_for_more(debug):
    demo("--conversations", "20")
    first_ids = set(Conversation.objects.values_list("pk", flat=True))

    demo("--conversations", "30")

    assert Conversation.objects.count() == 30
    assert first_ids <= set(Conversation.objects.values_list("pk", flat=True))


def test_it_keeps_a_password_the_user_changed(debug):
    demo("--conversations", "0")
    maria = User.objects.get(username="maria")
    maria.set_password("my own secret")
    maria.save()

    demo("--conversations", "0")

    maria.refresh_from_db()
    assert maria.check_password("my own secret")


def test_it_refuses_a_negative_size(debug):
    with pytest.raises(CommandError, match="0 or more"):
        demo("--conversations", "-1")


def test_every_demo_conversation_opens_for_the_admin(debug, client):
    """Everything the demo holds (every channel, kind, attachment and state) renders: the
    folders, the list and each conversation with its thread and customer panel."""
    demo("--conversations", SMALL)
    client.force_login(User.objects.get(username="admin"))
    for folder in ("mine", "unassigned", "open", "follow_up", "done", "mentions", "failed"):
        assert client.get(f"/?folder={folder}").status_code == 200, folder
    for pk in Conversation.objects.values_list("pk", flat=True):
        response = client.get(f"/c/{pk}/?folder=open")
        assert response.status_code == 200, pk
        panel = client.get(f"/c/{pk}/customer/", headers={"HX-Request": "true"})
        assert panel.status_code == 200, pk
