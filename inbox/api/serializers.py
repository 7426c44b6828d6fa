"""The API's JSON shapes: read-only output serializers, and input serializers that only
validate (the writes themselves are inbox.services' job, called by the views)."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers

from inbox.adapters import MODERATION_ACTIONS, is_simulated
from inbox.forms.ids import max_id, parse_id
from inbox.items import Attachment
from inbox.models import (
    CannedResponse,
    ChannelAccount,
    Conversation,
    Label,
    Message,
    Note,
    Team,
)
from inbox.selectors.api import labels_all, teams_all, users_all
from inbox.selectors.library import canned_scope


def display_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def json_type(value: Any) -> str:
    """The JSON type of a parsed value: true is not the number 1, "1" is not 1."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else type(value).__name__


class AllowedChoiceField(serializers.ChoiceField):
    """A choice field whose error lists the values it accepts, taking each as its own JSON
    type only (priority 1, not "1"; in a query string everything is a string)."""

    def to_internal_value(self, data: Any) -> Any:
        if data == "" and self.allow_blank:
            return ""
        key = str(data)
        if key in self.choice_strings_to_values:
            value = self.choice_strings_to_values[key]
            if json_type(value) == json_type(data):
                return value
        raise serializers.ValidationError(
            _("“%(value)s” is not allowed here; use one of: %(allowed)s.")
            % {"value": data, "allowed": ", ".join(self.choice_strings_to_values)},
            code="invalid_choice",
        )


# The longest reply, note or canned text the API takes; a channel's own limit (2,000 on
# Facebook, 280 on X...) is checked when replying and refused with its reason.
MAX_TEXT_LENGTH = 10_000


class RelatedIdField(serializers.PrimaryKeyRelatedField):
    """An object by its id: a JSON integer within its table's id range, or "no such object"
    before any query (a 64-bit number against a 32-bit column is an error on PostgreSQL)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if parse_id(data, maximum=max_id(self.get_queryset().model)) is None:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class RelatedIdFieldSchema(OpenApiSerializerFieldExtension):
    """The schema says which ids can exist at all: 1 up to the table's id range."""

    target_class = RelatedIdField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = build_basic_type(OpenApiTypes.INT)
        schema.update(minimum=1, maximum=max_id(self.target.queryset.model))
        return schema


class NameRelatedField(serializers.SlugRelatedField):
    """An object by its name: a string no longer than the column, looked up as is."""

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        # PostgreSQL refuses NUL in text outright; no such name can exist anyway.
        if not isinstance(data, str) or len(data) > self.max_length or "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:100])
        return super().to_internal_value(data)


class NameRelatedFieldSchema(OpenApiSerializerFieldExtension):
    target_class = NameRelatedField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = build_basic_type(OpenApiTypes.STR)
        schema.update(minLength=1, maxLength=self.target.max_length)
        return schema


# A JSON body typed as the schema says: a text field takes a string (not 0), a switch true
# or false (not "yes"), a number a number (not "5"); DRF alone would convert them. (A
# comment, not a docstring: the schema would show it on every request body.)
class JsonInput(serializers.Serializer):
    def to_internal_value(self, data: Any) -> Any:
        wrong_types = {
            name: [message]
            for name, field in self.fields.items()
            if isinstance(data, dict)
            and name in data
            and (message := _type_error(field, data[name]))
        }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            # Every wrong field at once: the type errors beside the others.
            if wrong_types and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **wrong_types}) from exc
            raise
        if wrong_types:
            raise serializers.ValidationError(wrong_types)
        return value


def _type_error(field: serializers.Field, value: Any) -> str | None:
    if value is None or field.read_only:
        return None  # whether null is allowed is the field's own check
    if isinstance(field, serializers.BooleanField):
        expected, message = "boolean", _("Give true or false.")
    elif isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        if isinstance(value, int) and not isinstance(value, bool):
            return None
        return str(_("Give a whole number."))
    elif isinstance(field, serializers.CharField):
        expected, message = "string", _("Give a string.")
    else:
        return None
    return None if json_type(value) == expected else str(message)


# --- Small references to related objects ---------------------------------------------------


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField(source="get_username")
    name = serializers.SerializerMethodField()

    def get_name(self, user: AbstractBaseUser) -> str:
        return display_name(user)


class TeamRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


class AccountRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChannelAccount
        fields = ["id", "name"]


class ContactRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    avatar_url = serializers.CharField()


# --- Conversations --------------------------------------------------------------------------


