from django.contrib import admin

from inbox import models


@admin.register(models.ChannelAccount)
class ChannelAccountAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "external_id", "status"]
    list_filter = ["kind", "status"]
    exclude = ["credentials"]


@admin.register(models.WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "received_at", "attempts", "skipped_items"]
    list_filter = ["kind", "status"]
    readonly_fields = ["body", "last_error"]


admin.site.register([models.Team, models.Membership, models.Label, models.CannedResponse])
