"""The conversation list's query string, validated into the selector's filters.

A serializer rather than a django-filter FilterSet: the filtering itself belongs to
inbox.selectors.conversation_list_for, shared with the inbox pages; this only checks the
input and says exactly what is allowed when it is wrong.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inbox.adapters import adapters
from inbox.forms.ids import max_id, parse_id
from inbox.models import Conversation, Label, Team
from inbox.selectors import ConversationFilters

from .serializers import AllowedChoiceField

MAX_USER_ID = max_id(get_user_model())


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 1, "maximum": MAX_USER_ID},
            {"type": "string", "enum": ["me", "none", ""]},
        ]
    }
)
class AssigneeFilterField(serializers.CharField):
    """A user id, "me" or "none" (unassigned)."""


class ConversationQuerySerializer(serializers.Serializer):
    status = AllowedChoiceField(
        choices=Conversation.Status.choices, required=False, allow_blank=True
    )
    channel = AllowedChoiceField(
        choices=(), required=False, allow_blank=True, help_text=_("The account's kind.")
    )
    kind = AllowedChoiceField(choices=Conversation.Kind.choices, required=False, allow_blank=True)
    assignee = AssigneeFilterField(
        required=False,
        allow_blank=True,
        help_text=_("A user id, “me” or “none” (unassigned)."),
    )
    team = serializers.IntegerField(
        required=False, min_value=1, max_value=max_id(Team), help_text=_("A team id.")
    )
    label = serializers.IntegerField(
        required=False, min_value=1, max_value=max_id(Label), help_text=_("A label id.")
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
        number = parse_id(value, maximum=MAX_USER_ID)
        if number is not None:
            return number
        raise serializers.ValidationError(
            _("“%(value)s” is not allowed here; use a user id, “me” or “none”.")
            % {"value": value[:40]}
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


class CannedQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Words in the title, shortcut or body."),
    )
    scope = AllowedChoiceField(
        choices=[("personal", "personal"), ("team", "team"), ("everyone", "everyone")],
        required=False,
        allow_blank=True,
        help_text=_("Only your own (personal), teams' (team) or everyone's (everyone)."),
    )
