from django.urls import path

from inbox.views import preferences, settings

app_name = "settings"

urlpatterns = [
    path("channels/", settings.channels, name="channels"),
    path("channels/<int:pk>/", settings.channel, name="channel"),
    path("channels/<int:pk>/disconnect/", settings.disconnect, name="disconnect"),
    path("channels/<int:pk>/replay/", settings.replay_unrouted, name="replay"),
    path("me/", preferences.preferences, name="preferences"),
    path("language/", preferences.set_language, name="language"),
]
