"""Facebook webhook payloads -> inbound items: one test per fixture, items asserted exactly.

Pure: no database, no HTTP.
"""

from datetime import UTC, datetime

import pytest

from channels_fb.parse import parse
from inbox.items import (
    Attachment,
    DeliveryUpdate,
    InboundMessage,
    MessageUpdate,
    Person,
    Reaction,
    Skipped,
)
from tests.facebook.helpers import FIXTURES, fixture, fixture_names

PAGE = "104857600123456"
PAGE2 = "104857600654321"
PSID = "6290011122233344"
DANA = Person(external_id="7712003344556677", name="Dana Kowalski")
POST = f"{PAGE}_998877665544332"
TOP = "998877665544332_1122330000111122"
REPLY = "998877665544332_1122334455667788"
CDN = "https://scontent.xx.fbcdn.net/v"


def ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def sec(value: int) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC)


def messenger(external_id: str, at: int, text: str = "", **fields) -> InboundMessage:
    """A Messenger message in the thread of the customer PSID."""
    fields.setdefault("sender", Person(external_id=PSID))
    return InboundMessage(
        account_external_id=PAGE,
        thread_key=PSID,
        conversation_kind="direct",
        external_id=external_id,
        timestamp=ms(at),
        text=text,
        **fields,
    )


def comment(external_id: str, at: int, text: str, **fields) -> InboundMessage:
    defaults = {
        "thread_key": TOP,
        "sender": DANA,
        "kind": "comment",
        "public": True,
        "context": {"post_id": POST},
    }
    return InboundMessage(
        account_external_id=PAGE,
        conversation_kind="comment",
        external_id=external_id,
        timestamp=sec(at),
        text=text,
        **{**defaults, **fields},
    )


# --- Messenger ----------------------------------------------------------------------------


def test_message_text():
    [item] = parse(fixture("message_text"))

    assert item == messenger(
        "m_Xy7dQk2LpN0aBcDeFgHiJk-3mZ9", 1785312004523, "Is the blue one back in stock?"
    )
    assert item.timestamp == datetime(2026, 7, 29, 8, 0, 4, 523000, tzinfo=UTC)


def test_message_quick_reply():
    assert parse(fixture("message_quick_reply")) == [
        messenger(
            "m_Qr1sT2uV3wX4yZ5aB6",
            1785312010100,
            "Stock question",
            extra={
                "quick_reply": "STOCK_QUESTION",
                "referral": {"ref": "summer-sale", "source": "SHORTLINK", "type": "OPEN_THREAD"},
            },
        )
    ]


def test_message_reply_to():
    assert parse(fixture("message_reply_to")) == [
        messenger(
            "m_Rt5uV6wX7yZ8aB9cD0eF1",
            1785312020100,
            "This one, in blue",
            extra={"reply_to": "m_Pq1rSt2UvW3xYz4AbC5dEf-6gH7"},
        )
    ]


def test_message_attachments():
    [item] = parse(fixture("message_attachments"))

    assert item == messenger(
        "m_Ab3cD4eF5gH6iJ7kL8mN9oP0",
        1785312030100,
        attachments=(
            Attachment("image", f"{CDN}/t1.15752-9/example.jpg?oe=6700AA00", "example.jpg"),
            Attachment("video", f"{CDN}/t42.3356-2/unboxing.mp4?oe=6700AA00", "unboxing.mp4"),
            Attachment(
                "audio", "https://cdn.fbsbx.com/v/t59.3654-21/voice.mp4?oe=6700AA00", "voice.mp4"
            ),
            Attachment(
                "file", "https://cdn.fbsbx.com/v/t59.2708-21/invoice.pdf?oe=6700AA00", "invoice.pdf"
            ),
            Attachment(
                "location",
                "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.bing.com%2Fmaps%2Fdefault.aspx"
                "%3Fwhere1%3D52.2297%252C%2B21.0122",
                "Dana's location",
                {"lat": 52.2297, "long": 21.0122},
            ),
            Attachment(
                "fallback",
                "https://northwind.example/boots/size-guide",
                "Northwind trail boots, size guide",
                {"title": "Northwind trail boots, size guide"},
            ),
        ),
    )


