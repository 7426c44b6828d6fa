"""The Graph client against the fake Graph over real HTTP: every call, every error class."""

import logging
import pickle
import socket
import time
from datetime import UTC, datetime

import pytest
import requests

from channels_fb.client import SUBSCRIBED_FIELDS, GraphClient, GraphError
from tests.facebook.pages import PAGE_ID, POST_ID, PSID, comment_payload, messenger_payload, ms_ago

PAGE = PAGE_ID
KAFE = "104857600654321"
TOKEN = "EAAGpage-secret-token"
DANA = PSID
POST = POST_ID
COMMENT = "998877665544332_1122334455667788"
DAY = 86400


@pytest.fixture
def client(fake_graph) -> GraphClient:
    return GraphClient(TOKEN, page_id=PAGE)


def comment_on(post_id: str, comment_id: str, text: str, created: int) -> dict:
    """comment_payload's comment, on another post of the Page."""
    payload = comment_payload(comment_id, text, parent_id=post_id, created=created)
    payload["entry"][0]["changes"][0]["value"]["post_id"] = post_id
    return payload


def calls_to(fake_graph, method: str, suffix: str) -> list[dict]:
    return [c for c in fake_graph.calls() if c["method"] == method and c["path"].endswith(suffix)]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Messenger ----------------------------------------------------------------------------


def test_it_sends_a_messenger_reply_and_gets_its_message_id(client, fake_graph):
    answer = client.send_message(
        recipient={"id": DANA}, message={"text": "Καλημέρα! Size M arrives Friday."}, metadata="x:1"
    )

    assert answer["recipient_id"] == DANA
    assert answer["message_id"].startswith("m_")
    [call] = calls_to(fake_graph, "POST", f"/v26.0/{PAGE}/messages")
    assert call["query"]["access_token"] == TOKEN
    assert call["body"]["recipient"] == {"id": DANA}
    assert call["body"]["messaging_type"] == "RESPONSE"
    assert call["body"]["metadata"] == "x:1"
    assert "tag" not in call["body"]


def test_after_24_hours_only_the_human_agent_tag_gets_through(client, fake_graph):
    fake_graph.graph.record(messenger_payload("m_old", "Any news?", at_ms=ms_ago(days=3)))

    with pytest.raises(GraphError) as refused:
        client.send_message(recipient={"id": DANA}, message={"text": "Sorry!"})
    answer = client.send_message(
        recipient={"id": DANA},
        message={"text": "Sorry for the wait, it shipped today."},
        messaging_type="MESSAGE_TAG",
        tag="HUMAN_AGENT",
    )

    assert refused.value.outside_window and not refused.value.retryable
    assert answer["message_id"].startswith("m_")


def test_a_private_reply_reaches_the_commenter_once(client, fake_graph):
    fake_graph.graph.record(comment_payload(COMMENT, "Still waiting for my refund"))

    answer = client.send_message(
        recipient={"comment_id": COMMENT}, message={"text": "Can you DM me the order number?"}
    )
    with pytest.raises(GraphError) as second:
        client.send_message(recipient={"comment_id": COMMENT}, message={"text": "Hello again"})

    psid = answer["recipient_id"]
    assert psid.isdigit() and len(psid) == 16
    assert client.profile(psid)["first_name"] == "Dana"
    assert second.value.code == 10
    assert not second.value.retryable and not second.value.outside_window
    assert "(#10)" in second.value.reason


def test_the_same_commenter_gets_the_same_psid_on_another_comment(client, fake_graph):
    fake_graph.graph.record(comment_payload(f"{COMMENT}1", "First"))
    fake_graph.graph.record(comment_payload(f"{COMMENT}2", "Second"))

    first = client.send_message(recipient={"comment_id": f"{COMMENT}1"}, message={"text": "a"})
    second = client.send_message(recipient={"comment_id": f"{COMMENT}2"}, message={"text": "b"})

    assert first["recipient_id"] == second["recipient_id"]


def test_a_private_reply_is_refused_after_seven_days(client, fake_graph):
    fake_graph.graph.record(comment_payload(COMMENT, "Hello?", created=int(time.time() - 8 * DAY)))

    with pytest.raises(GraphError) as refused:
        client.send_message(recipient={"comment_id": COMMENT}, message={"text": "Hi"})

    assert refused.value.code == 10 and not refused.value.retryable


def test_it_reads_a_messenger_profile(client):
    profile = client.profile("6290011122233345")

    assert (profile["first_name"], profile["last_name"]) == ("Ελένη", "Παπαδοπούλου")
    assert "/_sandbox/media/avatar.png" in profile["profile_pic"]


def test_an_unknown_person_has_no_profile(client):
    with pytest.raises(GraphError) as unknown:
        client.profile("6299999999999999")

    assert (unknown.value.code, unknown.value.subcode) == (100, 2018218)
    assert not unknown.value.retryable


