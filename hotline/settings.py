"""Settings, read from the environment.

Without any variable set, the project runs on an embedded default: SQLite and Celery
tasks executed in-process, so `scripts/demo` works on a bare machine. `DATABASE_URL`
switches to PostgreSQL, `REDIS_URL` to a real Redis broker with a worker and beat.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret-change-me")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # clients/docs: Swagger UI served from our own static files
    "hotline",
    # Knowledge base (SPEC §13): on the ground floor, tickets cite it.
    "hotline.knowledge",
    "tickets",
    "tickets.attachments",  # attachments (SPEC §14)
    "tickets.texts",  # texts to the caller (SPEC §15)
    "tickets.webhooks",  # webhooks (SPEC §15)
    "scoring",
    # Transactional outbox (issue 8): later work written with the step that causes it.
    "tickets.outbox",
    # 每月一题, SPEC §17 (h12-dashboard)
    "scoring.topics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Issue 8: control characters and deep JSON get a 400 naming the field, at the door.
    "hotline.middleware.InputGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hotline.idle_sessions.IdleSessionMiddleware",
    "hotline.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hotline.urls"
WSGI_APPLICATION = "hotline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hotline.context_processors.header",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # Persistent connections: ~900 req/s instead of ~250 on a one-row endpoint.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # Covering indexes (INCLUDE columns) serve PostgreSQL's index-only scans; SQLite keeps
    # the key columns and ignores the rest, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# perf (issue 15): an optional read replica for dashboards, exports and scoring reads that
# run inside hotline.db_router.replica_reads(); without the variable nothing changes.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **DATABASES["default"],
        **env.db("DATABASE_REPLICA_URL"),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["hotline.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "hotline.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Django's standard set, applied by the admin, createsuperuser, add_staff and import_staff.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").exists() else []

# --- REST API --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hotline.authentication.TokenWithUnitAuthentication",  # the user's unit read with the token
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # perf (issue 15): a page count that stops at 10,000 instead of counting the world
    "DEFAULT_PAGINATION_CLASS": "hotline.pagination.CappedCountPagination",
    "PAGE_SIZE": 50,
    # clients: JSON-only bodies in the schema, multipart only where a view uploads files.
    "DEFAULT_SCHEMA_CLASS": "hotline.schema.AutoSchema",
    "EXCEPTION_HANDLER": "hotline.api.exception_handler",
}
# --- OpenAPI schema and docs (clients: generated clients, offline docs) ----------------
SPECTACULAR_SETTINGS = {
    "TITLE": "12345 接诉即办 API",
    "DESCRIPTION": "Tickets of the 12345 citizen hotline: intake, triage, dispatch, "
    "whistle-and-report, callback, exclusions, and the monthly three rates. "
    "Send `Authorization: Token <key>` (the key from POST /api/v1/auth/token/). "
    "Body fields not listed are ignored; like every field, no text in them (keys included) "
    "may hold control characters other than tab, CR and LF (a 400).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set that several fields share (e.g. transfer's `to`).
    "ENUM_NAME_OVERRIDES": {
        "EmergencyLineEnum": "tickets.choices.EmergencyLine",
        # Several models have a `status` of their own; the tickets' keeps its name.
        "StatusEnum": "tickets.choices.Status",
        "ArticleStatusEnum": "hotline.knowledge.models.ArticleStatus",
        "ArticleVersionStatusEnum": "hotline.knowledge.models.VersionStatus",
        "TopicStatusEnum": "scoring.topics.models.Topic.Status",
    },
    # Swagger UI and Redoc from the sidecar's static files: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Typed errors, the Token prefix, Open311's own ids and media types (hotline/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hotline.schema.postprocess",
        "tickets.open311.schema.postprocess",
        # OpenAPI links: a created ticket's number → its steps (tickets/api/links.py)
        "tickets.api.links.postprocess",
        # the character rule of hotline.validation, stated for every free text
        "hotline.validation.schema_text_rule",
    ],
}

# --- Celery ----------------------------------------------------------------------------
# Not CELERY_BROKER_URL: Celery reads that variable itself and it would override tests.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hold an intake: give up fast and fall back in-process.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# Outbox (issue 8): a hung broker frees a publishing thread after seconds, not minutes.
CELERY_BROKER_TRANSPORT_OPTIONS |= {"socket_connect_timeout": 1, "socket_timeout": 5}
CELERY_BEAT_SCHEDULE = {
    # Transactional outbox (issue 8): hand over rows the broker missed; stuck score runs.
    "outbox-relay": {"task": "outbox.relay", "schedule": 10.0},
    "recover-stuck-score-runs": {"task": "scoring.tasks.recover_stuck_runs", "schedule": 60.0},
    "sweep-deadlines": {"task": "tickets.tasks.sweep_deadlines_task", "schedule": 60.0},
    # Search (SPEC §12): the partial GIN index of recent tickets moves on once a month.
    "refresh-recent-search-index": {
        "task": "tickets.tasks.refresh_recent_search_index_task",
        "schedule": 86400.0,
    },
    "compute-scores-after-cutoff": {
        "task": "scoring.tasks.compute_closed_period_task",
        "schedule": 3600.0,
    },
    # Knowledge base: articles past their expiry date leave service; owners are told.
    "expire-knowledge-articles": {
        "task": "tickets.tasks.expire_knowledge_task",
        "schedule": 3600.0,
    },
}

# --- perf (issue 15): Celery queues per kind of work, opt-in ---------------------------
# With CELERY_QUEUES_PER_KIND=true, notifications, the deadline sweep and scoring go to
# queues of their own, so a long score run never delays an overdue notice; start workers
# with `-Q notify,sweep`, `-Q scoring` and `-Q celery` (the default queue, everything else).
# Off by default: a single worker then listens to the one default queue, as before.
if env.bool("CELERY_QUEUES_PER_KIND", default=False):
    CELERY_TASK_ROUTES = {
        "tickets.tasks.deliver_*": {"queue": "notify"},
        "tickets.tasks.sweep_deadlines_task": {"queue": "sweep"},
        "scoring.tasks.*": {"queue": "scoring"},
    }

# --- The working day --------------------------------------------------------------------
# Working hours count the return window (退单时限, "2 working hours").
WORKDAY_START_HOUR = env.int("WORKDAY_START_HOUR", default=9)
WORKDAY_END_HOUR = env.int("WORKDAY_END_HOUR", default=18)

# --- Who sees what: login throttling, security headers, idle sessions (issue 9) --------
# django-axes: failed logins are counted in its own tables (shared by every gunicorn worker)
# for the login page, the admin login and the token endpoint alike, since all three go
# through authenticate(). After AXES_FAILURE_LIMIT failures for one username, or from one
# address, further attempts are refused (429) until the cool-off has passed.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one alone locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False  # no banner on every manage.py command; lockouts are still logged
# IPWARE_META_PRECEDENCE_ORDER: behind a proxy, set it to read X-Forwarded-For.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("LOGIN_ADDRESS_HEADERS", default=["REMOTE_ADDR"])
# django-csp: the pages load scripts, styles and images from this site only; nothing may
# frame them. Swagger UI too: its files come from drf-spectacular-sidecar.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Shared call-centre terminals: a session ends after this many idle minutes (a request moves
# the expiry on, writing the session at most once a minute: hotline.idle_sessions).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_COOKIE_HTTPONLY = True
# The number of full phones one person may reveal per day (SPEC §3).
PHONE_REVEALS_PER_DAY = env.int("PHONE_REVEALS_PER_DAY", default=60)
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "axes.middleware.AxesMiddleware"]
# --- Attachments (SPEC §14) --------------------------------------------------------------
# Files are stored through the `attachments` storage and served only by the API, which
# checks that the reader sees the ticket: MEDIA_ROOT is never published by a web server.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
ATTACHMENT_MAX_BYTES = int(env.float("ATTACHMENT_MAX_MB", default=10) * 2**20)
ATTACHMENT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if env("ATTACHMENT_S3_BUCKET", default=""):
    # S3-compatible object storage (AWS, MinIO, Ceph, OSS/COS S3 endpoints): django-storages.
    ATTACHMENT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("ATTACHMENT_S3_BUCKET"),
            "endpoint_url": env("ATTACHMENT_S3_ENDPOINT_URL", default=None),
            "region_name": env("ATTACHMENT_S3_REGION", default=None),
            "access_key": env("ATTACHMENT_S3_ACCESS_KEY", default=None),
            "secret_key": env("ATTACHMENT_S3_SECRET_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# One storage more beside whatever STORAGES holds (Django's defaults when nothing set it).
from django.conf import global_settings  # noqa: E402

STORAGES = {
    **globals().get("STORAGES", global_settings.STORAGES),
    "attachments": ATTACHMENT_STORAGE,
}

# --- Texts to the caller and webhooks (SPEC §15) -----------------------------------------
# The log backend writes each text to the log; the HTTP gateway backend POSTs it as JSON.
TEXTS_BACKEND = env("TEXTS_BACKEND", default="tickets.texts.backends.LogBackend")
TEXTS_GATEWAY_URL = env("TEXTS_GATEWAY_URL", default="")
TEXTS_GATEWAY_KEY = env("TEXTS_GATEWAY_KEY", default="")
TEXTS_GATEWAY_TIMEOUT = env.float("TEXTS_GATEWAY_TIMEOUT", default=5.0)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
ANNOUNCE_MAX_ATTEMPTS = env.int("ANNOUNCE_MAX_ATTEMPTS", default=8)
CELERY_BEAT_SCHEDULE |= {
    # Texts and webhook calls that failed (or were lost) are tried again when due.
    "texts-retry": {"task": "texts.retry", "schedule": 30.0},
    "webhooks-retry": {"task": "webhooks.retry", "schedule": 30.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Production safety (issue 8) ------------------------------------------------------------
# The demo keeps its development defaults (DEBUG on). With DEBUG off there is no built-in
# secret key: the server refuses to start. HTTPS_ONLY (default: on when DEBUG is off) is
# what `check --deploy` asks for, behind a TLS proxy that sets X-Forwarded-Proto; turn it
# off only for a plain-HTTP trial.
if not DEBUG and SECRET_KEY == "dev-only-not-secret-change-me":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off")
# The load balancer's and the container's health checks speak plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("HTTPS_ONLY", default=not DEBUG):
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
