import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialcare.settings")

app = Celery("socialcare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _fresh_database_pool(**_: object) -> None:
    # A prefork child must not reuse the parent's pooled PostgreSQL sockets.
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        close_pool = getattr(conn, "close_pool", None)
        if close_pool:
            close_pool()
        conn.close()