def test_message_sticker_pair_collapses_to_one_sticker():
    [item] = parse(fixture("message_sticker_pair"))

    assert item.attachments == (
        Attachment(
            "sticker",
            f"{CDN}/t39.1997-6/851557_369239266556155_759568595_n.png?oe=6700AA00",
            extra={"sticker_id": "369239263222822"},
        ),
    )


def test_message_unknown_attachment_is_kept_raw_as_unsupported():
    raw = fixture("message_unknown_attachment")["entry"][0]["messaging"][0]["message"]

    assert parse(fixture("message_unknown_attachment")) == [
        messenger(
            "m_Un1kN2oW3nA4tT5",
            1785312050100,
            "Saw this on your page",
            attachments=(Attachment("unsupported", extra={"raw": raw["attachments"][0]}),),
        )
    ]


def test_echo_own():
    assert parse(fixture("echo_own")) == [
        messenger(
            "m_Zy9xW8vU7tS6rQ5pO4nM3lK2",
            1785312499880,
            "Yes, size M arrives Friday.",
            outbound=True,
            extra={"app_id": "1500200300400500", "metadata": "inbox:msg:8842"},
        )
    ]


def test_echo_other_app():
    assert parse(fixture("echo_other_app")) == [
        messenger(
            "m_Ec1hO2tH3eR4aP5p",
            1785312550000,
            "We are open until 6 pm today.",
            outbound=True,
            extra={"app_id": "263902037430900"},
        )
    ]


def test_delivery():
    assert parse(fixture("delivery")) == [
        DeliveryUpdate(
            account_external_id=PAGE,
            status="delivered",
            external_ids=("m_Zy9xW8vU7tS6rQ5pO4nM3lK2",),
            watermark=ms(1785312599000),
            thread_key=PSID,
        )
    ]


def test_read():
    assert parse(fixture("read")) == [
        DeliveryUpdate(
            account_external_id=PAGE, status="read", watermark=ms(1785312699000), thread_key=PSID
        )
    ]


def test_postback():
    assert parse(fixture("postback")) == [
        messenger(
            "m_Pb1Pb2Pb3",
            1785312800000,
            "Talk to an agent",
            extra={
                "postback": "HANDOFF_HUMAN",
                "referral": {"ref": "summer-sale", "source": "SHORTLINK", "type": "OPEN_THREAD"},
            },
        )
    ]


def test_postback_without_mid_gets_a_stable_id():
    payload = fixture("postback")
    del payload["entry"][0]["messaging"][0]["postback"]["mid"]

    [item] = parse(payload)

    assert item.external_id == f"postback:{PSID}:1785312800000"
    assert parse(payload) == [item]


def test_reaction():
    assert parse(fixture("reaction")) == [
        Reaction(
            account_external_id=PAGE,
            external_id="m_Zy9xW8vU7tS6rQ5pO4nM3lK2",
            sender_external_id=PSID,
            reaction="love",
            emoji="\u2764\ufe0f",
            timestamp=ms(1785312900000),
        )
    ]


def test_unreact():
    assert parse(fixture("unreact")) == [
        Reaction(
            account_external_id=PAGE,
            external_id="m_Zy9xW8vU7tS6rQ5pO4nM3lK2",
            sender_external_id=PSID,
            reaction="love",
            emoji="\u2764\ufe0f",
            removed=True,
            timestamp=ms(1785312950000),
        )
    ]


def test_message_edit():
    assert parse(fixture("message_edit")) == [
        MessageUpdate(
            account_external_id=PAGE,
            external_id="m_Xy7dQk2LpN0aBcDeFgHiJk-3mZ9",
            change="edited",
            text="Is the navy one back in stock?",
            timestamp=ms(1785313000000),
        )
    ]


def test_referral_alone_is_skipped():
    assert parse(fixture("referral")) == [
        Skipped("facebook messaging event 'referral' is not handled", PAGE)
    ]


