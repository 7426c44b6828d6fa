from django.urls import path

from . import views

app_name = "facebook_sandbox"

urlpatterns = [
    path("graph/<path:path>", views.graph, name="graph"),
    path("<str:version>/dialog/oauth", views.dialog, name="dialog"),
    path("media/<str:name>", views.media, name="media"),
]