# --- comments and posts -------------------------------------------------------------------


def test_it_replies_under_a_comment_hides_likes_and_deletes_it(client, fake_graph):
    fake_graph.graph.record(comment_payload(COMMENT, "Where is my parcel?"))

    reply_id = client.comment_reply(COMMENT, "It left the warehouse today.")
    client.set_hidden(COMMENT, True)
    client.like(COMMENT)
    reply = client.get_object(reply_id, "message,from,parent{id}")
    hidden = client.get_object(COMMENT, "is_hidden")["is_hidden"]
    liked = COMMENT in fake_graph.graph.liked
    client.unlike(COMMENT)
    client.delete_object(COMMENT)

    assert reply["message"] == "It left the warehouse today."
    assert reply["from"]["id"] == PAGE
    assert reply["parent"] == {"id": COMMENT}
    assert hidden and liked
    assert COMMENT not in fake_graph.graph.liked
    with pytest.raises(GraphError) as gone:
        client.get_object(COMMENT, "message")
    assert (gone.value.code, gone.value.subcode) == (100, 33)
    [hide] = calls_to(fake_graph, "POST", f"/v26.0/{COMMENT}")
    assert hide["body"] == {"is_hidden": "true"}


def test_a_post_reads_with_its_text_permalink_and_picture(client, fake_graph):
    fake_graph.graph.record(comment_payload(COMMENT, "Nice!"))

    post = client.get_object(POST, "message,permalink_url,full_picture,created_time")

    assert post["id"] == POST
    assert post["message"]
    assert post["permalink_url"].endswith(POST)
    assert post["full_picture"].startswith(fake_graph.url)
    assert post["created_time"].endswith("+0000")


def test_a_reply_to_a_review_goes_under_the_review(client, fake_graph):
    reply_id = client.comment_reply("3344556677889900", "Sorry, Sam. We are looking into it.")

    assert reply_id.startswith("3344556677889900_")
    assert calls_to(fake_graph, "POST", "/3344556677889900/comments")


# --- catching up --------------------------------------------------------------------------


def test_conversations_follow_the_pages_and_stop_at_since(client, fake_graph):
    for n in range(30):
        psid = f"62900111222{n:05d}"
        fake_graph.graph.record(
            messenger_payload(f"m_{n}", f"Hello {n}", psid=psid, at_ms=ms_ago(hours=n))
        )

    everything = client.conversations()
    pages_read = len(calls_to(fake_graph, "GET", f"/{PAGE}/conversations"))

    assert len(everything) == 30
    assert pages_read == 2
    assert [c["messages"]["data"][0]["message"] for c in everything[:2]] == ["Hello 0", "Hello 1"]
    assert everything[0]["participants"]["data"][1]["id"] == PAGE


def test_conversations_since_a_time_read_only_what_is_newer(client, fake_graph):
    now = time.time()
    for n in range(30):
        psid = f"62900111222{n:05d}"
        fake_graph.graph.record(
            messenger_payload(f"m_{n}", f"Hello {n}", psid=psid, at_ms=ms_ago(hours=n))
        )

    recent = client.conversations(since=datetime.fromtimestamp(now - 4.5 * 3600, UTC))
    first_page_only = client.conversations(max_pages=1)

    assert [c["messages"]["data"][0]["message"] for c in recent] == [f"Hello {n}" for n in range(5)]
    assert len(first_page_only) == 25
    assert len(calls_to(fake_graph, "GET", f"/{PAGE}/conversations")) == 2


def test_the_feed_nests_replies_under_their_comment(client, fake_graph):
    now = time.time()
    fake_graph.graph.record(
        comment_payload(COMMENT, "Still waiting for my refund", created=int(now - 60))
    )
    reply = "998877665544332_1122334455669999"
    fake_graph.graph.record(
        comment_payload(reply, "Same here", parent_id=COMMENT, sender=("77120055", "Лёша"))
    )

    [post] = client.feed()

    [comment] = post["comments"]["data"]
    assert comment["id"] == COMMENT
    assert comment["message"] == "Still waiting for my refund"
    assert comment["from"] == {"name": "Dana Kowalski", "id": "7712003344556677"}
    [nested] = comment["comments"]["data"]
    assert nested["id"] == reply
    assert nested["parent"] == {"id": COMMENT}
    assert nested["from"]["name"] == "Лёша"


def test_the_feed_leaves_out_posts_untouched_since(client, fake_graph):
    now = time.time()
    old_post, old_comment = f"{PAGE}_111", "111_1"
    fake_graph.graph.record(comment_on(old_post, old_comment, "Old", int(now - 5 * DAY)))
    fake_graph.graph.record(comment_payload(COMMENT, "New", created=int(now)))

    posts = client.feed(since=datetime.fromtimestamp(now - DAY, UTC))

    assert [p["id"] for p in posts] == [POST]


