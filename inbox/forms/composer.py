"""The composer's forms: a reply to the customer (public or private) and an internal note."""

from functools import cached_property
from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox.adapters import ChannelAdapter, get_adapter
from inbox.models import Conversation, Message
from inbox.selectors.composer import newest_message_pk, reply_by_someone_else_since
from inbox.services.composer import sign_off_for
from inbox.templatetags.inbox_extras import customer_name, person

MENTION_OPTION = "mention_commenter"


def _text(label: str, required: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        error_messages={"required": required},
    )


class ReplyForm(forms.Form):
    """A reply, checked against what the channel allows and what happened meanwhile.

    `last_seen` is the newest message the agent had in front of them: a reply by someone
    else since then stops the send (the text is kept) until they read it or confirm.
    """

    text = _text(gettext_lazy("Reply"), gettext_lazy("Write a reply before sending."))
    private = forms.BooleanField(label=gettext_lazy("Reply privately"), required=False)
    mention_customer = forms.BooleanField(required=False)
    last_seen = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any = None,
        *,
        conversation: Conversation,
        user: AbstractBaseUser,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "reply-%s")
        super().__init__(data, **kwargs)
        self.conversation = conversation
        self.user = user
        self.adapter = _adapter(conversation)
        self.typed_over: Message | None = None
        self.fields["text"].widget.attrs.update(_suggesting("reply", trigger="/"))
        self.can_reply_privately = can_reply_privately(conversation)
        if not self.can_reply_privately:
            del self.fields["private"]
        if self.can_mention:
            field = self.fields["mention_customer"]
            field.label = _("Mention %(name)s") % {"name": customer_name(conversation)}
            field.initial = self.adapter.option(conversation.account, MENTION_OPTION)
        else:
            del self.fields["mention_customer"]

    @property
    def public_thread(self) -> bool:
        """Replies here are public unless sent privately (comments, reviews, mentions)."""
        return self.conversation.kind != Conversation.Kind.DIRECT

    @property
    def can_mention(self) -> bool:
        """The channel can @mention the commenter in a public comment reply."""
        if self.adapter is None or self.conversation.kind not in {
            Conversation.Kind.COMMENT,
            Conversation.Kind.MENTION,
        }:
            return False
        return any(o.name == MENTION_OPTION for o in self.adapter.option_fields)

    @property
    def limit(self) -> int:
        return self.adapter.capabilities.max_text_length if self.adapter else 0

    @cached_property
    def sign_off(self) -> str:
        """The line public replies are signed with ("" when the agent turned it off)."""
        return sign_off_for(self.user) if self.public_thread else ""

    @cached_property
    def seen_now(self) -> int:
        """The `last_seen` to render: kept from the post unless a newer reply was shown."""
        if self.is_bound and self.typed_over is None:
            seen = self.cleaned_data.get("last_seen") if hasattr(self, "cleaned_data") else None
            if seen is not None:
                return seen
        return newest_message_pk(self.conversation)

    def clean_text(self) -> str:
        # Browsers send a textarea's line breaks as CRLF: count each as one character.
        return self.cleaned_data["text"].replace("\r\n", "\n")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        seen = data.get("last_seen")
        if seen is None or data.get("confirm"):
            return data
        other = reply_by_someone_else_since(
            conversation=self.conversation, user=self.user, seen=seen
        )
        if other is not None:
            self.typed_over = other
            if other.author is not None:
                warning = _("%(name)s replied while you were typing: read it, then send again.")
                raise forms.ValidationError(warning % {"name": person(other.author)})
            raise forms.ValidationError(
                _(
                    "A reply was sent from another app while you were typing: read it, "
                    "then send again."
                )
            )
        return data

    def reply_kwargs(self) -> dict[str, Any]:
        """What reply_create needs from this form."""
        data = self.cleaned_data
        return {
            "text": data["text"],
            "private": data.get("private", False),
            "mention_customer": data["mention_customer"] if self.can_mention else None,
        }


class NoteForm(forms.Form):
    text = _text(gettext_lazy("Note"), gettext_lazy("Write a note before saving it."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "note-%s")
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs.update(_suggesting("note", trigger="@"))

    def clean_text(self) -> str:
        return self.cleaned_data["text"].replace("\r\n", "\n")


def typed_query(data: Any, name: str, *, limit: int) -> str:
    """What was typed after "/" or "@" (?q=, ?shortcut=), cut to `limit`. With a NUL in it,
    nothing: no name contains one, and PostgreSQL refuses one in a query."""
    value = str(data.get(name, ""))[:limit]
    return "" if "\x00" in value else value


def can_reply_privately(convo: Conversation) -> bool:
    """Offer "reply privately" only where the channel can do it and the thread is public."""
    if convo.kind in {Conversation.Kind.DIRECT, Conversation.Kind.REVIEW}:
        return False
    adapter = _adapter(convo)
    return bool(adapter and adapter.capabilities.private_reply)


def composer_context(
    request: Any,
    convo: Conversation,
    reply_form: ReplyForm | None = None,
    note_form: NoteForm | None = None,
) -> dict[str, Any]:
    """What the composer under the thread needs: the reply and the note forms."""
    return {
        "reply_form": reply_form or ReplyForm(conversation=convo, user=request.user),
        "note_form": note_form or NoteForm(),
        "composer_strings": composer_strings(),
    }


def composer_strings() -> dict[str, str]:
    """What composer.js says, translated here; %(name)s is filled in by the script."""
    return {
        "counter": _("%(count)s / %(limit)s"),
        "left": _("Characters left: %(left)s"),
        "over": _("Characters over the limit: %(over)s"),
        "suggestions": _("Suggestions: %(count)s. Up and down arrows move, Enter chooses."),
        "insertFailed": _("The canned response could not be inserted; try again."),
    }


def _suggesting(prefix: str, *, trigger: str) -> dict[str, str]:
    """A textarea that offers a list while typing (canned responses, teammates): the ARIA
    combobox pattern, its listbox rendered next to it in the composer."""
    return {
        "role": "combobox",
        "aria-autocomplete": "list",
        "aria-expanded": "false",
        "aria-controls": f"{prefix}-suggestions",
        "aria-describedby": f"{prefix}-hint",
        "data-trigger": trigger,
        "data-draft": prefix,
    }


def _adapter(convo: Conversation) -> ChannelAdapter | None:
    try:
        return get_adapter(convo.account.kind)
    except LookupError:
        return None
