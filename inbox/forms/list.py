"""The list's query string: folder, filters, search, where "Load more" continues."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

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
