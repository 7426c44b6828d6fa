"""Facebook's reads: the connected Pages and what the catch-up and connect screens need to
know of them. Reads every channel makes alike are in inbox.selectors.channels."""

from collections.abc import Iterable

from inbox.models import ChannelAccount

KIND = "facebook"


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
