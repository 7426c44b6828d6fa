"""Reads of canned responses: what a user may insert, what they may manage, search.

Using and managing are different circles: an agent inserts their own responses, their
teams' and everyone's, but manages only their own; a lead also manages the teams they
lead; an admin manages every shared response (never someone else's personal ones).
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from inbox.models import CannedResponse, Conversation, Membership

from .access import is_admin, teams_led_by

SUGGESTIONS = 8


def _usable(user: AbstractBaseUser) -> Q:
    """Their own, their teams' and those shared with everyone."""
    their_teams = Membership.objects.filter(user=user).values("team_id")
    return Q(owner=user) | Q(team__in=their_teams) | Q(owner__isnull=True, team__isnull=True)


def canned_responses_usable_by(*, user: AbstractBaseUser) -> QuerySet[CannedResponse]:
    """What the user can insert: their own, their teams' and those shared with everyone."""
    return (
        CannedResponse.objects.filter(_usable(user))
        .select_related("team")
        .order_by("shortcut", "pk")
    )


def canned_responses_manageable_by(*, user: AbstractBaseUser) -> QuerySet[CannedResponse]:
    return CannedResponse.objects.filter(_manageable(user)).select_related("team")


def canned_responses_listed_for(
    *, user: AbstractBaseUser, q: str = "", scope: str = ""
) -> list[CannedResponse]:
    """The management page: what the user uses or manages, each marked `can_manage`."""
    manageable = _manageable(user)
    responses = (
        CannedResponse.objects.filter(_usable(user) | manageable)
        .select_related("team")
        .annotate(
            can_manage=Case(
                When(manageable, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("shortcut", "pk")
    )
    responses = canned_in_scope(responses, user=user, scope=scope)
    return canned_responses_matching(responses, q=q, fields=("title", "shortcut", "body"))


def canned_in_scope(
    responses: QuerySet[CannedResponse], *, user: AbstractBaseUser, scope: str
) -> QuerySet[CannedResponse]:
    """Those of one scope: "personal" (the user's own), "team" or "everyone"; "" is all."""
    if scope == "personal":
        return responses.filter(owner=user)
    if scope == "team":
        return responses.filter(team__isnull=False)
    if scope == "everyone":
        return responses.filter(owner__isnull=True, team__isnull=True)
    return responses


def canned_response_usable(*, user: AbstractBaseUser, pk: int) -> CannedResponse | None:
    return canned_responses_usable_by(user=user).filter(pk=pk).first()


def canned_response_visible(*, user: AbstractBaseUser, pk: int) -> CannedResponse | None:
    """One response the user may use or manage; None says nothing about the others."""
    return (
        canned_responses_usable_by(user=user).filter(pk=pk).first()
        or canned_responses_manageable_by(user=user).filter(pk=pk).first()
    )


def canned_response_manageable(*, user: AbstractBaseUser, response: CannedResponse) -> bool:
    return canned_responses_manageable_by(user=user).filter(pk=response.pk).exists()


def canned_suggestions_for(
    *, user: AbstractBaseUser, conversation: Conversation, q: str, limit: int = SUGGESTIONS
) -> list[CannedResponse]:
    """The composer's "/" list: by shortcut and title, the conversation's language first."""
    matching = canned_responses_matching(
        canned_responses_usable_by(user=user), q=q, fields=("shortcut", "title")
    )
    language = conversation_language(conversation)
    prefix = q.casefold()

    def rank(response: CannedResponse) -> tuple[int, int, int, str]:
        lang = _primary(response.language)
        return (
            _match_rank(response.shortcut.casefold(), prefix),
            0 if language and lang == language else (1 if not lang else 2),
            _scope_rank(response, user),
            response.shortcut,
        )

    return sorted(matching, key=rank)[:limit]


def canned_response_by_shortcut(
    *, user: AbstractBaseUser, conversation: Conversation, shortcut: str
) -> CannedResponse | None:
    """The response a typed "/shortcut" means: the user's own before their team's before
    everyone's, and in the conversation's language when there is a choice."""
    candidates = list(canned_responses_usable_by(user=user).filter(shortcut=shortcut))
    language = conversation_language(conversation)
    candidates.sort(
        key=lambda r: (
            _scope_rank(r, user),
            0 if language and _primary(r.language) == language else 1,
        )
    )
    return candidates[0] if candidates else None


def conversation_language(conversation: Conversation) -> str:
    """The customer's language as the platform told it ("ru", from "ru_RU"), or ""."""
    identity = conversation.identity
    profile = identity.profile if identity is not None else {}
    return _primary(str(profile.get("language") or profile.get("locale") or ""))


def canned_responses_matching(
    responses: QuerySet[CannedResponse], *, q: str, fields: Iterable[str]
) -> list[CannedResponse]:
    """Case-insensitive search in any script.

    PostgreSQL folds the case of Greek and Cyrillic in ILIKE; SQLite's LIKE folds ASCII
    only, so there the (small) library is filtered in Python with str.casefold().
    """
    q = q.strip()
    if not q:
        return list(responses)
    if connection.vendor != "sqlite":
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": q})
        return list(responses.filter(condition))
    needle = q.casefold()
    return [r for r in responses if any(needle in getattr(r, f).casefold() for f in fields)]


def canned_scope(response: CannedResponse) -> str:
    if response.owner_id is not None:
        return "personal"
    return "team" if response.team_id is not None else "everyone"


def _manageable(user: AbstractBaseUser) -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    condition = Q(owner=user) | Q(team__in=teams_led_by(user).values("pk"))
    if is_admin(user):
        condition |= Q(owner__isnull=True)
    return condition


def _match_rank(shortcut: str, typed: str) -> int:
    if shortcut == typed:
        return 0
    return 1 if shortcut.startswith(typed) else 2


def _scope_rank(response: CannedResponse, user: AbstractBaseUser) -> int:
    if response.owner_id == user.pk:
        return 0
    return 1 if response.team_id is not None else 2


def _primary(language: str) -> str:
    return language.replace("_", "-").split("-")[0].strip().lower()
