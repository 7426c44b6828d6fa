"""socialcare settings: one module, every value read from the environment.

The defaults run on a laptop with no server (SQLite and a filesystem Celery broker
under var/); DATABASE_URL and REDIS_URL switch to the production shape.
"""

import base64
import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SOCIALCARE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SANDBOX = env_bool("SOCIALCARE_SANDBOX")
# The sandbox's app secret and bot tokens are published in this repository, so with it on
# anyone could sign webhooks as Facebook or Viber: it is for the demo and tests only.
if SANDBOX and not DEBUG:
    raise ImproperlyConfigured(
        "SOCIALCARE_SANDBOX is on while DEBUG is off. The sandbox signs webhooks with a public "
        "app secret and mounts fake platforms, so anyone could forge deliveries: never run it "
        "in production. Unset SOCIALCARE_SANDBOX (or set it to 0), or set DEBUG=1 for the "
        "local demo."
    )

# Development keys exist only so `make run` and `make test` work out of the box. Without
# DEBUG they are refused: a production install must set its own.
_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))"), '
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = _DEV_SECRET
elif not DEBUG and (
    len(SECRET_KEY) < 32 or SECRET_KEY == _DEV_SECRET or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 32 random characters "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )

FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEY")
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY is not set. It encrypts channel tokens at rest; generate one "
            'with `python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"`'
            " (several, comma-separated, rotate keys: the first encrypts, all decrypt), "
            "or set DEBUG=1 for local development."
        )
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(_DEV_SECRET.encode()).digest()).decode()
    ]
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        if len(base64.urlsafe_b64decode(_key.encode())) != 32:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be Fernet keys: 32 bytes, url-safe base64 encoded "
            "(44 characters), comma-separated."
        ) from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" + (",*" if DEBUG else ""))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SOCIALCARE_PUBLIC_URL = os.environ.get("SOCIALCARE_PUBLIC_URL", "http://localhost:8000").rstrip("/")
# Where the worker reaches this server's sandbox platforms (make run sets it from PORT).
SOCIALCARE_SANDBOX_URL = os.environ.get(
    "SOCIALCARE_SANDBOX_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    # Counts failed sign-ins and locks them out (inbox.signin).
    "axes",
    "inbox",
    "channels_fb.apps.Config",
    "channels_ig.apps.Config",
    "channels_twitter.apps.Config",
    "channels_viber.apps.Config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "inbox.signin.IdleSessionMiddleware",
    "inbox.middleware.AgentLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as its documentation asks: it turns a lockout into inbox.signin's answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "socialcare.urls"
WSGI_APPLICATION = "socialcare.wsgi.application"
ASGI_APPLICATION = "socialcare.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'socialcare.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # Writers queue for the lock instead of failing at once: web, worker and beat share
        # one file in the embedded setup.
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not :memory:, so that test threads and an in-test Celery worker share it.
    # Named per process so parallel test runs on one machine do not share it.
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-socialcare-{os.getpid()}.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_POOL", True):
    _db["OPTIONS"] = {
        "pool": {"min_size": 0, "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "10"))}
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = _db["ENGINE"] == "django.db.backends.postgresql"

# --- Redis / Celery ---------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Seconds every Redis client (cache, broker, live stream) waits to connect and for each
# answer, so a host that vanished or never answers costs a request this long, not a hang:
# a webhook is still answered 200 within Meta's 5 s (see inbox.outage).
REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "2"))
BROKER_DIR = VAR_DIR / "broker"

if REDIS_URL:
    _redis_timeouts = {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, **_redis_timeouts}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": _redis_timeouts,
        }
    }
