"""Reads behind the live updates: whose events a user receives, one message of a thread."""

from django.contrib.auth.models import AbstractBaseUser

from inbox import realtime
from inbox.models import Conversation, Message

from .access import accounts_for


def live_streams_for(*, user: AbstractBaseUser) -> list[str]:
    """The streams of every account the user works, and their own (mentions, reads)."""
    accounts = accounts_for(user).order_by("pk").values_list("pk", flat=True)
    return [*(f"account:{pk}" for pk in accounts), realtime.user_stream(user.pk)]


def thread_message_for(*, conversation: Conversation, pk: int) -> Message | None:
    """One message of a conversation the caller already may see, as the thread shows it."""
    return (
        conversation.messages.select_related("author", "identity", "account").filter(pk=pk).first()
    )
