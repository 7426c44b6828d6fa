"""Garbage into every form and action of the pages: a form error or a refusal, never a 500.

Each field of each endpoint gets each bad value on its own, the rest of the request left
as a browser would send it, as Lena (a lead: she sees the assign list and the bulk bar).
"""

import pytest

from inbox.models import Message
from tests.factories import ConversationFactory, LabelFactory, MessageFactory

pytestmark = pytest.mark.django_db

GARBAGE = [
    "",
    "²",  # a digit to str.isdigit(), not to int()
    "٣",  # an Arabic-Indic three: int() takes it, a database id it is not
    "-5586305192",
    str(2**63),
    "9" * 5000,  # int() refuses strings this long
    "1.5",
    "a\x00b",  # PostgreSQL refuses NUL in text
    "x" * 10_000,
    "user-²",
    "team-" + "9" * 30,
    "2026-13-45T99:99~1",
]


def endpoints(convo, message, comment, canned) -> list[tuple[str, str, dict]]:
    """(method, url, the fields a browser sends): every page and action taking input."""
    c = f"/c/{convo.pk}"
    return [
        (
            "get",
            "/",
            dict.fromkeys(
                [
                    "folder",
                    "q",
                    "channel",
                    "kind",
                    "label",
                    "priority",
                    "assignee",
                    "team",
                    "unread",
                    "late",
                    "sort",
                    "after",
                ],
                "",
            ),
        ),
        (
            "post",
            "/bulk/",
            {"conversation": str(convo.pk), "assignee": "", "team": "", "status": "", "label": ""},
        ),
        ("post", f"{c}/status/", {"status": "done"}),
        ("post", f"{c}/assign/", {"to": ""}),
        ("post", f"{c}/labels/", {"labels": ""}),
        ("post", f"{c}/priority/", {"priority": "1"}),
        ("post", f"{c}/assign-to-me/", {}),
        ("post", f"{c}/unread/", {}),
        ("post", f"{c}/messages/{message.pk}/retry/", {}),
        ("post", f"{c}/messages/{comment.pk}/moderate/", {"action": "hide"}),
        ("get", f"{c}/", {"folder": "", "q": ""}),
        ("post", f"{c}/customer/tags/", {"tag": "vip", "remove": ""}),
        ("post", f"{c}/customer/flag/", {"flag": "vip", "on": "on"}),
        ("post", f"{c}/customer/notes/", {"notes": "likes tea"}),
        ("get", f"{c}/customer/same-person/", {"who": "maria"}),
        ("post", f"{c}/customer/link/", {"contact": "1"}),
        ("post", f"{c}/customer/unlink/", {"contact": "1"}),
        (
            "post",
            f"{c}/reply/",
            {
                "text": "On it",
                "private": "",
                "mention_customer": "",
                "last_seen": "",
                "confirm": "",
            },
        ),
        ("post", f"{c}/notes/", {"text": "a note"}),
        ("get", f"{c}/canned/", {"q": "", "shortcut": ""}),
        ("post", f"{c}/canned/{canned}/use/", {}),
        ("get", f"{c}/mentionable/", {"q": ""}),
        ("post", f"{c}/presence/", {"state": "viewing"}),
        ("get", "/folders/", {"folder": "", "q": ""}),
        ("get", f"{c}/row/", {"folder": ""}),
        ("get", "/canned/", {"q": "", "scope": ""}),
        (
            "post",
            "/canned/new/",
            {"title": "t", "shortcut": "s", "body": "b", "language": "", "scope": "personal"},
        ),
        ("post", "/canned/preview/", {"body": "Hi {customer_first_name}"}),
        ("post", "/settings/me/", {"language": "", "time_zone": "", "sign_off": ""}),
        ("post", "/settings/language/", {"language": "en", "next": "/"}),
    ]


@pytest.fixture
def targets(world):
    convo = ConversationFactory(account=world.acme, team=world.support)
    MessageFactory(conversation=convo, text="Where is my parcel?")
    failed = MessageFactory(
        conversation=convo,
        direction=Message.Direction.OUT,
        status=Message.Status.FAILED,
        external_id=None,
    )
    comment = MessageFactory(conversation=convo, kind=Message.Kind.COMMENT, public=True)
    LabelFactory(name="billing")
    return endpoints(convo, failed, comment, canned=1)


def test_it_answers_garbage_in_any_field_without_a_server_error(world, targets):
    client = world.client_for(world.lena)
    client.raise_request_exception = False  # a 500 is counted, and the loop goes on
    server_errors = []
    for method, url, fields in targets:
        for name in fields or {"": ""}:
            for value in GARBAGE:
                data = {**fields, name: value} if name else {"x": value}
                response = getattr(client, method)(url, data, HTTP_HX_REQUEST="true")
                if response.status_code >= 500:
                    server_errors.append((method, url, name, value[:20], response.status_code))

    assert server_errors == []


def test_it_answers_ids_past_the_database_range_in_paths_with_a_404(world, targets):
    client = world.client_for(world.lena)
    for huge in (2**63, 10**30):
        assert client.get(f"/c/{huge}/").status_code == 404
        assert client.post(f"/c/{huge}/status/", {"status": "done"}).status_code == 404
        assert client.get(f"/media/{huge}/0/").status_code == 404
