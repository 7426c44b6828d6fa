"""The project's settings plus the bench's URLconf and app.

DEBUG stays on in the environment only so the project's settings start without
production keys; the code under measurement runs with DEBUG off, as in production
(no SQL logging, no debug cursors).
"""

from socialcare.settings import *  # noqa: F403

DEBUG = False
INSTALLED_APPS = [*INSTALLED_APPS, "bench.BenchConfig"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
# The load generator's requests are not worth a log line each.
LOGGING["loggers"]["uvicorn.access"] = {"level": "WARNING"}  # noqa: F405
