"""The composer's forms: a reply (public or private) to the customer."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.adapters import get_adapter
from inbox.models import Conversation


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        error_messages={"required": _("Write a reply before sending.")},
    )
    private = forms.BooleanField(label=_("Reply privately"), required=False)

    def __init__(self, *args: object, can_reply_privately: bool = False, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.can_reply_privately = can_reply_privately
        if not can_reply_privately:
            del self.fields["private"]


def can_reply_privately(convo: Conversation) -> bool:
    """Offer "reply privately" only where the channel can do it and the thread is public."""
    if convo.kind in {Conversation.Kind.DIRECT, Conversation.Kind.REVIEW}:
        return False
    try:
        return get_adapter(convo.account.kind).capabilities.private_reply
    except LookupError:
        return False


def composer_context(
    request: Any, convo: Conversation, reply_form: ReplyForm | None = None
) -> dict[str, Any]:
    """What the composer under the thread needs."""
    form = reply_form or ReplyForm(can_reply_privately=can_reply_privately(convo))
    return {"reply_form": form}
