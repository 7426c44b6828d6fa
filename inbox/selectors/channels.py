"""Reads every channel app makes the same way, told which channel by its kind."""

from datetime import datetime

from inbox.models import ChannelAccount, Conversation, Message


def accounts_active(*, kind: str) -> list[ChannelAccount]:
    """The channel's connected accounts, oldest first."""
    return list(
        ChannelAccount.objects.filter(kind=kind, status=ChannelAccount.Status.ACTIVE).order_by("pk")
    )


def replies_sent_since(*, kind: str, since: datetime) -> list[tuple[str, str, str, datetime, str]]:
    """Our direct replies on the channel's active accounts that the platform took since
    then, oldest first: (account's platform id, thread key, message's platform id, sent
    at, status)."""
    return list(
        Message.objects.filter(
            account__kind=kind,
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
