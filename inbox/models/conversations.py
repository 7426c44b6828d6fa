from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direct message")
        COMMENT = "comment", _("Comment")
        REVIEW = "review", _("Review")
        MENTION = "mention", _("Mention")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FOLLOW_UP = "follow_up", _("Follow-up")
        DONE = "done", _("Done")

    class Priority(models.IntegerChoices):
        NONE = 0, _("None")
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    account = models.ForeignKey(
        "inbox.ChannelAccount", on_delete=models.CASCADE, related_name="conversations"
    )
    contact = models.ForeignKey(
        "inbox.Contact", on_delete=models.PROTECT, related_name="conversations"
    )
    identity = models.ForeignKey(
        "inbox.Identity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # What makes a thread one thread on its platform (a PSID, a top-level comment id...).
    thread_key = models.CharField(max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    unread = models.BooleanField(_("unread"), default=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
    )
    team = models.ForeignKey(
        "inbox.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NONE
    )
    labels = models.ManyToManyField("inbox.Label", blank=True, related_name="conversations")
    # The oldest inbound message not yet answered; None when nobody is waiting.
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    sla_due_at = models.DateTimeField(_("SLA due"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"))
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    # The customer's last message: messaging windows (24 h on Messenger) count from it.
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    snippet = models.CharField(max_length=200, blank=True)
    # The post, tweet or review a comment thread hangs under (text, permalink, picture).
    context = models.JSONField(default=dict, blank=True)
    # A comment taken private continues as a direct conversation: each points at the other.
    linked = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "thread_key"], name="conversation_account_thread_unique"
            )
        ]
        indexes = [
            # The inbox list: one folder, newest activity first, keyset by (time, id).
            models.Index(
                fields=["status", "-last_activity_at", "-id"], name="conv_status_activity_idx"
            ),
            models.Index(
                fields=["assignee", "status", "-last_activity_at"], name="conv_assignee_idx"
            ),
            models.Index(fields=["team", "status", "-last_activity_at"], name="conv_team_idx"),
            models.Index(
                fields=["account", "status", "-last_activity_at"], name="conv_account_idx"
            ),
            models.Index(fields=["status", "waiting_since"], name="conv_waiting_idx"),
            models.Index(fields=["contact"], name="conv_contact_idx"),
            # Folder counts: index-only over the conversations not done.
            models.Index(
                fields=["account", "status", "assignee", "id"],
                name="conv_open_counts_idx",
                condition=~models.Q(status="done"),
            ),
        ]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Message(models.Model):
    class Direction(models.TextChoices):
        IN = "in", _("Inbound")
        OUT = "out", _("Outbound")

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        COMMENT = "comment", _("Comment")
        REVIEW = "review", _("Review")
        MENTION = "mention", _("Mention")
        POST = "post", _("Post")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        FAILED = "failed", _("Failed")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    # Denormalised from the conversation so the platform id can be unique per account.
    account = models.ForeignKey("inbox.ChannelAccount", on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MESSAGE)
    public = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    identity = models.ForeignKey(
        "inbox.Identity", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    external_id = models.CharField(max_length=255, null=True, blank=True)
    parent_external_id = models.CharField(max_length=255, blank=True)
    # Outbound messages sent from another tool (Meta's inbox, a phone) and seen as echoes.
    sent_elsewhere = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When the last attempt started: a send "sending" for long was interrupted.
    sending_since = models.DateTimeField(null=True, blank=True)
    # Failed with an unknown outcome (no answer after sending, a server error): the customer
    # may have it, so it is never resent by itself. An echo of it later marks it sent.
    maybe_sent = models.BooleanField(default=False)
    platform_timestamp = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The platform's state of a message or comment: moderation, edits, removal, reactions.
    hidden = models.BooleanField(default=False)
    liked = models.BooleanField(default=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    # Earlier texts, oldest first: [{"text": ..., "until": iso time}].
    edits = models.JSONField(default=list, blank=True)
    # [{"sender": platform id, "reaction": keyword, "emoji": ...}], one per sender.
    reactions = models.JSONField(default=list, blank=True)
    # When (platform time, ISO) each part of that state last changed: {"text": ...,
    # "hidden": ..., "removed": ..., "reaction:<sender id>": ...}. A change older than the
    # one applied (a replayed or late webhook) is not applied over it.
    change_times = models.JSONField(default=dict, blank=True)
    # Quick-reply / postback payloads, reply-to, referral, echo app id.
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"],
                name="message_account_external_unique",
                condition=models.Q(external_id__isnull=False),
            )
        ]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="message_thread_idx"),
            models.Index(
                fields=["status"],
                name="message_failed_idx",
                condition=models.Q(status="failed"),
            ),
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.direction} {self.pk}: {self.text[:40]}"


class Note(models.Model):
    """Internal: seen by the team, never sent to the customer."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="notes"
    )
    text = models.TextField(_("text"))
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in_notes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")


class Activity(models.Model):
    """Every assignment and status change: the audit trail and the reports' source."""

    class Verb(models.TextChoices):
        CREATED = "created", _("created")
        REOPENED = "reopened", _("reopened")
        STATUS = "status", _("changed status")
        ASSIGNED = "assigned", _("assigned")
        TEAM = "team", _("changed team")
        PRIORITY = "priority", _("changed priority")
        LABELS = "labels", _("changed labels")
        REPLIED = "replied", _("replied")
        SEND_FAILED = "send_failed", _("send failed")
        MODERATED = "moderated", _("moderated a comment")
        TAKEN_PRIVATE = "private", _("continued privately")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="activities"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verb = models.CharField(max_length=16, choices=Verb.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="activity_thread_idx"),
            models.Index(fields=["verb", "created_at"], name="activity_report_idx"),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
