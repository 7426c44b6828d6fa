from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "channels_ig"
    verbose_name = _("Instagram")

    def ready(self) -> None:
        from inbox.adapters import register

        from .adapter import InstagramAdapter

        register(InstagramAdapter())