def test_optin_is_skipped():
    assert parse(fixture("optin")) == [
        Skipped("facebook messaging event 'optin' is not handled", PAGE)
    ]


def test_standby_message_reads_like_messaging():
    assert parse(fixture("standby_message")) == [
        messenger("m_Sb1yM2sG3hE4lL5o", 1785313300000, "Hello? Is anyone there?")
    ]


# --- feed -------------------------------------------------------------------------------


def test_feed_comment_add():
    assert parse(fixture("feed_comment_add")) == [
        comment(TOP, 1785319900, "I ordered these boots three weeks ago.")
    ]


def test_feed_comment_reply():
    assert parse(fixture("feed_comment_reply")) == [
        comment(
            REPLY, 1785319998, "Still waiting for my refund, order #5531", parent_external_id=TOP
        )
    ]


def test_feed_comment_edited():
    assert parse(fixture("feed_comment_edited")) == [
        MessageUpdate(
            account_external_id=PAGE,
            external_id=REPLY,
            change="edited",
            text="Still waiting for my refund, order #5531. Any news?",
            timestamp=sec(1785320100),
        )
    ]


@pytest.mark.parametrize(
    ("name", "change", "at"),
    [
        ("feed_comment_remove", "removed", 1785320300),
        ("feed_comment_hide", "hidden", 1785320400),
        ("feed_comment_unhide", "unhidden", 1785320500),
    ],
)
def test_feed_comment_remove_hide_unhide(name, change, at):
    assert parse(fixture(name)) == [
        MessageUpdate(account_external_id=PAGE, external_id=REPLY, change=change, timestamp=sec(at))
    ]


def test_feed_page_comment_reply_is_outbound_in_the_thread():
    assert parse(fixture("feed_page_comment_reply")) == [
        comment(
            "998877665544332_1122339999000011",
            1785320200,
            "Hi Dana, sorry for the wait: we have sent you a private message.",
            sender=Person(external_id=PAGE, name="Northwind Outdoor"),
            parent_external_id=TOP,
            outbound=True,
        )
    ]


def test_the_pages_own_top_level_comment_is_skipped():
    payload = fixture("feed_page_comment_reply")
    payload["entry"][0]["changes"][0]["value"]["parent_id"] = POST

    assert parse(payload) == [
        Skipped("the Page's own comment on its post is not a conversation", PAGE)
    ]


def test_feed_visitor_post():
    post_id = f"{PAGE}_998877665500001"

    assert parse(fixture("feed_visitor_post")) == [
        InboundMessage(
            account_external_id=PAGE,
            thread_key=post_id,
            conversation_kind="comment",
            external_id=post_id,
            sender=Person(external_id="7712005566778899", name="Yusuf Demir"),
            timestamp=sec(1785321000),
            text="The tent pole snapped on the first night.",
            kind="post",
            public=True,
            attachments=(
                Attachment(
                    "image", f"{CDN}/t39.30808-6/tent-pole.jpg?oe=6700AA00", "tent-pole.jpg"
                ),
            ),
            context={"post_id": post_id, "visitor_post": True},
        )
    ]


def test_the_pages_own_post_is_skipped():
    payload = fixture("feed_visitor_post")
    payload["entry"][0]["changes"][0]["value"]["from"] = {"id": PAGE, "name": "Northwind Outdoor"}

    assert parse(payload) == [Skipped("the Page's own posts are not conversations", PAGE)]


def test_feed_reaction_is_skipped():
    assert parse(fixture("feed_reaction")) == [Skipped("reactions are not conversations", PAGE)]


def test_a_comment_author_may_come_as_sender_id():
    payload = fixture("feed_comment_add")
    value = payload["entry"][0]["changes"][0]["value"]
    del value["from"]
    value.update(sender_id="7712003344556677", sender_name="Dana Kowalski")

    assert parse(payload) == [comment(TOP, 1785319900, "I ordered these boots three weeks ago.")]


# --- ratings ----------------------------------------------------------------------------


