"""Viber's reads: the connected bots and what the simulator needs to know of them."""

from datetime import datetime

from inbox.models import ChannelAccount, Conversation, Message

KIND = "viber"


def bots_active() -> list[ChannelAccount]:
    return list(
        ChannelAccount.objects.filter(kind=KIND, status=ChannelAccount.Status.ACTIVE).order_by("pk")
    )


def replies_sent_since(since: datetime) -> list[tuple[str, str, str, datetime, str]]:
    """Our Viber replies sent since then: (bot id, user id, message token, sent at, status)."""
    return list(
        Message.objects.filter(
            account__kind=KIND,
            account__status=ChannelAccount.Status.ACTIVE,
            direction=Message.Direction.OUT,
            conversation__kind=Conversation.Kind.DIRECT,
            status__in=[Message.Status.SENT, Message.Status.DELIVERED, Message.Status.READ],
            external_id__isnull=False,
            sent_at__gte=since,
        )
        .order_by("sent_at", "pk")
        .values_list(
            "account__external_id", "conversation__thread_key", "external_id", "sent_at", "status"
        )
    )
