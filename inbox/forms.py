"""Forms of the inbox pages: they turn query strings and posts into clean values."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.models import Conversation
from inbox.selectors.pages import DEFAULT_FOLDER, FOLDERS

FOLDER_LABELS = {
    "open": _("Open"),
    "follow_up": _("Follow-up"),
    "done": _("Done"),
    "mine": _("Mine"),
    "unassigned": _("Unassigned"),
}


def cursor_encode(after: tuple[datetime, int] | None) -> str:
    if after is None:
        return ""
    at, pk = after
    return f"{at.isoformat()}~{pk}"


class ListForm(forms.Form):
    """?folder=open&after=<cursor>: which folder, and where "Load more" continues."""

    folder = forms.ChoiceField(
        choices=[(f, FOLDER_LABELS[f]) for f in FOLDERS],
        required=False,
        error_messages={
            "invalid_choice": _("There is no folder called “%(value)s”; here is Open instead.")
        },
    )
    after = forms.CharField(required=False, max_length=100)

    def clean_folder(self) -> str:
        return self.cleaned_data["folder"] or DEFAULT_FOLDER

    def clean_after(self) -> tuple[datetime, int] | None:
        raw = self.cleaned_data["after"]
        if not raw:
            return None
        at, _sep, pk = raw.rpartition("~")
        try:
            when = datetime.fromisoformat(at)
            number = int(pk)
        except ValueError:
            raise forms.ValidationError(
                _("This link to more conversations is broken; reload the folder.")
            ) from None
        if when.tzinfo is None:
            raise forms.ValidationError(
                _("This link to more conversations is broken; reload the folder.")
            )
        return when, number


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


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Conversation.Status.choices)
