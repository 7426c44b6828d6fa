from django.urls import path

from inbox.views import bulk, composer, conversation, customer, events, live, media, pages, presence

app_name = "inbox"

# Each part of the workspace keeps its routes in its own block.
urlpatterns = [
    # The list: folders, filters, search, bulk actions.
    path("", pages.index, name="index"),
    path("bulk/", bulk.bulk, name="bulk"),
    path("c/<int:pk>/unread/", pages.mark_unread, name="mark_unread"),
    # One conversation and the actions on it.
    path("c/<int:pk>/", conversation.conversation, name="conversation"),
    path("c/<int:pk>/status/", conversation.change_status, name="status"),
    path("c/<int:pk>/assign-to-me/", conversation.assign_to_me, name="assign_to_me"),
    path("c/<int:pk>/messages/<int:message_pk>/retry/", conversation.retry, name="retry"),
    path("c/<int:pk>/messages/<int:message_pk>/moderate/", conversation.moderate, name="moderate"),
    path("c/<int:pk>/assign/", conversation.assign, name="assign"),
    path("c/<int:pk>/labels/", conversation.labels, name="labels"),
    path("c/<int:pk>/priority/", conversation.priority, name="priority"),
    # The customer panel.
    path("c/<int:pk>/customer/", customer.panel, name="customer_panel"),
    path("c/<int:pk>/customer/tags/", customer.tags, name="customer_tags"),
    path("c/<int:pk>/customer/flag/", customer.flag, name="customer_flag"),
    path("c/<int:pk>/customer/notes/", customer.notes, name="customer_notes"),
    path("c/<int:pk>/customer/same-person/", customer.candidates, name="customer_candidates"),
    path("c/<int:pk>/customer/link/", customer.merge, name="customer_merge"),
    path("c/<int:pk>/customer/unlink/", customer.unmerge, name="customer_unmerge"),
    # The composer: replies and notes; canned responses.
    path("c/<int:pk>/reply/", composer.reply, name="reply"),
    path("c/<int:pk>/notes/", composer.note, name="note"),
    path("c/<int:pk>/canned/", composer.canned_suggestions, name="canned_suggestions"),
    path("c/<int:pk>/canned/<int:response_pk>/use/", composer.canned_use, name="canned_use"),
    path("c/<int:pk>/mentionable/", composer.mentionable, name="mentionable"),
    # Live updates and presence.
    path("events/", events.events, name="events"),
    path("folders/", live.folders, name="folders"),
    path("c/<int:pk>/row/", live.row, name="row"),
    path("c/<int:pk>/m/<int:message_pk>/", live.message, name="message"),
    path("c/<int:pk>/presence/", presence.presence, name="presence"),
    # Media, access-checked.
    path("media/<int:message_pk>/<int:index>/", media.attachment, name="media"),
    path("media/avatar/<int:identity_pk>/", media.avatar, name="avatar"),
]
