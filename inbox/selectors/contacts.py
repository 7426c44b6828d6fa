"""Reads about customers: the panel beside a conversation (social CRM).

Contacts linked as the same person form a group: one main contact, the others pointing
at it with `merged_into`. The panel shows the group, but only what the agent may see:
the contacts of the group that have a handle or a conversation on an account their teams
work (their names, tags, VIP and notes), and of those only the handles and conversations
on such accounts. A contact of the group the agent cannot see is not shown at all.

Changing a customer (tags, VIP, notes, links) needs the whole group to be visible: every
contact of it, and every handle and conversation of each (`contacts_fully_visible`), so
an agent never overwrites what another team keeps. The panel is read-only otherwise.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox.models import Contact, Conversation, Identity

from .access import accounts_for, conversations_for, is_admin
from .search import folded_contains

# The "top customer" switch is a tag the panel shows as a switch, not as a free tag.
TOP_CUSTOMER_TAG = "top-customer"
HISTORY_LIMIT = 30
CANDIDATE_LIMIT = 10

# Profile fields platforms give that are safe and useful to show, in this order.
PROFILE_FIELDS = {
    "locale": gettext_lazy("Locale"),
    "language": gettext_lazy("Language"),
    "country": gettext_lazy("Country"),
    "gender": gettext_lazy("Gender"),
    "timezone": gettext_lazy("Time zone"),
    "followers_count": gettext_lazy("Followers"),
    "followers": gettext_lazy("Followers"),
    "verified": gettext_lazy("Verified"),
    "subscribed": gettext_lazy("Subscribed"),
}
PROFILE_LINK_KEYS = ("profile_url", "link", "url")
MAX_VALUE_LENGTH = 80


@dataclass(frozen=True)
class Handle:
    """The customer as one channel account knows them."""

    identity: Identity
    fields: list[tuple[str, str]] = field(default_factory=list)
    link: str = ""


@dataclass(frozen=True)
class LinkedContact:
    """Another contact of the group, and the one whose link "Undo" removes."""

    contact: Contact
    unlink: Contact
    merged_by: Any
    merged_at: datetime | None


@dataclass(frozen=True)
class CustomerPanel:
    contact: Contact
    main: Contact
    avatar_identity_id: int | None
    handles: list[Handle]
    is_vip: bool
    top_customer: bool
    tags: list[str]
    notes: str
    # Notes kept on the other contacts of the group, read-only here: (name, notes).
    other_notes: list[tuple[str, str]]
    linked: list[LinkedContact]
    conversations: list[Conversation]
    more_conversations: bool
    # The contacts of the group shown: live updates about any of them refresh the panel.
    member_ids: list[int] = field(default_factory=list)
    # Whether the agent may change this customer: the whole group is theirs to see.
    editable: bool = True
    # Whether the group has contacts the agent cannot see (then it is read-only).
    hidden_links: bool = False


def customer_panel_for(*, user: AbstractBaseUser, conversation: Conversation) -> dict[str, Any]:
    """What the customer panel shows for this conversation."""
    return {"customer": customer_for(user=user, conversation=conversation)}


def customer_for(*, user: AbstractBaseUser, conversation: Conversation) -> CustomerPanel:
    contact = conversation.contact
    members = group_of(contact)
    shown = _shown_members(user, contact, members)
    main = members[0]
    member_ids = [m.pk for m in shown]
    identities = list(
        Identity.objects.filter(contact__in=member_ids, account__in=accounts_for(user).values("pk"))
        .select_related("account")
        .defer("account__credentials", "account__options", "account__cursors")
        .order_by("account__kind", "account__name", "pk")
    )
    history = list(
        conversations_for(user)
        .filter(contact__in=member_ids)
        .exclude(pk=conversation.pk)
        .select_related("account")
        .defer("account__credentials", "account__options", "account__cursors", "context")
        .order_by("-last_activity_at", "-pk")[: HISTORY_LIMIT + 1]
    )
    avatar = next((i.pk for i in identities if i.profile.get("avatar_file")), None)
    all_tags = _union(tag for m in shown for tag in m.tags)
    main_shown = shown[0].pk == main.pk
    return CustomerPanel(
        contact=contact,
        main=main,
        avatar_identity_id=avatar,
        handles=[_handle(i) for i in identities],
        is_vip=any(m.is_vip for m in shown),
        top_customer=any(t.casefold() == TOP_CUSTOMER_TAG for t in all_tags),
        tags=[t for t in all_tags if t.casefold() != TOP_CUSTOMER_TAG],
        # The main contact's notes are the group's; another team's main keeps its own.
        notes=main.notes if main_shown else "",
        other_notes=[(str(m), m.notes) for m in shown if m.pk != main.pk and m.notes.strip()],
        linked=[
            LinkedContact(
                contact=m,
                unlink=m if m.merged_into_id else contact,
                merged_by=(m if m.merged_into_id else contact).merged_by,
                merged_at=(m if m.merged_into_id else contact).merged_at,
            )
            for m in shown
            if m.pk != contact.pk
        ],
        conversations=history[:HISTORY_LIMIT],
        more_conversations=len(history) > HISTORY_LIMIT,
        member_ids=member_ids,
        # A link the agent cannot see already makes the group not fully visible.
        editable=len(shown) == len(members)
        and contacts_fully_visible(user=user, contact_ids=[m.pk for m in members]),
        hidden_links=len(shown) < len(members),
    )


def _shown_members(
    user: AbstractBaseUser, contact: Contact, members: list[Contact]
) -> list[Contact]:
    """The contacts of the group the user may see, in the group's order. The
    conversation's own contact is one: the user sees the conversation."""
    if is_admin(user):
        return members
    visible = set(
        contacts_visible_to(user)
        .filter(pk__in=[m.pk for m in members])
        .values_list("pk", flat=True)
    )
    return [m for m in members if m.pk in visible or m.pk == contact.pk]


