from django.urls import path

from . import views

app_name = "channels_viber"

urlpatterns = [
    path("webhooks/viber/<int:account_id>/", views.webhook, name="webhook"),
]