class ConversationSerializer(serializers.ModelSerializer):
    channel = serializers.CharField(source="account.kind", help_text=_("The account's kind."))
    unread = serializers.BooleanField(
        source="is_unread",
        read_only=True,
        help_text=_(
            "Unread for the user asking: the customer wrote since they last opened it. "
            "Each agent has their own."
        ),
    )
    account = AccountRefSerializer()
    assignee = UserRefSerializer(allow_null=True)
    team = TeamRefSerializer(allow_null=True)
    contact = ContactRefSerializer()
    labels = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    linked = serializers.IntegerField(
        source="linked_id",
        allow_null=True,
        read_only=True,
        help_text=_(
            "The conversation this one continues or is continued in: a comment taken "
            "private, and the direct messages it led to."
        ),
    )

    class Meta:
        model = Conversation
        fields = [
            "id",
            "channel",
            "account",
            "kind",
            "status",
            "unread",
            "assignee",
            "team",
            "priority",
            "labels",
            "contact",
            "snippet",
            "last_message_at",
            "last_activity_at",
            "waiting_since",
            "sla_due_at",
            "linked",
        ]
        read_only_fields = fields


# Named for what it patches: the PATCH body is "PatchedConversation" in the schema, which
# also lets the conversation's status enum keep one name in the schema.
@extend_schema_serializer(component_name="Conversation")
class ConversationUpdateSerializer(JsonInput):
    """PATCH: only the fields sent change."""

    status = AllowedChoiceField(choices=Conversation.Status.choices, required=False)
    assignee = RelatedIdField(
        queryset=users_all(),
        allow_null=True,
        required=False,
        help_text=_("A user id, or null to unassign."),
        error_messages={"does_not_exist": _("There is no user with id {pk_value}.")},
    )
    team = RelatedIdField(
        queryset=teams_all(),
        allow_null=True,
        required=False,
        help_text=_("A team id, or null for no team."),
        error_messages={"does_not_exist": _("There is no team with id {pk_value}.")},
    )
    priority = AllowedChoiceField(choices=Conversation.Priority.choices, required=False)
    labels = serializers.ListField(
        child=NameRelatedField(
            slug_field="name",
            max_length=Label._meta.get_field("name").max_length,
            queryset=labels_all(),
            error_messages={"does_not_exist": _("There is no label named “{value}”.")},
        ),
        required=False,
        max_length=100,
        help_text=_("Label names; the list replaces the conversation's labels."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(
                _("Send at least one of: %(fields)s.") % {"fields": ", ".join(self.fields)}
            )
        return attrs


# --- Messages, replies, notes ----------------------------------------------------------------


class AgentAuthorSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["agent"])
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class CustomerAuthorSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["customer"])
    name = serializers.CharField()
    handle = serializers.CharField()


AUTHOR_SCHEMA = PolymorphicProxySerializer(
    component_name="MessageAuthor",
    serializers={"agent": AgentAuthorSerializer, "customer": CustomerAuthorSerializer},
    resource_type_field_name="type",
    many=False,
    allow_null=True,
)


class AttachmentSerializer(serializers.Serializer):
    type = serializers.CharField(help_text=_("image, video, audio, file, location, sticker..."))
    url = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    extra = serializers.DictField(required=False)
    expired = serializers.BooleanField(
        required=False, help_text=_("The platform's link expired before it was copied.")
    )
    media_url = serializers.CharField(
        required=False,
        allow_null=True,
        help_text=_("The stored copy, served only to people who may see the conversation."),
    )


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField(
        help_text=_(
            "Outbound: the agent who wrote it (null when sent from another tool). "
            "Inbound: the customer as this channel knows them."
        )
    )
    attachments = serializers.SerializerMethodField()
    maybe_sent = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "A failed reply whose outcome is unknown: the customer may have it. Check on the "
            "platform before retrying."
        ),
    )

    class Meta:
        model = Message
        fields = [
            "id",
            "conversation",
            "direction",
            "kind",
            "text",
            "public",
            "external_id",
            "status",
            "error",
            "maybe_sent",
            "attachments",
            "created_at",
            "platform_timestamp",
            "sent_at",
            "author",
            "sent_elsewhere",
            "parent_external_id",
            "hidden",
            "liked",
            "removed_at",
            "edits",
            "reactions",
            "extra",
        ]
        read_only_fields = fields

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, message: Message) -> list[dict]:
        return [
            {
                "type": a.get("type", ""),
                "url": a.get("url", ""),
                "name": a.get("name", ""),
                "extra": a.get("extra", {}),
                "expired": bool(a.get("expired")),
                "media_url": reverse("inbox:media", args=[message.pk, index])
                if a.get("file")
                else None,
            }
            for index, a in enumerate(message.attachments)
        ]

    @extend_schema_field(AUTHOR_SCHEMA)
    def get_author(self, message: Message) -> dict[str, Any] | None:
        if message.direction == Message.Direction.OUT:
            user = message.author
            if user is None:
                return None
            return {
                "type": "agent",
                "id": user.pk,
                "username": user.get_username(),
                "name": display_name(user),
            }
        identity = message.identity
        if identity is None:
            return None
        return {"type": "customer", "name": identity.name, "handle": identity.handle}


