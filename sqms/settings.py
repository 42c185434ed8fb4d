"""Django settings for SQMS, read from environment variables (see docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sqms.config import (
    env_bool,
    env_choice,
    env_decimal,
    env_int,
    env_list,
    env_secret,
    env_str,
    parse_database_url,
)

# Lets the type-only generics (ModelForm[M], ModelAdmin[M], …) be subscripted at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("SQMS_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("SQMS_DEBUG", True)

_DEV_KEY = "sqms-insecure-development-key-only-for-local-demo-never-in-production"
SECRET_KEY = env_secret("SQMS_SECRET_KEY", None) or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SQMS_SECRET_KEY (or SQMS_SECRET_KEY_FILE) must be set when SQMS_DEBUG is false."
        )
    SECRET_KEY = _DEV_KEY

ALLOWED_HOSTS = env_list("SQMS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "SQMS_ALLOWED_HOSTS must list the host names when SQMS_DEBUG is false."
    )
CSRF_TRUSTED_ORIGINS = env_list("SQMS_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "sqms.core",
    "sqms.surveys",
    "sqms.calendars",
    "sqms.jobs",
    "sqms.complaints",
    "sqms.inspections",
    "sqms.capa",
    "sqms.improvement",
    "sqms.standards",
    "sqms.kpis",
    "sqms.reports",
    "sqms.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "sqms.core.request_guard.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sqms.core.middleware.UserLanguageMiddleware",
]

ROOT_URLCONF = "sqms.urls"
WSGI_APPLICATION = "sqms.wsgi.application"

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
                "sqms.core.context.navigation",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "sqlite:///var/sqms.sqlite3")
DATABASES = {"default": parse_database_url(DATABASE_URL, PROJECT_DIR)}
if (
    str(DATABASES["default"]["ENGINE"]).endswith("sqlite3")
    and DATABASES["default"]["NAME"] != ":memory:"
):
    Path(str(DATABASES["default"]["NAME"])).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LANGUAGE_CODE = env_choice("SQMS_LANGUAGE", "zh-hans", [code for code, _name in LANGUAGES])
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = env_str("SQMS_TIME_ZONE", "Asia/Shanghai")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"SQMS_TIME_ZONE={TIME_ZONE!r} is not a known time zone.") from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# whitenoise serves the collected files (`sqms serve` collects them first), compressed and with
# hashed names in production; in debug it finds them in the apps, so no collection is needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# uploaded attachments (complaints); served only through views that check the scope
MEDIA_ROOT = Path(env_str("SQMS_MEDIA_DIR", str(VAR_DIR / "media")))
WHITENOISE_AUTOREFRESH = DEBUG

SQMS_API_MAX_BODY_BYTES = env_int("SQMS_API_MAX_BODY_MB", 5, minimum=1) * 1024 * 1024
SQMS_API_MAX_JSON_DEPTH = 32
SQMS_API_RATE_PER_TOKEN = env_int("SQMS_API_RATE_PER_TOKEN", 600, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(5 * 1024 * 1024, SQMS_API_MAX_BODY_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SQMS_IMPORT_MAX_BYTES = env_int("SQMS_IMPORT_MAX_MB", 200, minimum=1) * 1024 * 1024
SQMS_ATTACHMENT_MAX_BYTES = env_int("SQMS_ATTACHMENT_MAX_MB", 10, minimum=1) * 1024 * 1024
SQMS_ATTACHMENT_MAX_FILES = 5
SQMS_PUBLIC_COMPLAINT_RATE_PER_IP = env_int("SQMS_PUBLIC_COMPLAINT_RATE_PER_IP", 10, minimum=1)
SQMS_PUBLIC_COMPLAINT_RATE_PER_SITE = env_int("SQMS_PUBLIC_COMPLAINT_RATE_PER_SITE", 120, minimum=1)
SQMS_TRACKING_LOOKUPS_PER_IP = env_int("SQMS_TRACKING_LOOKUPS_PER_IP", 30, minimum=1)
SQMS_SURVEY_MIN_N = env_int("SQMS_SURVEY_MIN_N", 5, minimum=1)
SQMS_PUBLIC_RATE_PER_IP = env_int("SQMS_PUBLIC_RATE_PER_IP", 20, minimum=1)
SQMS_PUBLIC_RATE_PER_CAMPAIGN = env_int("SQMS_PUBLIC_RATE_PER_CAMPAIGN", 600, minimum=1)
SQMS_LOGIN_RATE_PER_IP = env_int("SQMS_LOGIN_RATE_PER_IP", 10, minimum=1)
SQMS_PAGE_SIZE = 25
# Complaints: a recovery payment above this amount waits for a manager's approval
# The address customers reach this server at, for links in emails (follow-up surveys)
SQMS_PUBLIC_BASE_URL = env_str("SQMS_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
SQMS_RECOVERY_APPROVAL_LIMIT = env_decimal("SQMS_RECOVERY_APPROVAL_LIMIT", "500", minimum="0")
# CAPA: remind an action's owner this many days before it is due; escalate an overdue action to
# the site manager at once and to the quality managers this many days later
SQMS_CAPA_REMIND_DAYS = env_int("SQMS_CAPA_REMIND_DAYS", 1, minimum=0)
SQMS_CAPA_ESCALATE_DAYS = env_int("SQMS_CAPA_ESCALATE_DAYS", 3, minimum=1)
# Service standards: remind the quality managers this many days before a review date
SQMS_STANDARD_REVIEW_REMIND_DAYS = env_int("SQMS_STANDARD_REVIEW_REMIND_DAYS", 30, minimum=0)

# Background jobs and notifications (sqms.jobs; docs/configuration.md)
SQMS_HUEY_URL = env_str("SQMS_HUEY_URL", "")
SQMS_OUTBOX_MAX_ATTEMPTS = env_int("SQMS_OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
SQMS_WEBHOOK_TIMEOUT = env_int("SQMS_WEBHOOK_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("SQMS_EMAIL_FROM", "sqms@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("SQMS_SMTP_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("SQMS_SMTP_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("SQMS_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = env_secret("SQMS_SMTP_PASSWORD", "") or ""
    EMAIL_USE_SSL = env_bool("SQMS_SMTP_SSL", False)
    EMAIL_USE_TLS = env_bool("SQMS_SMTP_STARTTLS", not EMAIL_USE_SSL)
    EMAIL_TIMEOUT = 30
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:  # no SMTP server: email notifications wait in the outbox with a clear error
    EMAIL_BACKEND = "sqms.jobs.mail.NotConfiguredBackend"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SQMS_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SQMS_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("SQMS_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SQMS_LOG_LEVEL", "WARNING")},
}
