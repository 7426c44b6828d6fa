"""After ingest, in the background: who the customer is, what the post says, the media.

Parse is pure, so what needs the platform's API runs here, in tasks queued once the
ingest commits: the customer's profile (name, picture), a comment thread's post, and the
attachments' files (platform media URLs expire, so they are copied while they work).
"""

import logging
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from inbox.adapters import ProfileUnavailable, get_adapter
from inbox.media import MediaError, MediaExpired, MediaRefused, media_fetch, safe_file_name
from inbox.models import Conversation, Identity, Message
from inbox.queue import enqueue_on_commit

log = logging.getLogger(__name__)


def enrichment_enqueue(
    *, conversations: Iterable[Conversation] = (), message_ids: Iterable[int] = ()
) -> None:
    """Queue the look-ups for new threads (one task) and each new media's download, after
    commit. Threads of channels with nothing to look up queue nothing."""
    from inbox.tasks import download_media, enrich_conversations

    wanted = [c.pk for c in conversations if _enriches(c.account.kind)]
    if wanted:
        enqueue_on_commit(enrich_conversations, wanted)
    for message_id in message_ids:
        enqueue_on_commit(download_media, message_id)


def _enriches(kind: str) -> bool:
    try:
        return get_adapter(kind).enriches
    except LookupError:
        return False


def conversations_enrich(*, conversation_ids: Iterable[int]) -> None:
    """Each thread's look-ups; one that fails is logged and the others go on."""
    for conversation_id in conversation_ids:
        try:
            conversation_enrich(conversation_id=conversation_id)
        except Exception:  # noqa: BLE001 - best effort: the thread works without it
            log.warning("enriching conversation %s failed", conversation_id, exc_info=True)


def conversation_enrich(*, conversation_id: int) -> None:
    """Fetch the customer's profile and the thread's context where they are missing."""
    conversation = (
        Conversation.objects.select_related("account", "identity__contact")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        return
    try:
        adapter = get_adapter(conversation.account.kind)
    except LookupError:
        return
    from .ingest import identity_profile_apply  # ingest queues this module's tasks

    identity = conversation.identity
    # Only people the platform did not name (Messenger senders): commenters come named.
    if identity is not None and not identity.name and not identity.profile.get("fetched"):
        try:
            person = adapter.fetch_profile(conversation.account, identity.external_id)
        except ProfileUnavailable as exc:
            identity_profile_apply(identity, None, unavailable=str(exc))
        else:
            identity_profile_apply(identity, person)
            if person.avatar_url:
                _avatar_copy(identity.pk, person.avatar_url, adapter.media_hosts)
    if conversation.context.get("post_id") and not conversation.context.get("fetched"):
        context = adapter.fetch_context(conversation.account, conversation.context)
        Conversation.objects.filter(pk=conversation.pk).update(context={**context, "fetched": True})


def _avatar_copy(identity_id: int, url: str, hosts: tuple[str, ...]) -> None:
    """Profile picture links expire within days: keep a copy (best effort)."""
    try:
        content, content_type = media_fetch(url, allowed_hosts=hosts, max_bytes=2 * 2**20)
    except MediaError as exc:
        log.info("avatar of identity %s not copied: %s", identity_id, exc)
        return
    path = default_storage.save(f"avatars/{identity_id}", ContentFile(content))
    with transaction.atomic():
        identity = Identity.objects.select_for_update().get(pk=identity_id)
        identity.profile = {**identity.profile, "avatar_file": path, "avatar_type": content_type}
        identity.save(update_fields=["profile"])


def media_download(*, message_id: int) -> int:
    """Copy a message's attachments into storage. Returns how many were stored.

    Raises the retryable errors of `media_fetch` (the task retries); an expired or
    refused link is recorded on the attachment, so agents see why it has no file.
    """
    message = Message.objects.select_related("account").filter(pk=message_id).first()
    if message is None:
        return 0
    try:
        hosts = get_adapter(message.account.kind).media_hosts
    except LookupError:
        hosts = ()
    stored = 0
    attachments = [dict(a) for a in message.attachments]
    for index, attachment in enumerate(attachments):
        if attachment.get("file") or not attachment.get("url") or _not_to_store(attachment):
            continue
        try:
            content, content_type = media_fetch(attachment["url"], allowed_hosts=hosts)
        except MediaExpired:
            attachment["expired"] = True
            continue
        except MediaRefused as exc:
            attachment["refused"] = str(exc)
            continue
        name = safe_file_name(attachment.get("name") or "", fallback=attachment["type"])
        path = default_storage.save(
            f"media/{message.account_id}/{message.pk}/{index}-{name}", ContentFile(content)
        )
        attachment.update(file=path, content_type=content_type, size=len(content))
        stored += 1
    # Only the attachment entries change: another writer may have touched the row.
    Message.objects.filter(pk=message.pk).update(attachments=attachments)
    return stored


# Links, locations and the like are pointers, not media: nothing to copy.
MEDIA_TYPES = {"image", "video", "audio", "file", "sticker"}


def _not_to_store(attachment: dict) -> bool:
    if attachment.get("type") not in MEDIA_TYPES:
        return True
    # Platforms that forbid keeping the media (Instagram story mentions) mark it so.
    return bool(attachment.get("extra", {}).get("no_store"))
