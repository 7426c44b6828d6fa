"""The live stream (SSE) an agent's page listens to, under ASGI and under WSGI."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection
from django.test import AsyncClient

from inbox import services
from inbox.models import Message
from tests.factories import ConversationFactory
from tests.helpers import message_event, webhook_body
from tests.live import broker, next_event, parse_event  # noqa: F401 - broker: a fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("broker")]


def listen(user, scenario):
    """Run `scenario(chunks)` against `user`'s stream served as under uvicorn (ASGI)."""

    async def run():
        client = AsyncClient()
        await client.aforce_login(user)
        response = await client.get("/events/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/event-stream")
        assert response.is_async
        chunks = aiter(response.streaming_content)
        try:
            # The stream opens with its retry delay, once it is subscribed.
            assert (await anext(chunks)).startswith(b"retry: ")
            return await scenario(chunks)
        finally:
            await chunks.aclose()

    return async_to_sync(run)()


def test_it_refuses_the_stream_to_visitors_not_logged_in(client, world):
    response = client.get("/events/")

    # EventSource cannot follow a redirect to the login page: a refusal stops it.
    assert response.status_code == 403


def test_a_new_inbound_message_reaches_the_agent_at_once(world, post_webhook):
    async def scenario(chunks):
        await sync_to_async(post_webhook)(webhook_body(message_event("m1", text="Hi there")))
        return await next_event(chunks)

    kind, event = listen(world.alice, scenario)

    message = Message.objects.get(account=world.acme, external_id="m1")
    assert kind == "message.created"
    assert event == {
        "type": "message.created",
        "conversation": message.conversation_id,
        "message": message.pk,
        "direction": "in",
        "actor": None,
    }


def test_events_carry_ids_and_never_customer_text(world, post_webhook):
    async def scenario(chunks):
        await sync_to_async(post_webhook)(webhook_body(message_event("m1", text="my address")))
        while True:
            chunk = await anext(chunks)
            if parse_event(chunk) is not None:
                return chunk

    chunk = listen(world.alice, scenario)

    kind, data = parse_event(chunk)
    assert kind == "message.created" and data["message"]
    assert b"my address" not in chunk


def test_an_agent_of_sales_gets_nothing_of_supports_account(world, post_webhook):
    async def scenario(chunks):
        await sync_to_async(post_webhook)(webhook_body(message_event("acme-1")))
        await sync_to_async(post_webhook)(
            webhook_body(message_event("sales-1", thread="s1"), account="sales-page")
        )
        return await next_event(chunks)

    kind, event = listen(world.charlie, scenario)

    sales = Message.objects.get(account=world.other, external_id="sales-1")
    assert (kind, event["conversation"]) == ("message.created", sales.conversation_id)


def test_a_status_change_by_a_teammate_shows_who_made_it(world):
    convo = ConversationFactory(account=world.acme)

    async def scenario(chunks):
        await sync_to_async(services.conversation_update)(
            conversation=convo, by=world.bob, status="follow_up"
        )
        return await next_event(chunks)

    kind, event = listen(world.alice, scenario)

    assert kind == "conversation.updated"
    assert event == {
        "type": "conversation.updated",
        "conversation": convo.pk,
        "actor": world.bob.pk,
    }


def test_a_read_mark_reaches_the_agents_own_stream_only(world):
    """Opening a conversation in one tab updates the agent's other tabs, nobody else's."""
    convo = ConversationFactory(account=world.acme)

    def read_then_update(status):
        services.conversation_mark_read(conversation=convo, user=world.alice)
        services.conversation_update(conversation=convo, by=world.lena, status=status)

    def events_after(status, count):
        async def scenario(chunks):
            await sync_to_async(read_then_update)(status)
            return [await next_event(chunks) for _ in range(count)]

        return scenario

    alices = listen(world.alice, events_after("follow_up", 2))
    bobs = listen(world.bob, events_after("done", 1))

    assert alices[0] == (
        "conversation.read",
        {"type": "conversation.read", "conversation": convo.pk, "actor": world.alice.pk},
    )
    assert alices[1][0] == "conversation.updated"
    # Bob's first event is the status change: Alice's read mark is hers alone.
    assert bobs[0][0] == "conversation.updated"


def test_a_quiet_stream_sends_keepalives_and_ends_so_the_browser_reconnects(world, settings):
    settings.SOCIALCARE_SSE_KEEPALIVE = 0.05
    settings.SOCIALCARE_SSE_MAX_SECONDS = 0.3

    async def scenario(chunks):
        rest = []
        async for chunk in chunks:
            rest.append(chunk)
        return rest

    rest = listen(world.alice, scenario)

    assert b": keepalive\n\n" in rest
    assert parse_event(rest[-1]) == ("reconnect", {})


def test_under_wsgi_the_stream_is_served_by_a_plain_generator(world, settings):
    """The test server of the browser tests is WSGI: an async body would never flush."""
    settings.SOCIALCARE_SSE_KEEPALIVE = 0.05
    settings.SOCIALCARE_SSE_MAX_SECONDS = 0.2
    client = world.client_for(world.alice)

    response = client.get("/events/")

    assert response.status_code == 200
    assert not response.is_async
    # The stream holds no database connection while it waits.
    assert connection.connection is None
    chunks = list(response.streaming_content)
    assert chunks[0].startswith(b"retry: ")
    assert b": keepalive\n\n" in chunks
    assert parse_event(chunks[-1]) == ("reconnect", {})
