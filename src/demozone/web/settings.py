"""Django settings, every one from the environment (issue 3, item 1).

Nothing here depends on where the code is installed except the defaults: the data directory is
``./var`` relative to the working directory, as ``make run`` expects.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from demozone.web.env import env_bool, env_list

WEB_DIR = Path(__file__).resolve().parent
# In an editable install (the project's own setup) the repository root holds node_modules.
REPO_DIR = WEB_DIR.parents[2]

DATA_DIR = Path(os.environ.get("DEMOZONE_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The configured key, or one generated on first start and kept (mode 0600) in the data dir."""
    configured = os.environ.get("DEMOZONE_SECRET_KEY", "").strip()
    if configured:
        return configured
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Several gunicorn workers may start at once: write aside, then link atomically; the
        # loser of the race simply reads the winner's key.
        tmp = DATA_DIR / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(50))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEMOZONE_DEBUG", default=False)
ALLOWED_HOSTS = env_list("DEMOZONE_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("DEMOZONE_CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "demozone.web.audit.views.csrf_failure"
# Behind a reverse proxy that sets X-Forwarded-For: audit and throttle by the client's address.
DEMOZONE_TRUST_X_FORWARDED_FOR = env_bool("DEMOZONE_TRUST_X_FORWARDED_FOR", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "demozone.web.accounts",
    "demozone.web.campaigns",
    "demozone.web.dashboard",
    "demozone.web.entry",
    "demozone.web.api",
    "demozone.web.audit",
    "demozone.web.evidence",
    "demozone.web.exchange",
    "demozone.web.reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "demozone.web.audit.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "demozone.web.accounts.middleware.ForcedPasswordChangeMiddleware",
    "demozone.web.audit.middleware.AuditRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "demozone.web.audit.security.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "demozone.web.urls"
WSGI_APPLICATION = "demozone.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["demozone.web.dashboard.templatetags.demozone"],
        },
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'demozone.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DEMOZONE_DATABASE_URL", "").strip() or _default_db,
        conn_max_age=int(os.environ.get("DEMOZONE_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share the file: WAL (set once by `bootstrap`, kept in the file)
    # lets readers run beside the writer, and IMMEDIATE transactions take the write lock up front
    # instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "demozone.web.audit.passwords.MinimumLengthValidator"},  # Chinese message
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in failures lock a user name per client address (audit/lockout.py).
AUTHENTICATION_BACKENDS = ["demozone.web.audit.lockout.LockoutModelBackend"]
DEMOZONE_LOGIN_MAX_FAILURES = int(os.environ.get("DEMOZONE_LOGIN_MAX_FAILURES", "5"))
DEMOZONE_LOGIN_WINDOW_MINUTES = int(os.environ.get("DEMOZONE_LOGIN_WINDOW_MINUTES", "15"))
DEMOZONE_LOGIN_LOCK_MINUTES = int(os.environ.get("DEMOZONE_LOGIN_LOCK_MINUTES", "15"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it even before the first collectstatic
STATICFILES_DIRS = [WEB_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "demozone.web.staticfinder.NodeModulesFinder",
]
# The front-end packages come from npm (package.json, `npm ci`); only these files are served.
NODE_MODULES = Path(os.environ.get("DEMOZONE_NODE_MODULES", REPO_DIR / "node_modules"))
VENDOR_FILES = {
    "vendor/bulma/bulma.min.css": "bulma/css/bulma.min.css",
    "vendor/htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js",
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Sessions end DEMOZONE_SESSION_AGE seconds after signing in (8 h) or after
# DEMOZONE_SESSION_IDLE_MINUTES without a request (30), see audit/security.py.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("DEMOZONE_SESSION_AGE", str(8 * 3600)))
DEMOZONE_SESSION_IDLE_SECONDS = 60 * int(os.environ.get("DEMOZONE_SESSION_IDLE_MINUTES", "30"))
# htmx sends the token from the page (hx-headers), so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# DEMOZONE_HTTPS=1 when the platform is served over HTTPS (directly or behind a proxy that sets
# X-Forwarded-Proto, with DEMOZONE_BEHIND_HTTPS_PROXY=1): HTTP is redirected, HSTS is sent and
# cookies are marked Secure.
HTTPS = env_bool("DEMOZONE_HTTPS", default=False)
SESSION_COOKIE_SECURE = env_bool("DEMOZONE_SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("DEMOZONE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DEMOZONE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DEMOZONE_HSTS_PRELOAD", default=True)
if env_bool("DEMOZONE_BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Uploads. Evidence files stream straight into the evidence store (evidence/uploads.py), which
# keeps nothing of a file past DEMOZONE_UPLOAD_MAX_MB; a request larger than
# DEMOZONE_UPLOAD_REQUEST_MAX_MB is refused before its body is read. Files are kept by content
# hash under EVIDENCE_DIR, which no URL serves. Other uploads spool to the data disk, not /tmp.
EVIDENCE_DIR = DATA_DIR / "evidence"
EVIDENCE_UPLOAD_MAX_BYTES = int(os.environ.get("DEMOZONE_UPLOAD_MAX_MB", "50")) * 1024 * 1024
EVIDENCE_REQUEST_MAX_BYTES = max(
    EVIDENCE_UPLOAD_MAX_BYTES,
    int(os.environ.get("DEMOZONE_UPLOAD_REQUEST_MAX_MB", "200")) * 1024 * 1024,
)
EVIDENCE_MAX_FILES = 20
DATA_UPLOAD_MAX_NUMBER_FILES = EVIDENCE_MAX_FILES
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # the form fields besides files (Django's default)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "tmp"
FILE_UPLOAD_TEMP_DIR.mkdir(exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DEMOZONE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
