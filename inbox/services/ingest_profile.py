"""A customer's profile as the platform's look-up returned it (or why it could not)."""

from django.db import transaction

from inbox.items import Person
from inbox.models import Identity

from .ingest import identity_apply


def identity_profile_apply(
    identity: Identity, person: Person | None, *, unavailable: str = ""
) -> None:
    """Store a fetched profile; remember a refusal so the look-up is not repeated."""
    with transaction.atomic():
        identity = (
            Identity.objects.select_for_update().select_related("contact").get(pk=identity.pk)
        )
        changed = identity_apply(identity, person) if person is not None else []
        identity.profile = {
            **identity.profile,
            "fetched": True,
            **({"unavailable": unavailable} if unavailable else {}),
        }
        identity.save(update_fields=sorted({*changed, "profile"}))
        contact = identity.contact
        contact_fields = []
        if person is not None and person.name and not contact.name:
            contact.name = person.name
            contact_fields.append("name")
        if person is not None and person.avatar_url and not contact.avatar_url:
            contact.avatar_url = person.avatar_url
            contact_fields.append("avatar_url")
        if contact_fields:
            contact.save(update_fields=contact_fields)
