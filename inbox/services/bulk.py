"""One change applied to many conversations at once, row by row under the usual rules."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from inbox.models import Conversation, Label, Team
from inbox.selectors import conversations_for

from .conversations import UNSET, NotAllowed, conversation_update


@dataclass
class BulkResult:
    updated: int = 0
    # (conversation, why), for each row the rules refused.
    refused: list[tuple[Conversation, str]] = field(default_factory=list)
    # Ids that are not there, or not the user's to see: ignored, only counted.
    not_found: int = 0


def conversations_bulk_update(
    *,
    by: AbstractBaseUser,
    ids: Iterable[int],
    status: str = UNSET,
    assignee: AbstractBaseUser | None = UNSET,
    team_id: int | None = None,
    add_label_id: int | None = None,
) -> BulkResult:
    """Each conversation goes through conversation_update with its own access rules.

    One transaction for all, a savepoint per row: a refused row changes nothing and the
    others still go through; the result says which were refused and why.
    """
    ids = list(dict.fromkeys(ids))
    changes: dict[str, Any] = {}
    if status is not UNSET:
        changes["status"] = status
    if assignee is not UNSET:
        changes["assignee"] = assignee
    if team_id is not None:
        changes["team"] = _one(Team, team_id, _("There is no team with id %(id)s."))
    label = (
        _one(Label, add_label_id, _("There is no label with id %(id)s.")) if add_label_id else None
    )
    rows = list(
        conversations_for(by)
        .filter(pk__in=ids)
        .select_related("account", "contact", "identity", "assignee", "team")
        .prefetch_related("labels")
        .order_by("pk")
    )
    result = BulkResult(not_found=len(ids) - len(rows))
    with transaction.atomic():
        for convo in rows:
            row_changes = dict(changes)
            if label is not None:
                row_changes["labels"] = {*convo.labels.all(), label}
            try:
                with transaction.atomic():
                    conversation_update(conversation=convo, by=by, **row_changes)
            except (NotAllowed, ValueError) as exc:
                result.refused.append((convo, str(exc)))
            else:
                result.updated += 1
    return result


def _one(model: type, pk: int, missing: str) -> Any:
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValueError(missing % {"id": pk})
    return found
