from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "channels_fb"
    verbose_name = _("Facebook Page")

    def ready(self) -> None:
        from inbox.adapters import register

        from .adapter import FacebookAdapter

        register(FacebookAdapter())
