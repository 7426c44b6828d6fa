"""Forms of the customer panel: tags, switches, notes, linking the same person."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.services.contacts import MAX_NOTES_LENGTH, MAX_TAG_LENGTH


class TagForm(forms.Form):
    """Add `tag`, or remove the tag named by `remove`."""

    tag = forms.CharField(label=_("Add a tag"), required=False, max_length=200)
    remove = forms.CharField(required=False, max_length=200)

    def clean(self) -> dict:
        data = super().clean()
        # The panel shows the form's one message: a field's own (too long, a NUL) is it too.
        for name in ("tag", "remove"):
            if name in self.errors:
                raise forms.ValidationError(self.errors.pop(name)[0])
        if not data.get("tag", "").strip() and not data.get("remove", "").strip():
            raise forms.ValidationError(_("Write a tag before adding it."))
        if len(" ".join(data.get("tag", "").split())) > MAX_TAG_LENGTH:
            raise forms.ValidationError(
                _("Tags are at most %(limit)d characters.") % {"limit": MAX_TAG_LENGTH}
            )
        return data


class FlagForm(forms.Form):
    flag = forms.ChoiceField(
        choices=[("vip", _("VIP")), ("top_customer", _("Top customer"))],
        error_messages={"invalid_choice": _("There is no switch called “%(value)s”.")},
    )
    on = forms.BooleanField(required=False)


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes about this customer"),
        required=False,
        max_length=MAX_NOTES_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        error_messages={
            "max_length": _("Notes are at most %(limit_value)d characters; shorten them.")
        },
    )


class ContactChoiceForm(forms.Form):
    """The other contact of a link or an undo, by id."""

    contact = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": _("Choose a customer from the search results."),
            "invalid": _("Choose a customer from the search results."),
            "min_value": _("Choose a customer from the search results."),
        },
    )


class CandidateSearchForm(forms.Form):
    """The panel's search for "same person as…"; `who`, as `q` is the list's own search."""

    who = forms.CharField(
        label=_("Same person as…"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Search with at most %(limit_value)d characters.")},
    )
