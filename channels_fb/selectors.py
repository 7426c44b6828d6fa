"""Facebook's reads: the connected Pages and what the catch-up, connect screens and
simulator need to know of them."""

from collections.abc import Iterable
from datetime import datetime

from inbox.models import ChannelAccount, Conversation, Message

KIND = "facebook"


def pages_active() -> list[ChannelAccount]:
    return list(
        ChannelAccount.objects.filter(kind=KIND, status=ChannelAccount.Status.ACTIVE).order_by("pk")
    )


def page_ids_active() -> list[int]:
    """Without loading (and decrypting) the Pages' credentials."""
    return list(
        ChannelAccount.objects.filter(kind=KIND, status=ChannelAccount.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def page_active(*, pk: int) -> ChannelAccount | None:
    return ChannelAccount.objects.filter(
        pk=pk, kind=KIND, status=ChannelAccount.Status.ACTIVE
    ).first()


def page_get(*, pk: int) -> ChannelAccount | None:
    return ChannelAccount.objects.filter(pk=pk, kind=KIND).first()


def pages_by_page_id(page_ids: Iterable[str]) -> dict[str, ChannelAccount]:
    """Accounts already connected for these Page ids (any status), by Page id."""
    accounts = ChannelAccount.objects.filter(kind=KIND, external_id__in=list(page_ids))
    return {a.external_id: a for a in accounts}


def replies_sent_since(since: datetime) -> list[tuple[str, str, str, datetime, str]]:
    """Our Messenger replies sent since then: (Page id, PSID, mid, sent at, status)."""
    return list(
        Message.objects.filter(
            account__kind=KIND,
            account__status=ChannelAccount.Status.ACTIVE,
            direction=Message.Direction.OUT,
            conversation__kind=Conversation.Kind.DIRECT,
            status__in=[Message.Status.SENT, Message.Status.DELIVERED, Message.Status.READ],
            external_id__isnull=False,
            sent_at__gte=since,
        ).values_list(
            "account__external_id", "conversation__thread_key", "external_id", "sent_at", "status"
        )
    )