def review(story: str, at: int, text: str, reviewer: Person, recommendation: str):
    return InboundMessage(
        account_external_id=PAGE,
        thread_key=f"review:{story}",
        conversation_kind="review",
        external_id=story,
        sender=reviewer,
        timestamp=sec(at),
        text=text,
        kind="review",
        public=True,
        context={"review_id": story, "recommendation_type": recommendation, "rating": None},
    )


def test_ratings_positive():
    assert parse(fixture("ratings_positive")) == [
        review(
            "3344556677880011",
            1785330100,
            "Great boots and quick delivery!",
            Person(external_id="7712001122334455", name="Ama Mensah"),
            "positive",
        )
    ]


def test_ratings_negative():
    assert parse(fixture("ratings_negative")) == [
        review(
            "3344556677889900",
            1785329990,
            "Η παράδοση άργησε τρεις εβδομάδες.",
            Person(external_id="7712009988776655", name="Νίκος Παπαδόπουλος"),
            "negative",
        )
    ]


def test_ratings_comment_nests_under_the_review():
    assert parse(fixture("ratings_comment")) == [
        InboundMessage(
            account_external_id=PAGE,
            thread_key="review:3344556677889900",
            conversation_kind="review",
            external_id="3344556677889900_5566778899001122",
            sender=Person(external_id="7712009988776655", name="Νίκος Παπαδόπουλος"),
            timestamp=sec(1785330200),
            text="Ακόμα περιμένω απάντηση.",
            kind="comment",
            public=True,
            parent_external_id="3344556677889900",
            context={"review_id": "3344556677889900"},
        )
    ]


def test_an_edited_or_removed_review_updates_it():
    payload = fixture("ratings_negative")
    value = payload["entry"][0]["changes"][0]["value"]
    value.update(verb="edited", review_text="Η παράδοση άργησε, αλλά λύθηκε.")
    edited = parse(payload)
    value["verb"] = "remove"

    assert edited == [
        MessageUpdate(
            account_external_id=PAGE,
            external_id="3344556677889900",
            change="edited",
            text="Η παράδοση άργησε, αλλά λύθηκε.",
            timestamp=sec(1785329990),
        )
    ]
    assert parse(payload) == [
        MessageUpdate(
            account_external_id=PAGE,
            external_id="3344556677889900",
            change="removed",
            timestamp=sec(1785329990),
        )
    ]


# --- envelopes ----------------------------------------------------------------------------


def test_batch_reads_every_entry_of_both_pages_in_order():
    items = parse(fixture("batch"))

    assert [(i.account_external_id, type(i).__name__, i.text) for i in items] == [
        (PAGE, "InboundMessage", "Γεια σας! Πότε θα έρθει η παραγγελία μου;"),
        (PAGE, "InboundMessage", "Добры дзень! Ці ёсць гэтыя чаравікі 44 памеру?"),
        (PAGE2, "InboundMessage", "שלום, אפשר להזמין שולחן להערב?"),
        (PAGE, "InboundMessage", "Когда палатки снова будут в продаже?"),
        (PAGE, "InboundMessage", "服务很好，发货很快！"),
        (PAGE2, "InboundMessage", "咖啡很好喝，周末营业吗？"),
    ]
    assert [(i.conversation_kind, i.thread_key) for i in items] == [
        ("direct", "6290011122230001"),
        ("direct", "6290011122230002"),
        ("direct", "6290011122230003"),
        ("comment", "998877665544400_1122330000400001"),
        ("review", "review:3344556677000005"),
        ("comment", "55443322110001_99887766001"),
    ]
    assert items[4].sender == Person(external_id="7712003300000005", name="王芳")


def test_instagram_object_is_skipped():
    assert parse(fixture("instagram_object")) == [
        Skipped("facebook webhook object 'instagram' is not handled")
    ]


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ([], "JSON object"),
        ({"entry": []}, "'object'"),
        ({"object": "page"}, "'entry' list"),
        ({"object": "page", "entry": {"id": PAGE}}, "'entry' list"),
    ],
)
def test_a_payload_that_is_not_a_webhook_raises_naming_the_problem(payload, problem):
    with pytest.raises(ValueError, match=problem):
        parse(payload)


