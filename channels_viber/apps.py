from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "channels_viber"
    verbose_name = _("Viber")

    def ready(self) -> None:
        from inbox.adapters import register

        from .adapter import ViberAdapter

        register(ViberAdapter())