# --- webhook subscription -----------------------------------------------------------------


def test_it_subscribes_the_page_and_unsubscribes_it(client, fake_graph):
    client.subscribe(SUBSCRIBED_FIELDS)
    subscribed = client.subscribed_apps()
    client.unsubscribe()

    [app] = subscribed
    assert app["subscribed_fields"] == SUBSCRIBED_FIELDS
    assert client.subscribed_apps() == []
    [call] = calls_to(fake_graph, "POST", f"/{PAGE}/subscribed_apps")
    assert call["body"]["subscribed_fields"] == ",".join(SUBSCRIBED_FIELDS)


def test_a_refused_reviews_subscription_is_a_permanent_error(client, fake_graph):
    fake_graph.graph.ratings_available = False

    with pytest.raises(GraphError) as refused:
        client.subscribe(SUBSCRIBED_FIELDS)
    client.subscribe([f for f in SUBSCRIBED_FIELDS if f != "ratings"])

    assert refused.value.code == 12 and not refused.value.retryable
    assert "ratings" not in client.subscribed_apps()[0]["subscribed_fields"]


# --- Facebook Login -----------------------------------------------------------------------


@pytest.fixture
def app(settings, fake_graph):
    settings.FACEBOOK_APP_ID = "sandbox-app"
    settings.FACEBOOK_APP_SECRET = "sandbox-app-secret"
    return GraphClient()


def test_facebook_login_gives_the_pages_with_their_tokens(app, fake_graph):
    callback = "https://inbox.example/settings/channels/facebook/callback/"
    code = fake_graph.graph.issue_code(callback)

    user_token = app.long_lived(app.exchange_code(code, callback))
    pages = app.pages(user_token)
    permissions = app.permissions(user_token)

    assert [p["name"] for p in pages] == [
        "Northwind Outdoor",
        "Northwind Kafe",
        "Northwind Archive",
    ]
    assert all(p["access_token"] for p in pages)
    assert pages[2]["tasks"] == ["ANALYZE"]
    assert {"permission": "pages_messaging", "status": "granted"} in permissions
    [exchange, *_] = calls_to(fake_graph, "GET", "/oauth/access_token")
    assert exchange["query"]["client_secret"] == "sandbox-app-secret"
    assert "access_token" not in exchange["query"]


def test_a_login_code_works_once_and_only_for_its_callback(app, fake_graph):
    callback = "https://inbox.example/callback/"
    code = fake_graph.graph.issue_code(callback)

    with pytest.raises(GraphError) as elsewhere:
        app.exchange_code(code, "https://evil.example/callback/")
    app.exchange_code(code, callback)
    with pytest.raises(GraphError) as again:
        app.exchange_code(code, callback)

    assert elsewhere.value.subcode == 36008
    assert again.value.subcode == 36009


def test_declined_permissions_show_as_declined(app, fake_graph):
    fake_graph.graph.declined.add("pages_manage_engagement")

    permissions = app.permissions("user-token")

    assert {"permission": "pages_manage_engagement", "status": "declined"} in permissions


# --- errors -------------------------------------------------------------------------------


def test_a_rate_limit_pauses_the_page_without_calling_again(client, fake_graph):
    fake_graph.graph.fail("rate_limit")

    with pytest.raises(GraphError) as limited:
        client.send_message(recipient={"id": DANA}, message={"text": "Hi"})
    calls = len(fake_graph.calls())
    with pytest.raises(GraphError) as paused:
        GraphClient(TOKEN, page_id=PAGE).send_message(
            recipient={"id": DANA}, message={"text": "Hi"}
        )
    calls_while_paused = len(fake_graph.calls()) - calls
    other_page = GraphClient(TOKEN, page_id=KAFE).subscribed_apps()

    assert limited.value.retryable and limited.value.code == 4
    # The Business-Use-Case header says 5 minutes.
    assert limited.value.retry_after == 300
    assert paused.value.retryable and 0 < paused.value.retry_after <= 300
    assert calls_while_paused == 0
    assert other_page == []


def test_usage_close_to_the_limit_pauses_the_page_before_meta_must(client, fake_graph):
    fake_graph.graph.app_usage = {"call_count": 96, "total_cputime": 10, "total_time": 10}

    client.like(COMMENT)
    with pytest.raises(GraphError) as paused:
        client.unlike(COMMENT)

    assert paused.value.retryable and paused.value.retry_after > 0
    assert len(calls_to(fake_graph, "DELETE", f"/{COMMENT}/likes")) == 0


def test_a_server_error_on_a_read_is_retryable(client, fake_graph):
    fake_graph.graph.fail("server_error")

    with pytest.raises(GraphError) as failed:
        client.profile(DANA)

    assert failed.value.retryable and failed.value.status == 500
    assert not (failed.value.token_invalid or failed.value.maybe_sent)


