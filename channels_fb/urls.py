from django.urls import path

from . import views

app_name = "channels_fb"

urlpatterns = [
    path("webhooks/facebook/", views.webhook, name="webhook"),
]