def test_one_malformed_event_never_costs_the_others():
    payload = fixture("batch")
    del payload["entry"][0]["messaging"][0]["message"]["mid"]
    payload["entry"][2]["changes"][0]["value"]["created_time"] = "yesterday"
    payload["entry"].insert(0, {"time": 1785400000000, "messaging": []})

    items = parse(payload)

    assert items[0] == Skipped("facebook webhook entry without an id")
    assert items[1] == Skipped("malformed facebook messaging event: no 'mid'", PAGE)
    assert isinstance(items[4], Skipped)
    assert items[4].reason.startswith("malformed facebook changes event:")
    assert [type(i).__name__ for i in items[2:4] + items[5:]] == ["InboundMessage"] * 4


def test_unknown_change_fields_and_feed_items_are_skipped_by_name():
    payload = {
        "object": "page",
        "entry": [
            {
                "id": PAGE,
                "time": 1785400000,
                "changes": [
                    {"field": "mention", "value": {"post_id": POST}},
                    {"field": "feed", "value": {"item": "album", "verb": "add"}},
                ],
            }
        ],
    }

    assert parse(payload) == [
        Skipped("facebook change field 'mention' is not handled", PAGE),
        Skipped("facebook feed item 'album' is not handled", PAGE),
    ]


# --- catching up: Graph API reads give the webhook's items ---------------------------------

PAGE_PARTY = {"id": PAGE, "name": "Northwind Outdoor", "email": f"{PAGE}@facebook.com"}
DANA_PARTY = {"id": PSID, "name": "Dana Kowalski", "email": f"{PSID}@facebook.com"}
CONVERSATIONS = [
    {
        "id": "t_10161234567890123",
        "updated_time": "2026-07-29T08:08:19+0000",
        "participants": {"data": [DANA_PARTY, PAGE_PARTY]},
        "messages": {
            "data": [
                {
                    "id": "m_Zy9xW8vU7tS6rQ5pO4nM3lK2",
                    "created_time": "2026-07-29T08:08:19+0000",
                    "from": PAGE_PARTY,
                    "to": {"data": [DANA_PARTY]},
                    "message": "Yes, size M arrives Friday.",
                },
                {
                    "id": "m_Xy7dQk2LpN0aBcDeFgHiJk-3mZ9",
                    "created_time": "2026-07-29T08:00:04+0000",
                    "from": DANA_PARTY,
                    "to": {"data": [PAGE_PARTY]},
                    "message": "Is the blue one back in stock?",
                    "attachments": {
                        "data": [
                            {
                                "id": "1928374655",
                                "mime_type": "image/jpeg",
                                "name": "image-5531.jpg",
                                "size": 53211,
                                "image_data": {
                                    "url": f"{CDN}/t1.15752-9/image-5531.jpg?oe=6700AA00",
                                    "preview_url": f"{CDN}/t1.15752-9/p-5531.jpg?oe=6700AA00",
                                    "width": 720,
                                    "height": 960,
                                },
                            },
                            {
                                "id": "1928374656",
                                "mime_type": "audio/mpeg",
                                "name": "audioclip.mp3",
                                "size": 20480,
                                "file_url": "https://cdn.fbsbx.com/v/t59.3654-21/clip.mp3",
                            },
                        ]
                    },
                },
                {"id": "m_NoFrOm1", "created_time": "2026-07-29T08:00:05+0000"},
            ]
        },
    }
]


def test_graph_conversations_give_the_webhooks_thread_and_ids():
    from channels_fb.graph_items import items_from_conversations

    echo, message, broken = items_from_conversations(PAGE, CONVERSATIONS)

    webhook = parse(fixture("message_text"))[0]
    assert (message.thread_key, message.external_id, message.conversation_kind) == (
        webhook.thread_key,
        webhook.external_id,
        webhook.conversation_kind,
    )
    assert message == messenger(
        "m_Xy7dQk2LpN0aBcDeFgHiJk-3mZ9",
        1785312004000,
        "Is the blue one back in stock?",
        sender=Person(external_id=PSID, name="Dana Kowalski"),
        attachments=(
            Attachment("image", f"{CDN}/t1.15752-9/image-5531.jpg?oe=6700AA00", "image-5531.jpg"),
            Attachment("audio", "https://cdn.fbsbx.com/v/t59.3654-21/clip.mp3", "audioclip.mp3"),
        ),
    )
    assert echo == messenger(
        "m_Zy9xW8vU7tS6rQ5pO4nM3lK2",
        1785312499000,
        "Yes, size M arrives Friday.",
        sender=Person(external_id=PSID, name="Dana Kowalski"),
        outbound=True,
    )
    assert broken == Skipped("malformed facebook conversation message event: no 'from'", PAGE)


