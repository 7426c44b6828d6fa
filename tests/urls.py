"""The project's URLs plus the test channel's webhook."""

from django.urls import path

from socialcare.urls import urlpatterns as project_urlpatterns
from tests.testchannel.views import webhook

urlpatterns = [path("webhooks/testchannel/", webhook), *project_urlpatterns]
