"""The project's URLs, the test channel's webhook and a bare view to compare it with."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from tests.testchannel.views import webhook

BARE_PATH = "/bench/bare/"
WEBHOOK_PATH = "/webhooks/testchannel/"


@csrf_exempt
def bare(request: HttpRequest) -> HttpResponse:
    """The floor: the same server and middleware, no work at all."""
    return HttpResponse("OK")


urlpatterns = [
    path(BARE_PATH.strip("/") + "/", bare, name="bench-bare"),
    path(WEBHOOK_PATH.strip("/") + "/", webhook, name="bench-webhook"),
    path("", include("socialcare.urls")),
]
