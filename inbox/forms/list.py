"""The list's query string: folder, filters, search, sort, where "Load more" continues.

Everything the list shows is in the URL (/?folder=mine&channel=facebook&q=refund), so a
view can be bookmarked, reloaded and reached with the back button.
"""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from inbox.adapters import adapters
from inbox.models import Conversation
from inbox.selectors.conversations import NEWEST, WAITING, ConversationFilters, Cursor
from inbox.selectors.pages import (
    DEFAULT_FOLDER,
    filter_choices_for,
    folder_keys_for,
    folder_teams_for,
    team_of,
)

from .ids import parse_id

FOLDER_LABELS = {
    "mine": _("Mine"),
    "unassigned": _("Unassigned"),
    "open": _("All open"),
    "follow_up": _("Follow-up"),
    "done": _("Done"),
    "mentions": _("Mentions"),
    "failed": _("Failed sends"),
}
SORT_LABELS = {NEWEST: _("Newest activity"), WAITING: _("Longest waiting")}
# The query parameters that say what the list shows; "after" only says where a page starts.
LIST_PARAMS = (
    "folder",
    "q",
    "channel",
    "kind",
    "label",
    "priority",
    "assignee",
    "team",
    "unread",
    "late",
    "sort",
)
# The filters proper: the form's selects, then its two checkboxes.
FILTERS = ("channel", "kind", "label", "priority", "assignee", "team", "unread", "late")
BROKEN_CURSOR = _("This link to more conversations is broken; reload the folder.")
YES = [("", ""), ("1", _("Yes"))]


def folder_label(folder: str, user: AbstractBaseUser) -> str:
    """A folder's name: translated, or the team's own name for a team folder."""
    team = team_of(folder)
    if team is not None:
        return folder_teams_for(user=user).get(team, "")
    return str(FOLDER_LABELS.get(folder, folder))


def cursor_encode(after: Cursor | None) -> str:
    """ "<sort key's value>~<id>"; the value is empty where nobody is waiting."""
    if after is None:
        return ""
    at, pk = after
    return f"{at.isoformat() if at else ''}~{pk}"


def cursor_decode(raw: str) -> Cursor:
    at, sep, pk = raw.rpartition("~")
    try:
        when = datetime.fromisoformat(at) if at else None
        if when is not None and when.tzinfo is not None:
            when = when.astimezone(UTC)
    except (ValueError, OverflowError):
        raise forms.ValidationError(BROKEN_CURSOR) from None
    # The database's own range: a crafted cursor is a broken link, not an error.
    number = parse_id(pk)
    if not sep or number is None or (when is not None and when.tzinfo is None):
        raise forms.ValidationError(BROKEN_CURSOR)
    return when, number


class ListForm(forms.Form):
    """?folder=…&q=…&channel=…&sort=…&after=<cursor>: one view of the list.

    Choices that depend on the user (their folders, teams, colleagues, labels) are read
    only when a value is given or the form is shown.
    """

    folder = forms.ChoiceField(
        required=False,
        error_messages={
            "invalid_choice": _("There is no folder called “%(value)s”; here is All open instead.")
        },
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        error_messages={"invalid_choice": _("There is no channel called “%(value)s”.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *Conversation.Kind.choices],
        error_messages={"invalid_choice": _("There is no kind of conversation “%(value)s”.")},
    )
    label = forms.TypedChoiceField(
        label=_("Label"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("There is no label with id “%(value)s”.")},
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any priority")), *Conversation.Priority.choices],
        error_messages={"invalid_choice": _("There is no priority “%(value)s”.")},
    )
    assignee = forms.ChoiceField(
        label=_("Assignee"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not someone to filter by; choose me, nobody or a colleague."
            )
        },
    )
    team = forms.TypedChoiceField(
        label=_("Team"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("There is no team with id “%(value)s” you can see.")},
    )
    unread = forms.ChoiceField(
        label=_("Unread only"),
        required=False,
        choices=YES,
        error_messages={"invalid_choice": _("Unread is 1 (only unread) or empty.")},
    )
    late = forms.ChoiceField(
        label=_("Waiting past the SLA target"),
        required=False,
        choices=YES,
        error_messages={"invalid_choice": _("Late is 1 (only past the SLA target) or empty.")},
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=list(SORT_LABELS.items()),
        error_messages={"invalid_choice": _("Sort by “newest” or “waiting”, not “%(value)s”.")},
    )
    after = forms.CharField(required=False, max_length=100)

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        self.user = user
        choices = filter_choices_for(user=user)
        self.fields["folder"].choices = lambda: [
            (key, folder_label(key, user)) for key in folder_keys_for(user=user)
        ]
        self.fields["channel"].choices = lambda: [
            ("", _("Any channel")),
            *sorted((kind, str(a.label)) for kind, a in adapters().items()),
        ]
        self.fields["label"].choices = lambda: [("", _("Any label")), *choices.labels]
        self.fields["team"].choices = lambda: [("", _("Any team")), *choices.teams]
        self.fields["assignee"].choices = lambda: [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody")),
            *((str(p.pk), p.get_full_name() or p.get_username()) for p in choices.people),
        ]

    def clean_folder(self) -> str:
        return self.cleaned_data["folder"] or DEFAULT_FOLDER

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean_assignee(self) -> int | str | None:
        value = self.cleaned_data["assignee"]
        if value in ("me", "none"):
            return value
        return int(value) if value else None

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or NEWEST

    def clean_after(self) -> Cursor | None:
        raw = self.cleaned_data["after"]
        return cursor_decode(raw) if raw else None

    def clean(self) -> dict:
        data = super().clean()
        after = data.get("after")
        # Newest-first keys are never empty: such a cursor was made for another sort.
        if after and after[0] is None and data.get("sort", NEWEST) == NEWEST:
            self.add_error("after", BROKEN_CURSOR)
        return data

    # --- what the view needs, from valid fields only ------------------------------------

    @property
    def folder_key(self) -> str:
        return self.cleaned_data.get("folder") or DEFAULT_FOLDER

    @property
    def cursor(self) -> Cursor | None:
        return self.cleaned_data.get("after")

    def filters(self) -> ConversationFilters:
        data = self.cleaned_data
        return ConversationFilters(
            channel=data.get("channel") or None,
            kind=data.get("kind") or None,
            label=data.get("label"),
            priority=data.get("priority"),
            assignee=data.get("assignee"),
            team=data.get("team"),
            unread=True if data.get("unread") else None,
            late=True if data.get("late") else None,
            q=data.get("q", ""),
            sort=data.get("sort") or NEWEST,
        )

    def query(self, **changes: str) -> str:
        """The list's query string from the valid values (no cursor), with changes."""
        params = {"folder": self.folder_key}
        for name in LIST_PARAMS[1:]:
            value = self.cleaned_data.get(name)
            if value not in (None, "") and not (name == "sort" and value == NEWEST):
                params[name] = str(value)
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v})

    @property
    def filtering(self) -> bool:
        """Whether a search or a filter narrows the folder (the list says so)."""
        return bool(self.cleaned_data.get("q")) or self.narrowed

    @property
    def narrowed(self) -> bool:
        """Whether a filter (not the search) narrows the folder: the filters stay open."""
        return any(self.cleaned_data.get(name) not in (None, "") for name in FILTERS)

    @property
    def select_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in (*FILTERS[:-2], "sort")]

    def error_text(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)
