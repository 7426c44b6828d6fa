"""The test URLs with the sandbox platforms mounted, as SOCIALCARE_SANDBOX=1 does."""

from django.urls import include, path

from tests.urls import urlpatterns as test_urlpatterns

urlpatterns = [
    path("sandbox/facebook/", include("channels_fb.sandbox.urls")),
    path("sandbox/viber/", include("channels_viber.sandbox.urls")),
    path("sandbox/", include("inbox.sandbox")),
    *test_urlpatterns,
]
