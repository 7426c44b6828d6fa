"""Writes on customers: tags, VIP, notes, and linking two contacts as the same person.

Linked contacts form a group around one main contact (the others have `merged_into` set).
Nothing is moved or deleted: conversations keep their contact, so undoing a link gives
both contacts back exactly as they were. Tags, VIP and notes edited on a group live on its
main contact; removing a tag or VIP removes it from the whole group.

Every change needs `by` to see the whole group (every contact, handle and conversation of
it): otherwise it would overwrite what a team they are not in keeps, so it is refused
with `NotAllowed` and an admin does it.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox import realtime
from inbox.models import Contact, Conversation
from inbox.selectors.contacts import TOP_CUSTOMER_TAG, contacts_fully_visible, group_of

from .conversations import NotAllowed

MAX_TAG_LENGTH = 40
MAX_TAGS = 30
MAX_NOTES_LENGTH = 10_000

LINK_REFUSED = gettext_lazy(
    "One of these customers also wrote to an account your teams do not work: "
    "ask an admin to link them."
)
EDIT_REFUSED = gettext_lazy(
    "This customer is also known to an account your teams do not work: "
    "ask an admin to change their tags, notes or links."
)


def contact_tag_add(*, contact: Contact, tag: str, by: AbstractBaseUser) -> Contact:
    tag = " ".join(tag.split())
    if not tag:
        raise ValueError(_("Write a tag before adding it."))
    if len(tag) > MAX_TAG_LENGTH:
        raise ValueError(
            _("Tags are at most %(limit)d characters; shorten “%(tag)s”.")
            % {"limit": MAX_TAG_LENGTH, "tag": tag[:MAX_TAG_LENGTH]}
        )
    with transaction.atomic():
        members = _locked_group(contact, by=by)
        if any(tag.casefold() == t.casefold() for m in members for t in m.tags):
            return members[0]
        main = members[0]
        if len(main.tags) >= MAX_TAGS:
            raise ValueError(
                _("A customer can have at most %(limit)d tags; remove one first.")
                % {"limit": MAX_TAGS}
            )
        main.tags = [*main.tags, tag]
        main.save(update_fields=["tags"])
        _changed(members)
    return main


def contact_tag_remove(*, contact: Contact, tag: str, by: AbstractBaseUser) -> Contact:
    """Remove a tag from every contact of the group (it shows once for all of them)."""
    key = " ".join(tag.split()).casefold()
    with transaction.atomic():
        members = _locked_group(contact, by=by)
        for member in members:
            kept = [t for t in member.tags if t.casefold() != key]
            if kept != member.tags:
                member.tags = kept
                member.save(update_fields=["tags"])
        _changed(members)
    return members[0]


def contact_flag_set(*, contact: Contact, flag: str, on: bool, by: AbstractBaseUser) -> Contact:
    """The VIP and "top customer" switches of the group."""
    if flag == "vip":
        with transaction.atomic():
            members = _locked_group(contact, by=by)
            targets = members[:1] if on else [m for m in members if m.is_vip]
            for member in targets:
                member.is_vip = on
                member.save(update_fields=["is_vip"])
            _changed(members)
        return members[0]
    if flag == "top_customer":
        if on:
            return contact_tag_add(contact=contact, tag=TOP_CUSTOMER_TAG, by=by)
        return contact_tag_remove(contact=contact, tag=TOP_CUSTOMER_TAG, by=by)
    raise ValueError(_("There is no switch called “%(flag)s”.") % {"flag": flag})


def contact_notes_save(*, contact: Contact, notes: str, by: AbstractBaseUser) -> Contact:
    notes = notes.strip()
    if len(notes) > MAX_NOTES_LENGTH:
        raise ValueError(
            _("Notes are at most %(limit)d characters; these have %(length)d.")
            % {"limit": MAX_NOTES_LENGTH, "length": len(notes)}
        )
    with transaction.atomic():
        members = _locked_group(contact, by=by)
        main = members[0]
        if main.notes != notes:
            main.notes = notes
            main.save(update_fields=["notes"])
            _changed(members)
    return main


def contact_merge(*, contact: Contact, other: Contact, by: AbstractBaseUser) -> Contact:
    """Link `other` (and anyone linked with it) to `contact`'s group: the same person.

    The agent must see the whole of both groups (every contact, handle and conversation),
    so a link never reaches into what a team they are not in keeps.
    """
    with transaction.atomic():
        ours, theirs = _locked_groups(contact, other)
        main = ours[0]
        if theirs[0].pk == main.pk:
            raise ValueError(_("%(name)s is already linked with this customer.") % {"name": other})
        _check_sees_all(by, [*ours, *theirs], refusal=LINK_REFUSED)
        now = timezone.now()
        # Kept one level deep: the other group's main contact and its linked ones all
        # point at our main contact, each keeping who linked it.
        for member in theirs:
            member.merged_into = main
            if member.pk == theirs[0].pk or member.merged_by_id is None:
                member.merged_by = by
                member.merged_at = now
            member.save(update_fields=["merged_into", "merged_by", "merged_at"])
        _changed([*ours, *theirs])
    return main


def contact_unmerge(*, contact: Contact, by: AbstractBaseUser) -> Contact:
    """Undo a link: `contact` is its own person again, with its own conversations."""
    with transaction.atomic():
        members = _locked_group(contact, by=by)
        member = next((m for m in members if m.pk == contact.pk), None)
        if member is None or member.merged_into_id is None:
            raise ValueError(_("%(name)s is not linked with another customer.") % {"name": contact})
        member.merged_into = None
        member.merged_by = None
        member.merged_at = None
        member.save(update_fields=["merged_into", "merged_by", "merged_at"])
        _changed(members)
    return member


def _locked_group(contact: Contact, *, by: AbstractBaseUser | None = None) -> list[Contact]:
    """The contact's group as it is now, its rows locked: edits of one person apply one
    after the other. The passed object may be stale; the database says who is linked.
    With `by`, refused unless they see the whole group as it is now."""
    [group] = _locked_groups(contact)
    if by is not None:
        _check_sees_all(by, group, refusal=EDIT_REFUSED)
    return group


def _locked_groups(*contacts: Contact) -> list[list[Contact]]:
    """Each contact's group, locked main contacts first in id order (no deadlock between
    two agents linking the same two people from either side)."""
    for _attempt in range(3):
        current = {c.pk: c for c in Contact.objects.filter(pk__in=[c.pk for c in contacts])}
        if len(current) != len({c.pk for c in contacts}):
            raise ValueError(_("This customer no longer exists; reload the conversation."))
        main_ids = sorted({(c.merged_into_id or c.pk) for c in current.values()})
        mains = list(Contact.objects.select_for_update().filter(pk__in=main_ids).order_by("pk"))
        relinked = Contact.objects.filter(pk__in=list(current)).values_list("pk", "merged_into_id")
        if all(m.merged_into_id is None for m in mains) and all(
            merged_into == current[pk].merged_into_id for pk, merged_into in relinked
        ):
            groups = []
            for contact in contacts:
                members = group_of(current[contact.pk])
                locked = Contact.objects.select_for_update().filter(pk__in=[m.pk for m in members])
                by_pk = {c.pk: c for c in locked}
                groups.append([by_pk[m.pk] for m in members if m.pk in by_pk])
            return groups
    raise ValueError(_("Someone else is linking this customer right now; try again."))


def _check_sees_all(by: AbstractBaseUser, contacts: list[Contact], *, refusal: Promise) -> None:
    if not contacts_fully_visible(user=by, contact_ids=[c.pk for c in contacts]):
        raise NotAllowed(str(refusal))


def _changed(contacts: list[Contact]) -> None:
    """Tell the browsers showing a conversation of these contacts that the panel changed."""
    ids = [c.pk for c in contacts]
    accounts = set(
        Conversation.objects.filter(contact__in=ids).values_list("account_id", flat=True)
    )
    realtime.publish(
        [f"account:{a}" for a in accounts],
        {"type": "contact.updated", "contacts": ids},
    )
