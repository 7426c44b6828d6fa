"""The canned responses page, mounted at /canned/."""

from django.urls import path

from inbox.views import canned

app_name = "canned"

urlpatterns = [
    path("", canned.canned_list, name="list"),
    path("new/", canned.canned_new, name="new"),
    path("preview/", canned.canned_preview, name="preview"),
    path("<int:pk>/", canned.canned_edit, name="edit"),
    path("<int:pk>/delete/", canned.canned_delete, name="delete"),
]
