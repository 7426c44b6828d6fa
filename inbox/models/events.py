from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.Model):
    """A webhook body exactly as received: committed before the platform gets its 200."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSED = "processed", _("Processed")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=32)
    account = models.ForeignKey(
        "inbox.ChannelAccount",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webhook_events",
    )
    body = models.BinaryField()
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Last time processing was enqueued; the sweep re-enqueues from this.
    queued_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Items in the body that nothing handled (unknown event types, unconnected accounts).
    skipped_items = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            # The sweep's query: pending events by age.
            models.Index(
                fields=["queued_at"],
                name="webhookevent_pending_idx",
                condition=models.Q(processed_at__isnull=True),
            ),
            models.Index(fields=["status", "received_at"], name="webhookevent_status_idx"),
            # The settings screen's health line: the last event per channel and per account.
            models.Index(fields=["kind", "received_at"], name="webhookevent_kind_recv_idx"),
            models.Index(fields=["account", "received_at"], name="webhookevent_account_recv_idx"),
        ]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.kind} event {self.pk} ({self.status})"


class UnroutedEntry(models.Model):
    """Webhook entries for an account that is not connected (yet): counted, per platform id.

    When the account is connected its health shows them, and they can be replayed.
    """

    kind = models.CharField(max_length=32)
    account_external_id = models.CharField(max_length=128)
    count = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "account_external_id"], name="unrouted_kind_account_unique"
            )
        ]
        verbose_name = _("unrouted webhook entry")
        verbose_name_plural = _("unrouted webhook entries")

    def __str__(self) -> str:
        return f"{self.kind} {self.account_external_id}: {self.count}"
