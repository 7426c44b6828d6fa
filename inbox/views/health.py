"""/healthz: can this process reach its database and its broker?"""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from socialcare.celery import app as celery_app


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return f"error: {type(exc).__name__}"


def _broker() -> str:
    """One attempt, bounded by the broker's connect and socket timeouts (REDIS_TIMEOUT):
    a probe that hangs on a dead host would fail the orchestrator's check without saying
    what is down."""
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0)
        return "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        transport = str(celery_app.conf.broker_url).split("://", 1)[0]
        return f"error: {transport} unreachable ({type(exc).__name__})"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "broker": _broker()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
