from django.urls import path

from . import connect

app_name = "facebook_connect"

urlpatterns = [
    path("connect/", connect.connect, name="connect"),
    path("callback/", connect.callback, name="callback"),
]