def test_a_server_error_on_a_send_may_have_sent_it_so_it_is_not_retryable(client, fake_graph):
    fake_graph.graph.fail("server_error")

    with pytest.raises(GraphError) as failed:
        client.comment_reply(COMMENT, "Thanks!")

    assert failed.value.maybe_sent and not failed.value.retryable
    assert failed.value.status == 500


def test_an_invalid_token_is_not_retried(client, fake_graph):
    fake_graph.graph.fail("invalid_token")

    with pytest.raises(GraphError) as failed:
        client.send_message(recipient={"id": DANA}, message={"text": "Hi"})

    assert failed.value.token_invalid and not failed.value.retryable
    assert (failed.value.code, failed.value.subcode) == (190, 460)


def test_a_revoked_token_stays_invalid(client, fake_graph):
    fake_graph.graph.revoke(TOKEN)

    for _attempt in range(2):
        with pytest.raises(GraphError) as failed:
            client.profile(DANA)
        assert failed.value.token_invalid


def test_outside_the_window_reads_plainly(client, fake_graph):
    with pytest.raises(GraphError) as failed:
        client.send_message(recipient={"id": DANA}, message={"text": "Hi #outsidewindow"})

    assert failed.value.outside_window and not failed.value.retryable
    assert failed.value.reason == (
        "Facebook refused the message (#10/2018278): "
        "This message is sent outside of allowed window."
    )


def test_a_person_who_is_not_available_is_a_permanent_error(client, fake_graph):
    fake_graph.graph.fail("blocked")

    with pytest.raises(GraphError) as failed:
        client.send_message(recipient={"id": DANA}, message={"text": "Hi"})

    assert failed.value.code == 551
    assert not (failed.value.retryable or failed.value.token_invalid or failed.value.outside_window)


def test_markers_in_a_reply_fail_it_like_the_platform(client, fake_graph):
    with pytest.raises(GraphError) as failed:
        client.comment_reply(COMMENT, "On it #servererror")

    assert failed.value.maybe_sent
    assert failed.value.reason == (
        "Facebook had a server error (#2): An unexpected error has occurred. "
        "Please retry your request later."
    )


def test_an_unreachable_facebook_is_retryable_and_the_token_stays_secret(client, settings, caplog):
    settings.FACEBOOK_GRAPH_URL = f"http://127.0.0.1:{closed_port()}"

    with caplog.at_level(logging.DEBUG), pytest.raises(GraphError) as failed:
        client.send_message(recipient={"id": DANA}, message={"text": "Hi"})

    assert failed.value.retryable
    assert TOKEN not in failed.value.reason
    assert TOKEN not in caplog.text


def test_tokens_and_secrets_never_reach_the_logs(app, fake_graph, caplog):
    code = fake_graph.graph.issue_code("https://inbox.example/cb/")
    with caplog.at_level(logging.DEBUG):
        user_token = app.exchange_code(code, "https://inbox.example/cb/")
        GraphClient(TOKEN, page_id=PAGE).like(COMMENT)
        fake_graph.graph.fail("blocked")
        with pytest.raises(GraphError):
            GraphClient(TOKEN, page_id=PAGE).like(COMMENT)

    assert "likes" in caplog.text
    for secret in (TOKEN, user_token, code, "sandbox-app-secret"):
        assert secret not in caplog.text


def test_an_error_survives_the_trip_through_a_task_queue(client, fake_graph):
    fake_graph.graph.fail("rate_limit")
    with pytest.raises(GraphError) as failed:
        client.send_message(recipient={"id": DANA}, message={"text": "Hi"})

    copy = pickle.loads(pickle.dumps(failed.value))

    assert (copy.reason, copy.retryable, copy.retry_after, copy.code) == (
        failed.value.reason,
        True,
        300,
        4,
    )


def test_faults_can_be_injected_over_http(client, fake_graph):
    requests.post(
        f"{fake_graph.url}/_sandbox/faults", json={"fault": "server_error", "count": 2}, timeout=5
    ).raise_for_status()

    outcomes = []
    for _attempt in range(3):
        try:
            client.subscribed_apps()
            outcomes.append("ok")
        except GraphError as exc:
            outcomes.append("retry" if exc.retryable else "fail")

    assert outcomes == ["retry", "retry", "ok"]


def test_the_graph_url_is_read_at_call_time(client, fake_graph, settings):
    settings.FACEBOOK_GRAPH_URL = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(GraphError):
        client.like(COMMENT)
    settings.FACEBOOK_GRAPH_URL = fake_graph.url
    settings.FACEBOOK_GRAPH_VERSION = "v25.0"

    client.like(COMMENT)

    assert calls_to(fake_graph, "POST", f"/v25.0/{COMMENT}/likes")
