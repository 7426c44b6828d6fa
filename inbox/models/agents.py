from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgentProfile(models.Model):
    """One person's own settings: language, time zone, the sign-off on public replies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile"
    )
    # Empty: the language the browser asks for (or the site's default).
    language = models.CharField(_("language"), max_length=16, blank=True)
    # Empty: the server's TIME_ZONE.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    sign_off = models.BooleanField(
        _("sign public replies with my name"),
        default=True,
        help_text=_("Adds “— your name” under replies the public can see."),
    )

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")

    def __str__(self) -> str:
        return str(self.user)


class ConversationRead(models.Model):
    """When one agent last read a conversation: unread is kept per agent.

    A conversation is unread for an agent while the customer's last message is newer
    than their read_at; "mark unread" sets read_at to None.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_reads"
    )
    conversation = models.ForeignKey(
        "inbox.Conversation", on_delete=models.CASCADE, related_name="reads"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="conversation_read_unique"
            )
        ]
        verbose_name = _("read mark")
        verbose_name_plural = _("read marks")
