from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "channels_twitter"
    verbose_name = _("X (Twitter)")

    def ready(self) -> None:
        from inbox.adapters import register

        from .adapter import TwitterAdapter

        register(TwitterAdapter())
