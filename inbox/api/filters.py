"""The conversation list's query string, validated into the selector's filters.

A serializer rather than a django-filter FilterSet: the filtering itself belongs to
inbox.selectors.conversation_list_for, shared with the inbox pages; this only checks the
input and says exactly what is allowed when it is wrong.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from inbox.adapters import adapters
from inbox.forms.list import MAX_ID
from inbox.models import Conversation
from inbox.selectors import ConversationFilters

from .serializers import AllowedChoiceField


class ConversationQuerySerializer(serializers.Serializer):
    status = AllowedChoiceField(
        choices=Conversation.Status.choices, required=False, allow_blank=True
    )
    channel = AllowedChoiceField(
        choices=(), required=False, allow_blank=True, help_text=_("The account's kind.")
    )
    kind = AllowedChoiceField(choices=Conversation.Kind.choices, required=False, allow_blank=True)
    assignee = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("A user id, “me” or “none” (unassigned)."),
    )
    team = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("A team id.")
    )
    label = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("A label id.")
    )
    unread = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true or false: unread or read by the user asking."),
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_(
            "Search: every word must appear in a message, the contact's name or their "
            "handle, in any script and any case."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Channels are whatever adapters are installed, so the choices are read per request.
        self.fields["channel"].choices = sorted(adapters())

    def validate_assignee(self, value: str) -> int | str | None:
        value = value.strip()
        if value in ("", "me", "none"):
            return value or None
        if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
            return int(value)
        raise serializers.ValidationError(
            _("“%(value)s” is not allowed here; use a user id, “me” or “none”.") % {"value": value}
        )

    def filters(self) -> ConversationFilters:
        data = self.validated_data
        return ConversationFilters(
            status=data.get("status") or None,
            channel=data.get("channel") or None,
            kind=data.get("kind") or None,
            assignee=data.get("assignee"),
            team=data.get("team"),
            label=data.get("label"),
            unread=data.get("unread"),
            q=data.get("q", ""),
        )
