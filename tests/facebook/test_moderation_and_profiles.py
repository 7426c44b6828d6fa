"""Moderating comments, and who the customer is, against the fake Graph over real HTTP."""

import pytest

from inbox import services
from inbox.models import Activity, ChannelAccount, Message
from tests.facebook.pages import (
    comment_payload,
    connect_page,
    graph_calls,
    ingest,
    inject,
    messenger_payload,
    thread,
)

COMMENT = "998877665544332_1122334455667788"


@pytest.fixture
def comment(world, fake_graph) -> Message:
    connect_page(world)
    ingest(comment_payload(COMMENT, "Worst shop ever!!!"))
    return Message.objects.get(external_id=COMMENT)


def moderate(world, comment: Message, action: str, user=None):
    return world.client_for(user or world.alice).post(
        f"/c/{comment.conversation_id}/messages/{comment.pk}/moderate/", {"action": action}
    )


def test_hide_and_unhide_reach_facebook_and_show_in_the_inbox(world, comment, fake_graph) -> None:
    response = moderate(world, comment, "hide")

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.hidden
    [call] = graph_calls(fake_graph, "POST", COMMENT)
    assert str(call["is_hidden"]).lower() == "true"
    page = world.client_for(world.alice).get(f"/c/{comment.conversation_id}/").content.decode()
    assert "Unhide" in page and "Hidden" in page

    moderate(world, comment, "unhide")
    comment.refresh_from_db()
    assert not comment.hidden
    verbs = list(
        Activity.objects.filter(verb=Activity.Verb.MODERATED).values_list("data__action", flat=True)
    )
    assert verbs == ["hide", "unhide"]


def test_like_and_delete_through_the_api(world, comment, fake_graph) -> None:
    api = world.api_for(world.bob)
    url = f"/api/v1/messages/{comment.pk}/moderate/"

    assert api.post(url, {"action": "like"}, content_type="application/json").json()["liked"]
    # Bob is an agent: deleting is for Lena, who leads Support.
    deleted = world.api_for(world.lena).post(
        url, {"action": "delete"}, content_type="application/json"
    )

    assert deleted.status_code == 200 and deleted.json()["removed_at"]
    assert graph_calls(fake_graph, "POST", f"{COMMENT}/likes")
    assert graph_calls(fake_graph, "DELETE", COMMENT)
    again = api.post(url, {"action": "hide"}, content_type="application/json")
    assert again.status_code == 400 and "deleted" in str(again.json())


def test_moderation_follows_the_access_rules(world, comment) -> None:
    assert moderate(world, comment, "hide", world.charlie).status_code == 404
    api = world.api_for(world.charlie)
    answer = api.post(
        f"/api/v1/messages/{comment.pk}/moderate/",
        {"action": "hide"},
        content_type="application/json",
    )
    assert answer.status_code == 404
    bad = world.api_for(world.alice).post(
        f"/api/v1/messages/{comment.pk}/moderate/",
        {"action": "ban"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "action" in bad.json()
    comment.refresh_from_db()
    assert not comment.hidden


def test_a_refused_moderation_says_why_and_changes_nothing(world, comment, fake_graph) -> None:
    inject(fake_graph, "invalid_token")

    response = world.client_for(world.alice).post(
        f"/c/{comment.conversation_id}/messages/{comment.pk}/moderate/",
        {"action": "hide"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    assert "190" in response.content.decode()
    comment.refresh_from_db()
    assert not comment.hidden
    comment.account.refresh_from_db()
    assert comment.account.status == ChannelAccount.Status.NEEDS_RECONNECT


def test_the_customers_name_and_picture_are_fetched(world, fake_graph) -> None:
    connect_page(world)
    psid = "6290011122233345"  # the fake knows her: Ελένη Παπαδοπούλου
    ingest(messenger_payload("m_who", "Γεια σας", psid=psid))
    conversation = thread(psid)

    services.conversation_enrich(conversation_id=conversation.pk)

    conversation.refresh_from_db()
    assert conversation.contact.name == "Ελένη Παπαδοπούλου"
    assert conversation.identity.profile["fetched"] is True
    page = world.client_for(world.alice).get(f"/c/{conversation.pk}/").content.decode()
    assert conversation.contact.name in page


def test_an_unreadable_profile_gets_a_plain_fallback_never_a_made_up_name(
    world, fake_graph
) -> None:
    connect_page(world)
    ingest(messenger_payload("m_anon", "hello", psid="9990000000001234"))
    conversation = thread("9990000000001234")

    services.conversation_enrich(conversation_id=conversation.pk)

    conversation.refresh_from_db()
    assert conversation.contact.name == ""
    assert "2018218" in conversation.identity.profile["unavailable"]
    page = world.client_for(world.alice).get(f"/c/{conversation.pk}/").content.decode()
    assert "Facebook user …1234" in page


def test_a_comment_thread_gets_its_post_as_context(world, fake_graph) -> None:
    connect_page(world)
    ingest(comment_payload("998877665544332_5", "Nice!"))
    conversation = thread("998877665544332_5")

    services.conversation_enrich(conversation_id=conversation.pk)

    conversation.refresh_from_db()
    assert conversation.context["post_id"].endswith("998877665544332")
    assert conversation.context["fetched"] is True


def test_a_new_messenger_thread_looks_its_customer_up_after_ingest(
    world, fake_graph, django_capture_on_commit_callbacks
) -> None:
    connect_page(world)

    with django_capture_on_commit_callbacks(execute=True):
        ingest(messenger_payload("m_new", "Вітаю!", psid="6290011122233346"))

    assert thread("6290011122233346").contact.name == "Алеся Шыманская"
