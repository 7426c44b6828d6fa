"""Forms of the actions on one conversation: status, assignment, labels, priority."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.models import Conversation, Label
from inbox.selectors.pane import AssignChoices

from .ids import max_id, parse_id


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=Conversation.Status.choices,
        error_messages={
            "required": _("Choose a status: open, follow-up or done."),
            "invalid_choice": _("“%(value)s” is not a status: choose open, follow-up or done."),
        },
    )


class AssignForm(forms.Form):
    """Assign to a person ("user-<id>"), to a team ("team-<id>"), or to nobody ("")."""

    to = forms.CharField(label=_("Assign to"), required=False, max_length=40)

    def __init__(self, *args: Any, choices: AssignChoices | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices

    def clean_to(self) -> dict[str, Any]:
        """The change for conversation_update: {"assignee": ...} or {"team": ...}."""
        value = self.cleaned_data["to"]
        if not value:
            return {"assignee": None}
        if self.choices is None:
            raise forms.ValidationError(
                _("Only a team lead or an admin can assign others; use “Assign to me”.")
            )
        kind, _sep, raw = value.partition("-")
        number = parse_id(raw)
        if kind == "user":
            user = next((u for u in self.choices.users if u.pk == number), None)
            if user is not None:
                return {"assignee": user}
        if kind == "team":
            team = next((t for t in self.choices.teams if t.pk == number), None)
            if team is not None:
                return {"team": team}
        raise forms.ValidationError(
            _("Choose someone from the list: they must work the account of this conversation.")
        )


class LabelIdsField(forms.ModelMultipleChoiceField):
    """Label ids: anything but an id in the table's range is refused before the query."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if parse_id(pk, maximum=max_id(Label)) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:40]},
                )
        return super()._check_values(value)


class LabelsForm(forms.Form):
    labels = LabelIdsField(
        queryset=Label.objects.order_by("name"),
        required=False,
        label=_("Labels"),
        error_messages={
            "invalid_choice": _("One of the labels no longer exists; reload and choose again."),
            "invalid_pk_value": _("One of the labels no longer exists; reload and choose again."),
        },
    )


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(
        choices=Conversation.Priority.choices,
        coerce=int,
        label=_("Priority"),
        error_messages={
            "required": _("Choose a priority."),
            "invalid_choice": _("“%(value)s” is not a priority: choose one from the list."),
        },
    )
