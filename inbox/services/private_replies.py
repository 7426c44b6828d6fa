"""Taking a public comment private: the reply continues as a direct conversation.

A private reply is written in the comment's conversation. Once the platform has sent it
and told us the person's messaging id, the reply moves into that person's direct
conversation (found, or opened now for the commenter's contact), and the two
conversations point at each other, so agents can follow the customer both ways.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from inbox import realtime
from inbox.models import Activity, Conversation, Identity, Message


def private_reply_continue(*, message: Message, recipient_external_id: str) -> Conversation:
    """Move a sent private reply into the commenter's direct conversation and link both."""
    with transaction.atomic():
        comment = Conversation.objects.select_for_update().get(pk=message.conversation_id)
        identity = _identity(comment, recipient_external_id)
        direct = _direct_conversation(comment, identity)
        Message.objects.filter(pk=message.pk).update(conversation=direct)
        now = timezone.now()
        Conversation.objects.filter(pk=direct.pk).update(
            linked=comment,
            last_activity_at=now,
            last_message_at=now,
            snippet=message.text[:200],
        )
        Conversation.objects.filter(pk=comment.pk).update(linked=direct, last_activity_at=now)
        Activity.objects.create(
            conversation=comment,
            actor=message.author,
            verb=Activity.Verb.TAKEN_PRIVATE,
            data={"conversation": direct.pk, "message": message.pk},
        )
    realtime.publish(
        realtime.account_streams(comment.account_id, comment.pk),
        {"type": "conversation.updated", "conversation": comment.pk, "actor": message.author_id},
    )
    realtime.publish(
        realtime.account_streams(direct.account_id, direct.pk),
        {
            "type": "message.created",
            "conversation": direct.pk,
            "message": message.pk,
            "direction": message.direction,
            "actor": message.author_id,
        },
    )
    return direct


def _identity(comment: Conversation, external_id: str) -> Identity:
    """The person's messaging identity, as the same contact as the commenter."""
    try:
        with transaction.atomic():
            commenter = comment.identity
            return Identity.objects.create(
                contact_id=comment.contact_id,
                account_id=comment.account_id,
                external_id=external_id,
                name=commenter.name if commenter else "",
                avatar_url=commenter.avatar_url if commenter else "",
            )
    except IntegrityError:
        identity = Identity.objects.get(account_id=comment.account_id, external_id=external_id)
    if identity.contact_id != comment.contact_id and _only_this_thread(identity):
        # The platform's echo of the reply got here first and made a stranger of them.
        old_contact = identity.contact_id
        Identity.objects.filter(pk=identity.pk).update(contact_id=comment.contact_id)
        Conversation.objects.filter(identity=identity, contact_id=old_contact).update(
            contact_id=comment.contact_id
        )
        identity.contact_id = comment.contact_id
    return identity


def _only_this_thread(identity: Identity) -> bool:
    return not Conversation.objects.filter(contact_id=identity.contact_id).exclude(
        identity=identity
    ).exists() and (Identity.objects.filter(contact_id=identity.contact_id).count() == 1)


def _direct_conversation(comment: Conversation, identity: Identity) -> Conversation:
    threads = Conversation.objects.select_for_update().filter(
        account_id=comment.account_id, thread_key=identity.external_id
    )
    existing = threads.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            direct = Conversation.objects.create(
                account_id=comment.account_id,
                contact_id=identity.contact_id,
                identity=identity,
                kind=Conversation.Kind.DIRECT,
                thread_key=identity.external_id,
                status=comment.status,
                assignee_id=comment.assignee_id,
                team_id=comment.team_id,
                unread=False,
                last_activity_at=timezone.now(),
            )
            Activity.objects.create(conversation=direct, verb=Activity.Verb.CREATED)
            return direct
    except IntegrityError:
        return threads.get()
