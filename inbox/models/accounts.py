from django.db import models
from django.utils.translation import gettext_lazy as _

from inbox.fields import EncryptedJSONField


class ChannelAccount(models.Model):
    """A connected Facebook Page, Instagram account, X account or Viber bot."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnect")
        DISABLED = "disabled", _("Disabled")

    # The registered adapter's kind: facebook, instagram, twitter, viber.
    kind = models.CharField(_("channel"), max_length=32)
    external_id = models.CharField(_("platform id"), max_length=128)
    name = models.CharField(_("name"), max_length=200)
    avatar_url = models.URLField(_("avatar"), max_length=1000, blank=True)
    credentials = EncryptedJSONField(_("credentials"), default=dict)
    # Per-account switches (e.g. human-agent tag, reviews on): declared by the adapter.
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.TextField(_("status reason"), blank=True)
    # Polling positions per stream, e.g. {"mentions": "1790..."}.
    cursors = models.JSONField(default=dict, blank=True)
    teams = models.ManyToManyField("inbox.Team", related_name="accounts", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "external_id"], name="account_kind_external_unique"
            )
        ]
        ordering = ["kind", "name"]
        verbose_name = _("channel account")
        verbose_name_plural = _("channel accounts")

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"
