"""Rootwise settings, read from the environment (12-factor).

With DEBUG on (local work, `make run`, the test suite) every secret has a development default.
With DEBUG off the process refuses to start unless SECRET_KEY and JWT_SIGNING_KEY are set.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers
from django.core.exceptions import ImproperlyConfigured

from api.timezones import is_time_zone

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str, development_default: str) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if DEBUG:
        return development_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY", "dev-only-secret-key-not-for-production-0123456789abcdef")
JWT_SIGNING_KEY = env_secret(
    "JWT_SIGNING_KEY", "dev-only-jwt-signing-key-not-for-production-9876543210"
)
if SECRET_KEY == JWT_SIGNING_KEY:
    raise ImproperlyConfigured("JWT_SIGNING_KEY must differ from SECRET_KEY.")

# Keys for clinical free text encrypted at rest (Fernet keys, comma-separated). The first
# encrypts; all decrypt, so a new key is put first and `manage.py rotate_encryption_keys`
# re-encrypts everything with it before the old one is removed.
FIELD_ENCRYPTION_KEYS = [
    key.strip()
    for key in env_secret(
        "FIELD_ENCRYPTION_KEYS", "FvY_vVQdd23L_Hcx5cga5bdtiIObFmrX-PKwkPPP2_A="
    ).split(",")
    if key.strip()
]
if SECRET_KEY in FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must not contain SECRET_KEY.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
# A front end on another origin sends and reads every header the API documents (api-guide.md):
# a browser refuses a request header the preflight does not allow, and hides a response header
# that is not exposed.
CORS_ALLOW_HEADERS = [*default_headers, "if-match", "idempotency-key", "x-request-id"]
CORS_EXPOSE_HEADERS = [
    "ETag",
    "X-Request-ID",
    "Idempotent-Replayed",
    "Content-Disposition",
    "Retry-After",
]

INSTALLED_APPS = [
    # First, so that its `runserver` (api/management/commands) is the one `manage.py` runs.
    "api.apps.ApiConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api.auth.apps.AccountsConfig",
    "api.audit.apps.AuditConfig",
    "api.events.apps.EventsConfig",
    "api.idempotency.apps.IdempotencyConfig",
    "clients.apps.ClientsConfig",
    "sessions.apps.TherapySessionsConfig",
    "assessments.apps.AssessmentsConfig",
    "progress.apps.ProgressConfig",
    "demo.apps.DemoConfig",
]

# With DEBUG off, WhiteNoise serves the docs pages' assets (after `collectstatic`), so Swagger UI
# and Redoc work with no network; with DEBUG on, runserver serves them from the installed apps.
MIDDLEWARE = [
    "api.middleware.RequestIdMiddleware",
    "api.tenancy.RequestWithoutPracticeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "api.middleware.NoStoreMiddleware",
    "api.replica.ReadYourWritesMiddleware",
]

ROOT_URLCONF = "api.urls"
CSRF_FAILURE_VIEW = "api.exceptions.csrf_failure"
WSGI_APPLICATION = "api.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

# Gunicorn's sync workers serve one request at a time, each keeping one connection: at most
# WEB_CONCURRENCY in all. Django's development server (`make run`) starts a thread per
# connection, and kept connections outlive their threads: a front end's parallel requests
# piled them up to PostgreSQL's limit ("too many clients already"). There, none is kept.
SERVING_WITH_RUNSERVER = sys.argv[1:2] == ["runserver"]
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(
            os.environ.get("DB_CONN_MAX_AGE", "0" if SERVING_WITH_RUNSERVER else "60")
        ),
        conn_health_checks=True,
    )
}
# Django's PostgreSQL backend, but a kept connection is health-checked (a round trip) only after
# sitting idle this long between requests (api/postgresql/base.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "api.postgresql"
DB_HEALTH_CHECK_AFTER_IDLE_SECONDS = float(
    os.environ.get("DB_HEALTH_CHECK_AFTER_IDLE_SECONDS", "1")
)
# DB_POOLER=transaction: DATABASE_URL names a PgBouncer in transaction mode, which lends a
# server connection for one transaction at a time (docs/deployment.md, "Beyond one machine").
DB_POOLER = os.environ.get("DB_POOLER", "").strip().lower()
if DB_POOLER not in ("", "transaction"):
    raise ImproperlyConfigured('DB_POOLER must be "transaction" or unset.')
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # With the database down, fail fast (a 503) rather than hang a worker.
            "connect_timeout": int(os.environ.get("DB_CONNECT_TIMEOUT", "3")),
            # Planning for short queries over data in memory (docs/performance.md): JIT cost
            # ~20 ms per list query at practice scale and saved nothing; the default
            # random_page_cost (4, for spinning disks) scanned the whole practice's clients
            # instead of looking up the caseload's 200 (5 ms, not 1.8, at 20,000 clients).
            "options": "-c jit=off -c random_page_cost=1.1",
        }
    )
    if DB_POOLER == "transaction":
        # PgBouncer refuses the `options` startup parameter: the same two settings are set on
        # the app role instead (ALTER ROLE … SET, docs/deployment.md), so every server
        # connection it opens starts with them.
        del DATABASES["default"]["OPTIONS"]["options"]
        # A prepared statement lives on one server connection, which the next transaction
        # may not get; PgBouncer carries them across only from 1.21 (Debian 12 has 1.18).
        # Django's default, kept whatever it becomes.
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None
        # A server-side cursor outside a transaction (holdable) would be fetched from on
        # whichever connection comes next; `.iterator()` reads its rows client-side instead.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
else:
    # `make run` serves a front end's parallel requests from one SQLite file. WAL lets reads go
    # on while one transaction writes; IMMEDIATE takes the write lock when a transaction begins,
    # so a writer waits its turn (up to the busy timeout) instead of failing with "database is
    # locked" halfway, when upgrading a read lock could deadlock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,  # seconds
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )
# A read replica (docs/deployment.md, "Read replica"): a PostgreSQL hot standby of the primary,
# which serves the reads of lists and reports that may be seconds stale (api/replica.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL.")
    _replica = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    _replica["ENGINE"] = DATABASES["default"]["ENGINE"]
    _replica["OPTIONS"] = {
        **DATABASES["default"]["OPTIONS"],
        **_replica.get("OPTIONS", {}),
        # A replica that does not answer at once is passed over for the primary.
        "connect_timeout": int(os.environ.get("DB_REPLICA_CONNECT_TIMEOUT", "1")),
    }
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["api.db_router.ReplicaRouter"]
# Seconds a user's reads stay on the primary after they wrote, so that they see their writes.
REPLICA_READ_YOUR_WRITES_SECONDS = int(os.environ.get("REPLICA_READ_YOUR_WRITES_SECONDS", "5"))
# Seconds the primary serves every read after the replica could not be reached.
REPLICA_RETRY_SECONDS = int(os.environ.get("REPLICA_RETRY_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Throttle counters, sign-in lock-outs and Idempotency-Key claims must be shared by every app
# process: Redis when REDIS_URL is set, otherwise a table in the database (never memory).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "rootwise_cache",
            # Entries expire on their own; the default cap (300) would cull live ones early.
            "OPTIONS": {"MAX_ENTRIES": 10_000_000},
        }
    }

# Background tasks (api/celery.py, api/tasks.py). With a broker, `celery -A api worker` runs
# them and `celery -A api beat` sends the periodic ones; without one (`make run`), a task runs
# in-process when it is sent, retries included, and a failure is logged as a worker logs it
# rather than raised to the sender (Celery's eager propagation skips retries). The broker
# is REDIS_URL's database unless CELERY_BROKER_URL names another: Django's `cache.clear()`
# empties the whole Redis database, queued tasks included.
_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or ""
CELERY_TASK_ALWAYS_EAGER = not _BROKER_URL
# Without a broker nothing is queued: the in-process transport keeps Celery from reaching for
# its default broker on localhost.
CELERY_BROKER_URL = _BROKER_URL or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = False
# Tasks leave their effects in the database or an outbox, never in a result: no result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A task is acknowledged once it has run, so one lost with its worker runs again elsewhere
# (tasks are idempotent); each worker process holds one task at a time, none waiting behind it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged task to another worker after this; it must outlast the longest
# retry delay (api/tasks.py) and time limit. A process sending a task while Redis restarts
# keeps trying, every second or so, for up to 15 s (connecting, then publishing): a request
# whose write has committed then still answers, rather than failing before its task is queued.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "connect_retries_timeout": 15,
    "interval_start": 0,
    "interval_step": 1,
    "interval_max": 2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 15,
    "interval_start": 0,
    "interval_step": 1,
    "interval_max": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Seconds: a task is told to stop (SoftTimeLimitExceeded), then its process is replaced.
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "60"))
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 30
# JSON only: a message can never make a worker unpickle code.
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the workers log as LOGGING below says
# The periodic tasks: with a broker, `celery -A api beat` sends them; without one,
# `manage.py run_scheduler` (beside `make run`'s server) runs them in-process.
CELERY_BEAT_SCHEDULE = {
    "measures-tick": {"task": "assessments.measures.tasks.tick", "schedule": 60.0},
    "webhooks-dispatch": {"task": "api.events.tasks.dispatch", "schedule": 5.0},
    "idempotency-purge": {"task": "api.idempotency.tasks.purge", "schedule": 3600.0},
}
CELERY_IMPORTS = ["assessments.measures.tasks", "api.events.tasks", "api.idempotency.tasks"]

# Webhooks (docs/webhooks.md): how long a receiver has to answer a delivery, in seconds.
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))

# Email: SMTP when EMAIL_HOST is set, and always with DEBUG off; the console under `make run`.
# EMAIL_BACKEND names another backend outright (the file backend, with EMAIL_FILE_PATH).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST or not DEBUG
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Rootwise <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Where clients open their measure links (this server, as the world reaches it) and where
# clinicians sign in (the front end's address), for the links in the messages Rootwise sends.
ROOTWISE_PUBLIC_URL = os.environ.get("ROOTWISE_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
ROOTWISE_SIGN_IN_URL = os.environ.get("ROOTWISE_SIGN_IN_URL", ROOTWISE_PUBLIC_URL + "/")
# Text messages: a provider's backend (assessments/measures/sms.py); the console's by default.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "assessments.measures.sms.ConsoleBackend")

# Request bodies are small JSON documents; anything larger is refused with a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_REQUEST_BYTES", str(1024 * 1024)))

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
# The time zone of a practice created without one (an IANA name). Dates derived from moments
# ("today", the day of a session) are each practice's own local dates: see api/timezones.py.
PRACTICE_TIME_ZONE = os.environ.get("PRACTICE_TIME_ZONE", "").strip() or "UTC"
if not is_time_zone(PRACTICE_TIME_ZONE):
    raise ImproperlyConfigured(
        "PRACTICE_TIME_ZONE must be an IANA time zone name such as Europe/London, "
        f"not {PRACTICE_TIME_ZONE!r}."
    )

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.authentication.BearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPage",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.StrictFilterBackend", "api.filters.ListOrdering"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.problem_exception_handler",
    # Throttles live in api/throttles/: the `login` rate is SignInRateThrottle's.
    "DEFAULT_THROTTLE_RATES": {
        "login": os.environ.get("LOGIN_THROTTLE_RATE", "20/minute"),
        # Opening and submitting client measure links (assessments/measures/throttles.py).
        "measure_link_address": os.environ.get("MEASURE_LINK_ADDRESS_RATE", "120/hour"),
        "measure_link_token": os.environ.get("MEASURE_LINK_TOKEN_RATE", "30/hour"),
        # Calendar feeds (sessions/calendar): providers fetch from shared addresses.
        "calendar_feed_address": os.environ.get("CALENDAR_FEED_ADDRESS_RATE", "600/hour"),
        "calendar_feed_token": os.environ.get("CALENDAR_FEED_TOKEN_RATE", "60/hour"),
    },
    # Throttles key on the client address: REMOTE_ADDR, unless NUM_PROXIES trusted proxies in
    # front of the app set X-Forwarded-For (never trust a client-supplied header by default).
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(
        minutes=min(15, int(os.environ.get("ACCESS_TOKEN_MINUTES", "10")))
    ),
    "REFRESH_TOKEN_LIFETIME": timedelta(hours=12),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "LEEWAY": 0,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Rootwise API",
    "DESCRIPTION": (
        "Rootwise helps therapy practices keep client records, record sessions, tag the roots "
        "of insecurity that present, assign homework from a fixed strategy set and follow "
        "progress across standardized assessments. Every error is an RFC 9457 problem "
        "document (application/problem+json)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/(api/v1|health)",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "api.auth.models.Role",
        "AuditActionEnum": "api.audit.models.AuditAction",
        "AuditOutcomeEnum": "api.audit.models.AuditOutcome",
        "RootCodeEnum": "api.vocabulary.Root",
        "StrategyCodeEnum": "api.vocabulary.Strategy",
        "ClientStatusEnum": "clients.models.ClientStatus",
        "SessionStatusEnum": "sessions.models.SessionStatus",
        "ModalityEnum": "sessions.models.Modality",
        "SessionKindEnum": "sessions.models.SessionKind",
        "RiskLevelEnum": "sessions.models.RiskLevel",
        "HomeworkStatusEnum": "sessions.homework.models.HomeworkStatus",
        "InstrumentCodeEnum": "assessments.instruments.INSTRUMENT_CHOICES",
        "AssessmentSourceEnum": "assessments.models.AssessmentSource",
        "RecordableAssessmentSourceEnum": "assessments.models.RECORDABLE_SOURCES",
        "SeverityEnum": "assessments.serializers.SEVERITY_CHOICES",
        "RiskFlagKindEnum": "assessments.serializers.FLAG_CHOICES",
        "DirectionEnum": "assessments.serializers.DIRECTION_CHOICES",
        "ReliableChangeLabelEnum": "assessments.outcomes.ReliableChangeLabel.choices",
        "PairedOutcomeStatusEnum": "assessments.outcomes.PairedOutcomeStatus.choices",
        "DapNoteFormatEnum": "sessions.notes.DAP_FORMAT",
        "SoapNoteFormatEnum": "sessions.notes.SOAP_FORMAT",
        "BirpNoteFormatEnum": "sessions.notes.BIRP_FORMAT",
        "NarrativeNoteFormatEnum": "sessions.notes.NARRATIVE_FORMAT",
        "CancellationReasonEnum": "sessions.appointments.models.CancellationReason",
        "MeasureScheduleKindEnum": "assessments.measures.models.ScheduleKind",
        "MeasureIntervalUnitEnum": "assessments.measures.models.IntervalUnit",
        "MeasureScheduleStatusEnum": "assessments.measures.models.ScheduleStatus",
        "MeasureChannelEnum": "assessments.measures.models.Channel",
        "MeasureInvitationStatusEnum": "assessments.measures.models.InvitationStatus",
        "WebhookTopicEnum": "api.events.models.Topic",
        "WebhookDeliveryStatusEnum": "api.events.models.DeliveryStatus",
        "WorkQueueReasonEnum": "progress.work_queue.selectors.Reason",
        "WorkQueueRecordTypeEnum": "progress.work_queue.selectors.RecordType",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema_hooks.add_links",
        "api.schema_hooks.inline_polymorphic_fields",
        "api.schema_hooks.request_defaults_in_descriptions",
        "api.schema_hooks.pagination_pages",
        "api.schema_hooks.listed_parameters_hold_an_item",
        "api.events.schema.event_payloads",
    ],
}

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No measure link's token in any log line (api/redaction.py).
    "filters": {"redact_secret_paths": {"()": "api.redaction.RedactSecretPaths"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "level": LOG_LEVEL,
            "filters": ["redact_secret_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The development server's request lines, through the redacting handler instead of
        # Django's own.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Transport security applies whenever DEBUG is off; a TLS-terminating proxy in front of the app
# sets X-Forwarded-Proto, which SECURE_PROXY_SSL_HEADER trusts only when told to.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
