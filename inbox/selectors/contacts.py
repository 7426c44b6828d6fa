"""Reads about customers: the panel beside a conversation (social CRM)."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from inbox.models import Conversation


def customer_panel_for(*, user: AbstractBaseUser, conversation: Conversation) -> dict[str, Any]:
    """What the customer panel shows for this conversation (filled in by the panel's issue)."""
    return {}
