app_name = "inbox"

# Pages are filled in by inbox.views.pages (the first inbox).
urlpatterns: list = []