else:
    for sub in ("in", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "in"),
        "data_folder_out": str(BROKER_DIR / "in"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        # Quick pickup of new tasks and a worker that stops before honcho's 5 s kill.
        "polling_interval": 0.2,
        "store_processed": False,
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
# A task is acknowledged only after it ran, so a worker crash redelivers it; the send task
# is written to be safe under redelivery (see inbox.services.sending).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Give up publishing quickly when the broker is down: the stored row is the record of the
# work and the sweep enqueues it later, so a webhook still gets its 200 at once.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    # One retry, on a fresh connection (a pooled one may be stale after a Redis restart);
    # with REDIS_TIMEOUT per attempt, a dead host costs a publish seconds at most.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_TASK_DEFAULT_QUEUE = "ingest"
# Separate queues so a send backlog never delays ingest, and polling never delays either.
CELERY_TASK_ROUTES = {
    "inbox.tasks.process_webhook_event": {"queue": "ingest"},
    "inbox.tasks.sweep_unprocessed_events": {"queue": "ingest"},
    "inbox.tasks.send_message": {"queue": "send"},
    "channels_*.tasks.poll_*": {"queue": "poll"},
    "channels_*.tasks.backfill_*": {"queue": "poll"},
    # Reads from platforms (profiles, posts, media): slow calls never hold up ingest.
    "inbox.tasks.enrich_conversations": {"queue": "poll"},
    "inbox.tasks.download_media": {"queue": "poll"},
}
CELERY_BEAT_SCHEDULE = {
    "sweep-unprocessed-webhook-events": {
        "task": "inbox.tasks.sweep_unprocessed_events",
        "schedule": 30.0,
    },
    # A bot has a single webhook another system can take over: check it is still ours.
    "viber-webhook-check": {
        "task": "channels_viber.tasks.poll_viber_webhooks",
        "schedule": 30 * 60.0,
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

SOCIALCARE_SWEEP_AFTER_SECONDS = int(os.environ.get("SOCIALCARE_SWEEP_AFTER_SECONDS", "60"))
SOCIALCARE_SEND_MAX_ATTEMPTS = int(os.environ.get("SOCIALCARE_SEND_MAX_ATTEMPTS", "6"))
SOCIALCARE_SEND_BACKOFF_BASE = float(os.environ.get("SOCIALCARE_SEND_BACKOFF_BASE", "2"))
SOCIALCARE_SEND_BACKOFF_MAX = float(os.environ.get("SOCIALCARE_SEND_BACKOFF_MAX", "600"))
SOCIALCARE_SLA_MINUTES = int(os.environ.get("SOCIALCARE_SLA_MINUTES", "60"))
# The live stream (SSE): a comment this often keeps proxies from closing it; it ends after
# the maximum so the browser reconnects (and picks up team changes).
SOCIALCARE_SSE_KEEPALIVE = float(os.environ.get("SOCIALCARE_SSE_KEEPALIVE", "15"))
SOCIALCARE_SSE_MAX_SECONDS = float(os.environ.get("SOCIALCARE_SSE_MAX_SECONDS", "300"))

# --- Facebook Page channel (see ../shared/channels/meta.md) ----------------------------------
# The channel is on when its app secret is set (the sandbox brings its own app). Setting
# the other values without the secret is a mistake, so start-up stops and says so.
FACEBOOK_APP_ID = os.environ.get("FACEBOOK_APP_ID", "sandbox-app" if SANDBOX else "")
FACEBOOK_APP_SECRET = os.environ.get(
    "FACEBOOK_APP_SECRET", "sandbox-app-secret-not-for-production" if SANDBOX else ""
)
FACEBOOK_VERIFY_TOKEN = os.environ.get(
    "FACEBOOK_VERIFY_TOKEN", "sandbox-verify-token" if SANDBOX else ""
)
if not FACEBOOK_APP_SECRET and (
    os.environ.get("FACEBOOK_APP_ID") or os.environ.get("FACEBOOK_VERIFY_TOKEN")
):
    raise ImproperlyConfigured(
        "FACEBOOK_APP_SECRET is not set. The Facebook channel is configured "
        "(FACEBOOK_APP_ID or FACEBOOK_VERIFY_TOKEN is set) but webhooks cannot be verified "
        "without the app secret: set FACEBOOK_APP_SECRET, or unset the other FACEBOOK_ values."
    )
FACEBOOK_ENABLED = bool(FACEBOOK_APP_SECRET)
FACEBOOK_GRAPH_URL = os.environ.get(
    "FACEBOOK_GRAPH_URL",
    f"{SOCIALCARE_SANDBOX_URL}/sandbox/facebook/graph" if SANDBOX else "https://graph.facebook.com",
).rstrip("/")
FACEBOOK_GRAPH_VERSION = os.environ.get("FACEBOOK_GRAPH_VERSION", "v26.0")
# Where the admin's browser is sent for Facebook Login ("" = this server, in the sandbox).
FACEBOOK_DIALOG_URL = os.environ.get(
    "FACEBOOK_DIALOG_URL", "/sandbox/facebook" if SANDBOX else "https://www.facebook.com"
).rstrip("/")
# Catching up on what webhooks missed: how far back after a (re)connect, and how often.
FACEBOOK_BACKFILL_DAYS = int(os.environ.get("FACEBOOK_BACKFILL_DAYS", "3"))
FACEBOOK_POLL_MINUTES = int(os.environ.get("FACEBOOK_POLL_MINUTES", "10"))
if FACEBOOK_ENABLED:
    CELERY_BEAT_SCHEDULE["facebook-catch-up"] = {
        "task": "channels_fb.tasks.poll_facebook",
        "schedule": FACEBOOK_POLL_MINUTES * 60.0,
    }

# --- Viber bots (see ../shared/channels/viber.md) -------------------------------------------
# Each bot's webhook is registered as SOCIALCARE_PUBLIC_URL/webhooks/viber/<account id>/.
VIBER_API_URL = os.environ.get(
    "VIBER_API_URL",
    f"{SOCIALCARE_SANDBOX_URL}/sandbox/viber/api" if SANDBOX else "https://chatapi.viber.com/pa",
).rstrip("/")

# --- Auth, API ----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox:index"
LOGOUT_REDIRECT_URL = "login"

# Sign-in protection (inbox.signin). Axes' backend goes first: a locked-out sign-in is
# refused before a password is even checked, the right one included.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SOCIALCARE_LOGIN_FAILURE_LIMIT = int(os.environ.get("SOCIALCARE_LOGIN_FAILURE_LIMIT", "5"))
SOCIALCARE_LOGIN_ADDRESS_FAILURE_LIMIT = max(
    SOCIALCARE_LOGIN_FAILURE_LIMIT,
    int(os.environ.get("SOCIALCARE_LOGIN_ADDRESS_FAILURE_LIMIT", "20")),
)
SOCIALCARE_LOGIN_COOLOFF_MINUTES = int(os.environ.get("SOCIALCARE_LOGIN_COOLOFF_MINUTES", "15"))
AXES_FAILURE_LIMIT = SOCIALCARE_LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = "inbox.signin.lockout_parameters"
AXES_COOLOFF_TIME = "inbox.signin.cool_off"
AXES_RESET_ON_SUCCESS = True
# No log of successful sign-ins (last_login says when): axes would start a session for it,
# on every token sign-in too.
AXES_DISABLE_ACCESS_LOG = True
# Tries during a lock are refused but not counted: the wait is from the last real failure.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "inbox.signin.lockout_response"
# The client's address is REMOTE_ADDR: behind a proxy, uvicorn's --proxy-headers sets it
# from X-Forwarded-For for the proxies FORWARDED_ALLOW_IPS trusts.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_VERBOSE = False
# A session nobody uses ends after this long (the live stream does not count as use).
SOCIALCARE_SESSION_IDLE_MINUTES = int(os.environ.get("SOCIALCARE_SESSION_IDLE_MINUTES", "720"))
SESSION_COOKIE_AGE = SOCIALCARE_SESSION_IDLE_MINUTES * 60

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: DRF's browsable pages need querysets our views do not declare (a browser
    # asking for HTML got a 500) and carry inline styles the Content-Security-Policy blocks.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Counted in the cache; with Redis down every request is let through (see the module).
    "DEFAULT_THROTTLE_CLASSES": [
        "inbox.api.throttling.AnonRateThrottle",
        "inbox.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("SOCIALCARE_API_THROTTLE_ANON", "60/min"),
        "user": os.environ.get("SOCIALCARE_API_THROTTLE_USER", "1000/min"),
        # POST /api/v1/auth/token/, per address: slowed before axes locks it.
        "auth-token": os.environ.get("SOCIALCARE_API_THROTTLE_TOKEN", "10/min"),
    },
    # The API reads JSON only: one way to send a boolean or a list, as the schema says.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "inbox.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "socialcare API",
    "DESCRIPTION": "Conversations, messages, replies and notes of the unified social-care inbox.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get their own components, so they carry what input must be (a title
    # of at least one character) apart from what output is.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "inbox.api.schema.add_error_responses",
    ],
}

# --- i18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("el", _("Greek")),
    ("be", _("Belarusian")),
    ("he", _("Hebrew")),
    ("ru", _("Russian")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads it to send X-CSRFToken.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG and env_bool("SECURE_COOKIES", True):
    SESSION_COOKIE_SECURE = env_bool(
        "SESSION_COOKIE_SECURE", SOCIALCARE_PUBLIC_URL.startswith("https")
    )
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS only, once the public address is https (never under DEBUG: `make run` is plain http).
# The TLS proxy in front says the scheme in X-Forwarded-Proto, and uvicorn's --proxy-headers
# puts it in the ASGI scope for the proxies FORWARDED_ALLOW_IPS trusts; request.is_secure()
# reads it there. SECURE_PROXY_SSL_HEADER stays unset: it would believe that header from
# any sender, past uvicorn's list of trusted proxies.
SOCIALCARE_HTTPS = SOCIALCARE_PUBLIC_URL.startswith("https://") and not DEBUG
SECURE_SSL_REDIRECT = SOCIALCARE_HTTPS and env_bool("SOCIALCARE_SSL_REDIRECT", True)
# The container's health check calls http://127.0.0.1:8000/healthz itself, past the proxy.
# Webhooks are not exempt: platforms call the https address only, and a plain-http request
# that reaches us has bypassed the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Browsers then refuse plain http for this host for that long, certificate warnings
# included; a year is what browsers' preload lists ask. Sent on https responses only.
SECURE_HSTS_SECONDS = (
    int(os.environ.get("SOCIALCARE_HSTS_SECONDS", str(365 * 24 * 3600))) if SOCIALCARE_HTTPS else 0
)
# Opt-in: they bind every subdomain of the host, and (preload) cannot be undone quickly.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SOCIALCARE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SOCIALCARE_HSTS_PRELOAD")

# Content-Security-Policy: scripts and styles only from our own static files, so injected
# markup can run nothing (templates carry no inline script, handler or style attribute).
# Images: ours, data: URLs, and https for what platforms host (page avatars, post pictures:
# linked, not copied; customers' avatars and attachments are copied and served by us).
_CSP_IMAGES = [CSP.SELF, "data:", "https:"]
if SANDBOX:
    # The sandbox's pictures come from SOCIALCARE_SANDBOX_URL, which may be another origin.
    _CSP_IMAGES.append(SOCIALCARE_SANDBOX_URL)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": _CSP_IMAGES,
    "connect-src": [CSP.SELF],  # fetches and the live stream (SSE)
    "frame-ancestors": [CSP.NONE],
    # Facebook Login is reached by links and redirects, never by submitting a form to it.
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# The OpenAPI schema needs a signed-in user or a token unless this opens it to anyone.
SOCIALCARE_API_SCHEMA_PUBLIC = env_bool("SOCIALCARE_API_SCHEMA_PUBLIC")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Failed sign-ins and lockouts are warnings; axes' step-by-step INFO is noise.
        "axes": {"level": "WARNING"},
    },
}