def group_of(contact: Contact) -> list[Contact]:
    """The contacts linked as one person: the main contact first, then the others by age."""
    main_id = contact.merged_into_id or contact.pk
    members = list(
        Contact.objects.filter(Q(pk=main_id) | Q(merged_into_id=main_id))
        .select_related("merged_by")
        .order_by("pk")
    )
    members.sort(key=lambda m: m.pk != main_id)
    return members


def contacts_visible_to(user: AbstractBaseUser) -> QuerySet[Contact]:
    """Contacts with a handle or a conversation on an account the user works."""
    if is_admin(user):
        return Contact.objects.all()
    accounts = accounts_for(user).values("pk")
    handle_here = Identity.objects.filter(contact_id=OuterRef("pk"), account__in=accounts)
    conversation_here = Conversation.objects.filter(contact_id=OuterRef("pk"), account__in=accounts)
    return Contact.objects.filter(Q(Exists(handle_here)) | Q(Exists(conversation_here)))


def contacts_fully_visible(*, user: AbstractBaseUser, contact_ids: list[int]) -> bool:
    """Whether the user may see all of these contacts and every handle and conversation
    of each: what changing them (tags, VIP, notes, links) needs."""
    if is_admin(user):
        return True
    ids = set(contact_ids)
    if contacts_visible_to(user).filter(pk__in=ids).count() != len(ids):
        return False
    accounts = accounts_for(user).values("pk")
    elsewhere = Q(contact__in=ids) & ~Q(account__in=accounts)
    return not (
        Conversation.objects.filter(elsewhere).exists()
        or Identity.objects.filter(elsewhere).exists()
    )


def contact_get_for(*, user: AbstractBaseUser, pk: int) -> Contact | None:
    """A contact, if the user may see it."""
    return contacts_visible_to(user).filter(pk=pk).first()


def merge_candidates_for(*, user: AbstractBaseUser, contact: Contact, query: str) -> list[Contact]:
    """Other contacts the agent could link with this one: by their name or a handle the
    agent may see, among the contacts the agent may see."""
    query = query.strip()
    if not query:
        return []
    group = [m.pk for m in group_of(contact)]
    handle = query.removeprefix("@") or query
    # Only handles the agent could see count: a match on another team's handle would
    # tell them it exists.
    matching_identities = Identity.objects.filter(
        Q(folded_contains("name", query)) | Q(folded_contains("handle", handle)),
        contact_id=OuterRef("pk"),
        account__in=accounts_for(user).values("pk"),
    )
    candidates = (
        contacts_visible_to(user)
        .filter(Q(folded_contains("name", query)) | Exists(matching_identities))
        .exclude(pk__in=group)
        .exclude(merged_into_id__in=group)
        .order_by("name", "pk")[:CANDIDATE_LIMIT]
    )
    return list(candidates.prefetch_related(_visible_identities(user)))


def _visible_identities(user: AbstractBaseUser) -> Prefetch:
    return Prefetch(
        "identities",
        queryset=Identity.objects.filter(account__in=accounts_for(user).values("pk"))
        .select_related("account")
        .defer("account__credentials", "account__options", "account__cursors"),
        to_attr="visible_identities",
    )


def _handle(identity: Identity) -> Handle:
    return Handle(
        identity=identity,
        fields=profile_fields(identity.profile),
        link=_profile_link(identity.profile),
    )


def profile_fields(profile: dict[str, Any]) -> list[tuple[str, str]]:
    """The known, safe profile fields as (label, value); anything else is never shown."""
    shown: list[tuple[str, str]] = []
    labels_seen: set[str] = set()
    for key, label in PROFILE_FIELDS.items():
        value = profile.get(key)
        if value is None or value == "" or isinstance(value, (dict, list)):
            continue
        if isinstance(value, bool):
            text = _("Yes") if value else _("No")
        else:
            text = str(value)[:MAX_VALUE_LENGTH]
        if str(label) in labels_seen:
            continue
        labels_seen.add(str(label))
        shown.append((str(label), text))
    return shown


def _profile_link(profile: dict[str, Any]) -> str:
    for key in PROFILE_LINK_KEYS:
        value = profile.get(key)
        if isinstance(value, str) and value.startswith("https://") and len(value) <= 500:
            return value
    return ""


def _union(tags: Any) -> list[str]:
    """Tags in order, each once whatever its case."""
    seen: set[str] = set()
    result = []
    for tag in tags:
        key = str(tag).casefold()
        if key not in seen:
            seen.add(key)
            result.append(str(tag))
    return result
