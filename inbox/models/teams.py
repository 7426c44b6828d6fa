from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    LEAD = "lead", _("Team lead")
    ADMIN = "admin", _("Admin")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.AGENT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_user_team_unique")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"


class BusinessHours(models.Model):
    """When a team answers; outside them the away message goes out (channel issues)."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="business_hours")
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # {"mon": [["09:00", "17:00"]], "tue": [...], ...}; a missing day is closed.
    weekly = models.JSONField(_("opening hours"), default=dict, blank=True)
    away_message = models.TextField(_("away message"), blank=True)
    enabled = models.BooleanField(_("enabled"), default=False)

    class Meta:
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")
