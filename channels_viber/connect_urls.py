from django.urls import path

from . import connect

app_name = "viber_connect"

urlpatterns = [
    path("connect/", connect.connect, name="connect"),
    path("confirm/", connect.confirm, name="confirm"),
]
