from django.conf import settings
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from . import auth, views

app_name = "api"


class SchemaReader(IsAuthenticated):
    """The schema maps every endpoint and what it accepts, a map for an attacker too: for
    signed-in users and tokens, unless SOCIALCARE_API_SCHEMA_PUBLIC opens it (read at each
    request, so the setting needs no change of URLs)."""

    def has_permission(self, request, view) -> bool:
        return settings.SOCIALCARE_API_SCHEMA_PUBLIC or super().has_permission(request, view)


# No browsable docs page: drf-spectacular's Swagger and Redoc pages load their scripts from
# a CDN, and socialcare serves no third-party assets. Any OpenAPI tool can read the schema.
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[SchemaReader]), name="schema"),
    path("auth/token/", auth.TokenCreate.as_view(), name="auth-token"),
    path("conversations/", views.ConversationList.as_view(), name="conversations"),
    path("conversations/<int:pk>/", views.ConversationDetail.as_view(), name="conversation"),
    path(
        "conversations/<int:pk>/messages/",
        views.ConversationMessages.as_view(),
        name="conversation-messages",
    ),
    path(
        "conversations/<int:pk>/replies/",
        views.ConversationReplies.as_view(),
        name="conversation-replies",
    ),
    path(
        "conversations/<int:pk>/notes/",
        views.ConversationNotes.as_view(),
        name="conversation-notes",
    ),
    path("messages/<int:pk>/retry/", views.MessageRetry.as_view(), name="message-retry"),
    path("messages/<int:pk>/moderate/", views.MessageModerate.as_view(), name="message-moderate"),
    path("canned-responses/", views.CannedResponses.as_view(), name="canned-responses"),
    path(
        "canned-responses/<int:pk>/",
        views.CannedResponseDetail.as_view(),
        name="canned-response",
    ),
    path("accounts/", views.Accounts.as_view(), name="accounts"),
    path("labels/", views.Labels.as_view(), name="labels"),
    path("teams/", views.Teams.as_view(), name="teams"),
    # Last: any other path under the API is a JSON 404, not the site's HTML page.
    re_path(r"", views.no_such_endpoint),
]
