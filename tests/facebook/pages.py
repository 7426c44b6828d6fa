"""A connected Facebook Page and payloads in meta.md's shapes, for the outbound tests."""

import json
import time

from django.utils import timezone

from channels_fb.parse import parse
from inbox import services
from inbox.models import ChannelAccount, Conversation

PAGE_ID = "104857600123456"
PSID = "6290011122233344"
POST_ID = f"{PAGE_ID}_998877665544332"


def connect_page(world, **options) -> ChannelAccount:
    account = ChannelAccount.objects.create(
        kind="facebook",
        external_id=PAGE_ID,
        name="Northwind Outdoor",
        credentials={"page_id": PAGE_ID, "access_token": "EAAGpage-token"},
        options=options,
    )
    account.teams.add(world.support)
    return account


def ms_ago(**delta) -> int:
    return int((timezone.now() - timezone.timedelta(**delta)).timestamp() * 1000)


def messenger_payload(mid: str, text: str, *, psid: str = PSID, at_ms: int | None = None) -> dict:
    at_ms = at_ms or int(time.time() * 1000)
    return {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": at_ms,
                "messaging": [
                    {
                        "sender": {"id": psid},
                        "recipient": {"id": PAGE_ID},
                        "timestamp": at_ms,
                        "message": {"mid": mid, "text": text},
                    }
                ],
            }
        ],
    }


def comment_payload(
    comment_id: str,
    text: str,
    *,
    parent_id: str = POST_ID,
    sender: tuple[str, str] = ("7712003344556677", "Dana Kowalski"),
    created: int | None = None,
) -> dict:
    created = created or int(time.time())
    return {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": created,
                "changes": [
                    {
                        "field": "feed",
                        "value": {
                            "from": {"id": sender[0], "name": sender[1]},
                            "item": "comment",
                            "verb": "add",
                            "post_id": POST_ID,
                            "comment_id": comment_id,
                            "parent_id": parent_id,
                            "message": text,
                            "created_time": created,
                        },
                    }
                ],
            }
        ],
    }


def review_payload(story_id: str, text: str, kind: str = "negative") -> dict:
    now = int(time.time())
    return {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": now,
                "changes": [
                    {
                        "field": "ratings",
                        "value": {
                            "item": "rating",
                            "verb": "add",
                            "open_graph_story_id": story_id,
                            "recommendation_type": kind,
                            "review_text": text,
                            "reviewer_id": "7712009988776655",
                            "reviewer_name": "Σάμης Ορτέγκα",
                            "created_time": now,
                        },
                    }
                ],
            }
        ],
    }


def ingest(payload: dict) -> services.IngestResult:
    return services.items_ingest(kind="facebook", items=parse(payload))


def thread(thread_key: str) -> Conversation:
    return Conversation.objects.get(account__kind="facebook", thread_key=thread_key)


def inject(fake_graph, fault: str, count: int = 1) -> None:
    fake_graph.graph.fail(fault, count)


def record(fake_graph, payload: dict) -> None:
    """It happened on Facebook: the fake Graph knows it from now on."""
    fake_graph.graph.record(payload)


def graph_calls(fake_graph, method: str, suffix: str) -> list[dict]:
    """The fake's recorded calls of one kind, with query and body merged and decoded."""
    found = []
    for call in fake_graph.calls():
        if call["method"] != method or not call["path"].rstrip("/").endswith(suffix):
            continue
        params = {**(call.get("query") or {}), **(call.get("body") or {})}
        for key, value in params.items():
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            if isinstance(value, str) and value[:1] in "{[":
                value = json.loads(value)
            params[key] = value
        found.append(params)
    return found