VISITOR_POST = f"{PAGE}_998877665500001"
POSTS = [
    {
        "id": POST,
        "message": "New trail boots are in.",
        "created_time": "2026-07-28T09:00:00+0000",
        "permalink_url": "https://www.facebook.com/104857600123456/posts/998877665544332",
        "from": {"id": PAGE, "name": "Northwind Outdoor"},
        "comments": {
            # Listed flat (`filter(stream)`): a reply names its parent.
            "data": [
                {
                    "id": TOP,
                    "message": "I ordered these boots three weeks ago.",
                    "from": {"id": DANA.external_id, "name": DANA.name},
                    "created_time": "2026-07-29T10:11:40+0000",
                },
                {
                    "id": REPLY,
                    "message": "Still waiting for my refund, order #5531",
                    "from": {"id": DANA.external_id, "name": DANA.name},
                    "created_time": "2026-07-29T10:13:18+0000",
                    "parent": {"id": TOP},
                },
                {
                    "id": "998877665544332_1122330000999999",
                    "message": "Sizes 40 to 46 are back.",
                    "from": {"id": PAGE, "name": "Northwind Outdoor"},
                    "created_time": "2026-07-29T10:20:00+0000",
                },
            ]
        },
    },
    {
        "id": VISITOR_POST,
        "message": "The tent pole snapped on the first night.",
        "created_time": "2026-07-29T10:30:00+0000",
        "full_picture": f"{CDN}/t39.30808-6/tent-pole.jpg?oe=6700AA00",
        "from": {"id": "7712005566778899", "name": "Yusuf Demir"},
        "comments": {
            # Nested: replies inside their top-level comment.
            "data": [
                {
                    "id": "998877665500001_2233440001",
                    "message": "Same happened to me.",
                    "from": {"id": "7712005566770000", "name": "Olga Ivanova"},
                    "created_time": "2026-07-29T10:40:00+0000",
                    "comments": {
                        "data": [
                            {
                                "id": "998877665500001_2233440002",
                                "message": "We are sending you both new poles.",
                                "from": {"id": PAGE, "name": "Northwind Outdoor"},
                                "created_time": "2026-07-29T10:45:00+0000",
                            }
                        ]
                    },
                }
            ]
        },
    },
]


def test_graph_feed_gives_the_webhooks_items_for_the_same_comments():
    from channels_fb.graph_items import items_from_feed

    items = items_from_feed(PAGE, POSTS)

    assert items[0] == parse(fixture("feed_comment_add"))[0]
    assert items[1] == parse(fixture("feed_comment_reply"))[0]
    assert items[2] == Skipped("the Page's own comment on its post is not a conversation", PAGE)
    webhook_post = parse(fixture("feed_visitor_post"))[0]
    assert (items[3].thread_key, items[3].external_id, items[3].kind, items[3].context) == (
        webhook_post.thread_key,
        webhook_post.external_id,
        webhook_post.kind,
        webhook_post.context,
    )
    assert [(i.thread_key, i.parent_external_id, i.outbound) for i in items[4:]] == [
        ("998877665500001_2233440001", "", False),
        ("998877665500001_2233440001", "998877665500001_2233440001", True),
    ]
    assert items[5].context == {"post_id": VISITOR_POST}


def test_every_fixture_has_a_test():
    source = (FIXTURES.parent / "test_parse.py").read_text(encoding="utf-8")

    unused = [name for name in fixture_names() if f'"{name}"' not in source]

    assert unused == []
