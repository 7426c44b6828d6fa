from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from inbox.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("inbox.api.urls")),
    path("settings/", include("inbox.settings_urls")),
    path("canned/", include("inbox.canned_urls")),
    path("settings/channels/facebook/", include("channels_fb.connect_urls")),
    path("settings/channels/viber/", include("channels_viber.connect_urls")),
    path("", include("channels_fb.urls")),
    path("", include("channels_viber.urls")),
    path("", include("inbox.urls")),
]

if settings.SANDBOX:
    urlpatterns.append(path("sandbox/facebook/", include("channels_fb.sandbox.urls")))
    urlpatterns.append(path("sandbox/viber/", include("channels_viber.sandbox.urls")))
    urlpatterns.append(path("sandbox/", include("inbox.sandbox")))
