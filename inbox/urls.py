from django.urls import path

from inbox.views import composer, conversation, media, pages

app_name = "inbox"

# Each part of the workspace keeps its routes in its own block.
urlpatterns = [
    # The list: folders, filters, search, bulk actions.
    path("", pages.index, name="index"),
    # One conversation and the actions on it.
    path("c/<int:pk>/", conversation.conversation, name="conversation"),
    path("c/<int:pk>/status/", conversation.change_status, name="status"),
    path("c/<int:pk>/assign-to-me/", conversation.assign_to_me, name="assign_to_me"),
    path("c/<int:pk>/messages/<int:message_pk>/retry/", conversation.retry, name="retry"),
    path("c/<int:pk>/messages/<int:message_pk>/moderate/", conversation.moderate, name="moderate"),
    # The customer panel.
    # The composer: replies and notes; canned responses.
    path("c/<int:pk>/reply/", composer.reply, name="reply"),
    # Live updates and presence.
    # Media, access-checked.
    path("media/<int:message_pk>/<int:index>/", media.attachment, name="media"),
    path("media/avatar/<int:identity_pk>/", media.avatar, name="avatar"),
]
