from django.urls import path

from . import views

app_name = "viber_sandbox"

urlpatterns = [
    path("api/<path:path>", views.api, name="api"),
    path("media/<str:name>", views.media, name="media"),
]
