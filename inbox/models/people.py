from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Contact(models.Model):
    """A person, across every channel they write on."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    avatar_url = models.URLField(_("avatar"), max_length=1000, blank=True)
    is_vip = models.BooleanField(_("VIP"), default=False)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Merging links a duplicate to the surviving contact; undo clears the link.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    # Who linked it and when, while the link holds.
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"


class Identity(models.Model):
    """The contact as one channel account knows them (PSIDs are page-scoped)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    account = models.ForeignKey(
        "inbox.ChannelAccount", on_delete=models.CASCADE, related_name="identities"
    )
    external_id = models.CharField(_("platform id"), max_length=128)
    handle = models.CharField(_("handle"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    avatar_url = models.URLField(_("avatar"), max_length=1000, blank=True)
    profile = models.JSONField(_("profile"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"], name="identity_account_external_unique"
            )
        ]
        verbose_name = _("identity")
        verbose_name_plural = _("identities")

    def __str__(self) -> str:
        return self.handle or self.name or self.external_id
