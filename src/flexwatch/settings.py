"""The Django project settings, read from the environment through ``config``."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from flexwatch import config

PACKAGE_DIR = Path(__file__).resolve().parent
ENV = config.environment()
DATA_DIR = config.data_dir(ENV)

SECRET_KEY = config.secret_key(ENV, DATA_DIR)
DEBUG = ENV.flag("FLEXWATCH_DEBUG")
ALLOWED_HOSTS = ENV.words("FLEXWATCH_ALLOWED_HOSTS", ("127.0.0.1", "localhost"))
CSRF_TRUSTED_ORIGINS = ENV.words("FLEXWATCH_CSRF_TRUSTED_ORIGINS", ())
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = ENV.flag("FLEXWATCH_SECURE_COOKIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "flexwatch.web",
    "flexwatch.accounts",
    "flexwatch.jobs",
    "flexwatch.sources",
    "flexwatch.cases",
    "flexwatch.linkage",
    "flexwatch.ingest",
    "flexwatch.stats",
    "flexwatch.reports",
    "flexwatch.law",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "flexwatch.urls"
WSGI_APPLICATION = "flexwatch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "flexwatch.web.context.layout",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    database: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    )
    if database["ENGINE"] == "django.db.backends.sqlite3":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets readers work beside the one writer; IMMEDIATE takes the
        # write lock when a transaction begins, so writers queue instead of
        # failing halfway (the audit chain relies on this).
        database["CONN_MAX_AGE"] = 0
        database["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    return database


DATABASES = {"default": _database(config.database_url(ENV, DATA_DIR))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

AXES_FAILURE_LIMIT = ENV.number("FLEXWATCH_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=ENV.number("FLEXWATCH_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Locking by username alone stops guessing from many addresses; axes warns
# because it prefers adding the address, which that kind of attack rotates.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fi", _("Finnish")),
    ("et", _("Estonian")),
    ("pl", _("Polish")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is absent
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the app folders: no collectstatic step for a newcomer.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Uploads for import: refused above the limit (the command line streams files
# of any size), kept in the data folder while they are read and deleted after.
UPLOAD_MAX_BYTES = ENV.number("FLEXWATCH_UPLOAD_MAX_MB", 200) * 1024 * 1024
# Processes that read, map and check the rows of a large import (0: none).
IMPORT_HELPERS = ENV.number("FLEXWATCH_IMPORT_HELPERS", 1, minimum=0)
UPLOAD_DIR = DATA_DIR / "uploads"
UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
FILE_UPLOAD_TEMP_DIR = str(UPLOAD_DIR)
FILE_UPLOAD_PERMISSIONS = 0o600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "flexwatch": {"level": config.log_level(ENV), "propagate": True},
        "django_tasks": {"level": config.log_level(ENV), "propagate": True},
    },
}
