from django.urls import path

from inbox.views import media, pages

app_name = "inbox"

urlpatterns = [
    path("", pages.index, name="index"),
    path("c/<int:pk>/", pages.conversation, name="conversation"),
    path("c/<int:pk>/reply/", pages.reply, name="reply"),
    path("c/<int:pk>/status/", pages.change_status, name="status"),
    path("c/<int:pk>/assign-to-me/", pages.assign_to_me, name="assign_to_me"),
    path("c/<int:pk>/messages/<int:message_pk>/retry/", pages.retry, name="retry"),
    path("c/<int:pk>/messages/<int:message_pk>/moderate/", pages.moderate, name="moderate"),
    path("media/<int:message_pk>/<int:index>/", media.attachment, name="media"),
    path("media/avatar/<int:identity_pk>/", media.avatar, name="avatar"),
]
