"""The bulk toolbar: which conversations, and what to do with them."""

from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from inbox.models import Conversation
from inbox.selectors.pages import filter_choices_for

from .ids import parse_id

# One page of the list is 25 rows; a crafted post of thousands is refused, not run.
MAX_ROWS = 200
NO_CHANGE = ("", _("No change"))


class BulkForm(forms.Form):
    """conversation=<id>&conversation=<id>…&assignee=me&status=done&label=3."""

    assignee = forms.ChoiceField(
        label=_("Assign to"),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not someone you can choose here.")},
    )
    team = forms.TypedChoiceField(
        label=_("Move to team"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("There is no team with id “%(value)s” you can see.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[NO_CHANGE, *Conversation.Status.choices],
        error_messages={"invalid_choice": _("There is no status “%(value)s”.")},
    )
    label = forms.TypedChoiceField(
        label=_("Add label"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("There is no label with id “%(value)s”.")},
    )

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        self.user = user
        choices = filter_choices_for(user=user)
        self.fields["assignee"].choices = lambda: [
            NO_CHANGE,
            ("me", _("Me")),
            ("none", _("Nobody")),
            *((str(p.pk), p.get_full_name() or p.get_username()) for p in choices.people),
        ]
        self.fields["team"].choices = lambda: [NO_CHANGE, *choices.teams]
        self.fields["label"].choices = lambda: [NO_CHANGE, *choices.labels]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["conversations"] = self._conversation_ids()
        if not any(data.get(name) not in (None, "") for name in self.fields):
            raise forms.ValidationError(
                _("Choose what to do with the selected conversations: assign, status or label.")
            )
        return data

    def _conversation_ids(self) -> list[int]:
        raw = self.data.getlist("conversation") if hasattr(self.data, "getlist") else []
        if not raw:
            raise forms.ValidationError(_("Select at least one conversation first."))
        if len(raw) > MAX_ROWS:
            raise forms.ValidationError(
                _("Select at most %(max)d conversations at a time.") % {"max": MAX_ROWS}
            )
        ids = []
        for value in raw:
            number = parse_id(value)
            if number is None:
                raise forms.ValidationError(
                    _("“%(value)s” is not a conversation id.") % {"value": value[:40]}
                )
            ids.append(number)
        return list(dict.fromkeys(ids))

    def changes(self, by: AbstractBaseUser) -> dict[str, Any]:
        """The service's keyword arguments for what was chosen (nothing else changes)."""
        data = self.cleaned_data
        changes: dict[str, Any] = {}
        if data.get("assignee") == "me":
            changes["assignee"] = by
        elif data.get("assignee") == "none":
            changes["assignee"] = None
        elif data.get("assignee"):
            changes["assignee"] = next(
                p
                for p in filter_choices_for(user=self.user).people
                if str(p.pk) == data["assignee"]
            )
        if data.get("team") is not None:
            changes["team_id"] = data["team"]
        if data.get("status"):
            changes["status"] = data["status"]
        if data.get("label") is not None:
            changes["add_label_id"] = data["label"]
        return changes

    def error_text(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)

    @property
    def action_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("assignee", "team", "status", "label")]