class ReplyAttachmentSerializer(JsonInput):
    type = AllowedChoiceField(choices=[("image", "image"), ("video", "video"), ("file", "file")])
    url = serializers.URLField(
        max_length=2000,
        help_text=_("A public https URL the platform fetches the media from."),
    )
    name = serializers.CharField(required=False, default="", max_length=256)
    size = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Bytes; needed for video and files.")
    )

    def validate_url(self, value: str) -> str:
        if not value.startswith("https://"):
            raise serializers.ValidationError(_("Use an https URL the platform can fetch."))
        return value

    def validate(self, data: dict) -> dict:
        if data["type"] in {"video", "file"} and not data.get("size"):
            raise serializers.ValidationError(
                {"size": _("Give the size in bytes of a %(type)s.") % {"type": data["type"]}}
            )
        if data["type"] == "file" and not data.get("name"):
            raise serializers.ValidationError(
                {"name": _("Give the file's name, with its extension.")}
            )
        return data


class ReplyCreateSerializer(JsonInput):
    text = serializers.CharField(
        trim_whitespace=False,
        allow_blank=True,
        max_length=MAX_TEXT_LENGTH,
        help_text=_("Empty only with attachments. The channel's own limit applies too."),
    )
    private = serializers.BooleanField(
        default=False,
        help_text=_("Reply in a private message to a public comment, where the channel can."),
    )
    attachments = ReplyAttachmentSerializer(
        many=True,
        required=False,
        max_length=10,
        help_text=_("Media to send with the reply, where the channel can (Viber)."),
    )
    mention_customer = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "On a public comment reply: @mention the commenter (true) or not (false). "
            "Left out, the account's setting decides."
        ),
    )

    def validate_attachments(self, value: list[dict]) -> list[Attachment]:
        return [
            Attachment(
                a["type"], a["url"], a.get("name", ""), {"size": a["size"]} if a.get("size") else {}
            )
            for a in value
        ]


class NoteSerializer(serializers.ModelSerializer):
    author = UserRefSerializer(allow_null=True, read_only=True)
    mentions = UserRefSerializer(many=True, read_only=True)

    class Meta:
        model = Note
        fields = ["id", "conversation", "text", "author", "mentions", "created_at"]
        read_only_fields = fields


class NoteCreateSerializer(JsonInput):
    text = serializers.CharField(
        allow_blank=True,  # refused by the service, with the page's own words
        max_length=MAX_TEXT_LENGTH,
        help_text=_("@username mentions teammates who can see the conversation."),
    )


# --- Library and reference data -------------------------------------------------------------


class CannedResponseSerializer(serializers.ModelSerializer):
    team = TeamRefSerializer(allow_null=True, read_only=True)
    shared = serializers.SerializerMethodField(
        help_text=_("False for a personal response, true for a team's or everyone's.")
    )
    scope = serializers.SerializerMethodField(
        help_text=_("personal, team (the team's) or everyone (shared with everyone).")
    )

    class Meta:
        model = CannedResponse
        fields = [
            "id",
            "title",
            "shortcut",
            "body",
            "language",
            "team",
            "shared",
            "scope",
            "usage_count",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_shared(self, response: CannedResponse) -> bool:
        return response.owner_id is None

    @extend_schema_field(OpenApiTypes.STR)
    def get_scope(self, response: CannedResponse) -> str:
        return canned_scope(response)


class CannedResponseCreateSerializer(JsonInput):
    title = serializers.CharField(max_length=200)
    shortcut = serializers.SlugField(max_length=64, allow_unicode=True)
    body = serializers.CharField(max_length=MAX_TEXT_LENGTH)
    team = RelatedIdField(
        queryset=teams_all(),
        allow_null=True,
        required=False,
        help_text=_("Share with this team (its leads only)."),
        error_messages={"does_not_exist": _("There is no team with id {pk_value}.")},
    )
    shared = serializers.BooleanField(
        default=False, help_text=_("With no team: share with everyone (admins only).")
    )
    language = serializers.CharField(max_length=10, allow_blank=True, default="")


class AccountSerializer(serializers.ModelSerializer):
    """Never the credentials."""

    # Not format "uri": an account without a picture has "".
    avatar_url = serializers.CharField(read_only=True, help_text=_("A URL, or empty."))
    simulated = serializers.SerializerMethodField(
        help_text=_(
            "A stand-in channel not built yet in this version: it receives no webhooks and "
            "its replies reach only the sandbox."
        )
    )

    class Meta:
        model = ChannelAccount
        fields = ["id", "kind", "name", "avatar_url", "status", "status_reason", "simulated"]
        read_only_fields = fields

    def get_simulated(self, account: ChannelAccount) -> bool:
        return is_simulated(account.kind)


class LabelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "name", "color"]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ModerationSerializer(JsonInput):
    action = AllowedChoiceField(
        choices=[(a, a) for a in MODERATION_ACTIONS],
        help_text=_("hide, unhide, like, unlike or delete"),
    )
