"""knotwork's settings: the one place that reads the environment (see .env.example)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext

from knotwork.core.env import ConfigurationError, env_bool, env_int, env_list, env_str

# Lets typed generics such as ModelForm[Pupil] work at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("KNOTWORK_DATA_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

if not DEBUG:
    if not SECRET_KEY:
        raise ConfigurationError(
            "SECRET_KEY is not set. Set it in the environment (see .env.example), "
            "or set DEBUG=true for local use."
        )
    if not ALLOWED_HOSTS:
        raise ConfigurationError(
            "ALLOWED_HOSTS is not set. List the host names knotwork answers to, "
            "comma-separated (see .env.example)."
        )
else:
    SECRET_KEY = SECRET_KEY or "insecure-local-key-for-debug-only"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "knotwork.core",
    "knotwork.accounts",
    "knotwork.directory",
    "knotwork.termdates",
    "knotwork.pupils",
    "knotwork.attendance",
    "knotwork.behaviour",
    "knotwork.casework",
    "knotwork.privacy",
    "knotwork.notices",
    "knotwork.placements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "knotwork.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "knotwork.urls"
WSGI_APPLICATION = "knotwork.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "knotwork" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "knotwork.core.context_processors.navigation",
                "knotwork.notices.context_processors.unread_notices",
            ],
        },
    },
]

_sqlite_path = DATA_DIR / "knotwork.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{_sqlite_path}", conn_max_age=60
    )
}
STATIC_ROOT_DIR = DATA_DIR / "staticfiles"
STATIC_ROOT_DIR.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # SQLite builds an index without its INCLUDE columns (the concern worklist's covering
    # index); the index still serves, so the warning on every command says nothing useful.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = STATIC_ROOT_DIR
STATICFILES_DIRS = [BASE_DIR / "knotwork" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Lists: how many rows one page shows.
KNOTWORK_PAGE_SIZE = env_int("KNOTWORK_PAGE_SIZE", 25, minimum=5)

# Work that takes time (imports, reports) runs as a task: immediately, in the request
# that starts it, in the embedded set-up.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# "progress": where a running task reports how far it has got, readable by other
# requests while the task's own transaction is still open (files under the data directory).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(Path(env_str("KNOTWORK_CACHE_DIR") or DATA_DIR / "cache")),
        "TIMEOUT": 24 * 60 * 60,
    },
    # Figures of the day that every web process reads (the managed-move monitor's roll
    # by pupil group), worked out by `knotwork placements figures` before the day starts.
    "figures": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(Path(env_str("KNOTWORK_CACHE_DIR") or DATA_DIR / "cache") / "figures"),
        "TIMEOUT": 26 * 60 * 60,
    },
}

# Attendance imports: the largest file the upload page takes, in megabytes.
KNOTWORK_IMPORT_MAX_MB = env_int("KNOTWORK_IMPORT_MAX_MB", 20, minimum=1)

# Attendance figures: groups with fewer enrolments than this show no figures.
KNOTWORK_ATTENDANCE_SUPPRESS_BELOW = env_int("KNOTWORK_ATTENDANCE_SUPPRESS_BELOW", 5, minimum=1)

# Casework: open cases a key worker leads at most (seed 003: caseloads of 15 to 20).
KNOTWORK_CASELOAD_LIMIT = env_int("KNOTWORK_CASELOAD_LIMIT", 20, minimum=1)

# Break glass: hours an urgent safeguarding look at one pupil's record stays open.
KNOTWORK_BREAK_GLASS_HOURS = env_int("KNOTWORK_BREAK_GLASS_HOURS", 24, minimum=1)

# Panels and managed moves: the shortest trial of a managed move, in weeks (seed 004:
# at least six), and how long after it is finalised a move counts as a success (Annex A:
# still on the new school's roll one year on).
KNOTWORK_MANAGED_MOVE_TRIAL_WEEKS = env_int("KNOTWORK_MANAGED_MOVE_TRIAL_WEEKS", 6, minimum=1)
KNOTWORK_MANAGED_MOVE_SUCCESS_DAYS = env_int("KNOTWORK_MANAGED_MOVE_SUCCESS_DAYS", 365, minimum=1)

# Fair access: the sessions of education a year a placed pupil should reach (Annex A: 380,
# or the proportionate number for part of a year).
KNOTWORK_FAIR_ACCESS_SESSIONS = env_int("KNOTWORK_FAIR_ACCESS_SESSIONS", 380, minimum=1)

# The intervention menu: the weeks an intervention runs before its clock is due (seed 003:
# ten), and the open cases an LA service officer carries at most (seed 003: 15 to 20).
KNOTWORK_INTERVENTION_WEEKS = env_int("KNOTWORK_INTERVENTION_WEEKS", 10, minimum=1)
KNOTWORK_OFFICER_CASELOAD_LIMIT = env_int("KNOTWORK_OFFICER_CASELOAD_LIMIT", 20, minimum=1)

# Notices by email: the address links in emails start with, and how mail is sent
# (the console in the demo; SMTP in production). Emails carry no personal data.
KNOTWORK_SITE_URL = env_str("KNOTWORK_SITE_URL", "http://localhost:8000")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "knotwork <knotwork@localhost>")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO") or "INFO"},
    "loggers": {
        # Request logs carry URLs and query strings; knotwork's carry no names,
        # but a search form's query would: keep the server log to status lines.
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # PDF layout libraries narrate every step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Browser tests: Debian's Chromium unless told otherwise; skipped only when asked.
KNOTWORK_CHROMIUM = env_str("KNOTWORK_CHROMIUM", "/usr/bin/chromium") or "/usr/bin/chromium"
KNOTWORK_SKIP_BROWSER = env_bool("KNOTWORK_SKIP_BROWSER", default=False)
