"""Django settings for dangvu: one file, driven by the environment.

Every variable read here is listed in docs/configuration.md. The embedded default (no variables set)
is a development setup on SQLite with local files and a broker-less job queue; ``DANGVU_ENV=production``
switches on the production hardening and requires a secret key and allowed hosts.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DANGVU_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

ENVIRONMENT = env_str("DANGVU_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
# Off unless asked for: even `make run` shows users the Vietnamese error pages, never a traceback.
DEBUG = env_bool("DANGVU_DEBUG", False)

# The development key is public (it is in this file): anyone could forge sessions and password-reset
# links with it. It is refused wherever the configuration looks like production: DANGVU_ENV=production,
# or a host other than this machine's loopback names allowed (the site is reachable from elsewhere).
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-" + "x" * 40
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]", "testserver"})
ALLOWED_HOSTS = env_list("DANGVU_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
SECRET_KEY = env_str("DANGVU_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
if SECRET_KEY == DEVELOPMENT_SECRET_KEY and (PRODUCTION or set(ALLOWED_HOSTS) - LOOPBACK_HOSTS):
    raise ImproperlyConfigured(
        "DANGVU_SECRET_KEY must be set (50+ random characters) when DANGVU_ENV=production or "
        "DANGVU_ALLOWED_HOSTS names a host other than 127.0.0.1/localhost: the development key is public."
    )
CSRF_TRUSTED_ORIGINS = env_list("DANGVU_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "csp",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "treebeard",
    "huey.contrib.djhuey",
    "ninja",
    "dangvu.core",
    "dangvu.accounts",
    "dangvu.audit",
    "dangvu.orgs",
    "dangvu.workcalendar",
    "dangvu.notifications",
    "dangvu.links",
    "dangvu.members",
    "dangvu.documents",
    "dangvu.signing",
    "dangvu.demo",
    "dangvu.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "dangvu.core.uploads.UploadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Version counters of cached data (dangvu.core.versions) are read once per request.
    "dangvu.core.versions.VersionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Vietnamese unless the user (or, logged out, the cookie) chose English; never Accept-Language.
    "dangvu.web.language.LanguageMiddleware",
    # NUL characters, unbounded paging numbers and over-long search text: 400 before any view.
    "dangvu.core.hostile.RequestGuardMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dangvu.accounts.twofactor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dangvu.audit.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangvu.urls"
WSGI_APPLICATION = "dangvu.wsgi.application"
ASGI_APPLICATION = "dangvu.asgi.application"

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
                "dangvu.web.context_processors.shell",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'dangvu.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DANGVU_DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE transactions take the write lock up front: no lock upgrades, no "database is locked"
        # surprises when two requests write at once (the audit chainer reads the last link, then writes).
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("DANGVU_TEST_SQLITE_NAME") or None}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query to machine code (JIT) once its estimated cost passes 100,000, which
    # a page's statistics of a few thousand members can: 20 ms of compiling to save 1 ms. Only scans
    # of millions of rows (reports, recounts) are worth it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit_above_cost=5000000"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and jobs -------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # File-based so that the web process and the job worker share it on one machine.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

HUEY_IMMEDIATE = env_bool("DANGVU_JOBS_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env_str("DANGVU_JOBS_QUEUE", "dangvu"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env_int("DANGVU_JOB_WORKERS", 4), "worker_type": "process"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": env_str("DANGVU_JOBS_QUEUE", "dangvu"),
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env_int("DANGVU_JOB_WORKERS", 2), "worker_type": "thread"},
    }

# A job's worker renews its lease every third of this; a job whose lease ran out (its worker was killed)
# is marked failed, with a retry, by the next worker to start or within a minute (dangvu.core.jobs).
DANGVU_JOB_LEASE_SECONDS = env_int("DANGVU_JOB_LEASE_SECONDS", 60)

# --- Auth -----------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("DANGVU_SESSION_SECONDS", 8 * 3600)
# With a shared cache (Redis) in production, a request reads its session from the cache and the
# database only on a miss (written to both): one query less on every page. The embedded setup keeps
# plain database sessions (its file cache is no faster than SQLite). Ending sessions goes through
# ``dangvu.accounts.passwords.sessions_end_all``, which clears the cached copies too.
if PRODUCTION and REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = False

AXES_FAILURE_LIMIT = env_int("DANGVU_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DANGVU_LOCKOUT_MINUTES", 15))
# Lock a username from one address (the pair): locking by username alone let anyone keep `admin` locked
# from anywhere; locking the address alone would lock every colleague behind an office's NAT address.
# Guessing one username from many addresses is slowed down instead (dangvu.accounts.throttle).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
DANGVU_LOGIN_SLOWDOWN_AFTER = env_int("DANGVU_LOGIN_SLOWDOWN_AFTER", 5)
DANGVU_LOGIN_SLOWDOWN_MAX_SECONDS = env_int("DANGVU_LOGIN_SLOWDOWN_MAX_SECONDS", 60)
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

OTP_TOTP_ISSUER = env_str("DANGVU_OTP_ISSUER", "Đảng vụ số")
# Staff who may open the Django admin must have an authenticator (on by default in production).
DANGVU_STAFF_2FA_REQUIRED = env_bool("DANGVU_STAFF_2FA_REQUIRED", PRODUCTION)

# --- I18N -----------------------------------------------------------------------------------------------
# Vietnamese whatever the browser asks for; English only through the switch (dangvu.web.language).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "dangvu" / "locale"]
FORMAT_MODULE_PATH = ["dangvu.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DANGVU_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DANGVU_MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES: dict[str, dict[str, object]] = {
    # Uploaded and generated files (documents, imports, exports): local disk under MEDIA_ROOT, or any
    # Django storage backend by configuration, e.g. S3-compatible object storage with django-storages
    # (docs/configuration.md).
    "default": {
        "BACKEND": env_str("DANGVU_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(env_str("DANGVU_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production WhiteNoise serves the apps' static files directly (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The one cap on every upload, enforced before the body is read (dangvu.core.uploads).
DANGVU_UPLOAD_MAX_MB = env_int("DANGVU_UPLOAD_MAX_MB", 20)
# What an uploaded archive (.xlsx, .docx) may declare it unpacks to, in all.
DANGVU_UPLOAD_MAX_UNPACKED_MB = env_int("DANGVU_UPLOAD_MAX_UNPACKED_MB", 512)
# A sheet declaring up to this much XML is read by calamine (fast, ~2x this in memory); larger ones by
# openpyxl's streaming read-only mode (dangvu.core.spreadsheets.reader).
DANGVU_IMPORT_CALAMINE_MAX_MB = env_int("DANGVU_IMPORT_CALAMINE_MAX_MB", 100)
# Exports of up to this many rows are written inside the request; larger ones by a background job.
DANGVU_EXPORT_INSTANT_MAX_ROWS = env_int("DANGVU_EXPORT_INSTANT_MAX_ROWS", 5000)
# Files written by background exports are deleted this many days after they were finished (a periodic
# job, dangvu.core.exports.exports_purge): they hold members' data and are meant to be downloaded once.
DANGVU_EXPORT_RETENTION_DAYS = env_int("DANGVU_EXPORT_RETENTION_DAYS", 7)

# The audit log's checkpoints: a storage the database account cannot write (dangvu.audit.chain;
# docs/configuration.md). Any Django storage backend: an S3 bucket with object lock in production.
STORAGES["audit_checkpoints"] = {
    "BACKEND": env_str("DANGVU_AUDIT_CHECKPOINT_BACKEND", "django.core.files.storage.FileSystemStorage"),
    "OPTIONS": json.loads(
        env_str("DANGVU_AUDIT_CHECKPOINT_OPTIONS")
        or json.dumps({"location": str(DATA_DIR / "audit-checkpoints")})
    ),
}

# What `dangvu backup` copies besides the database: these Django storages (those that exist: the uploaded
# files and the audit checkpoints) and extra directories given as name=/path (dangvu.core.backup).
DANGVU_BACKUP_STORAGES = env_list("DANGVU_BACKUP_STORAGES", "default,audit_checkpoints")
DANGVU_BACKUP_DIRS = env_list("DANGVU_BACKUP_DIRS")

# --- E-mail ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "DANGVU_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("DANGVU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DANGVU_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DANGVU_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("DANGVU_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("DANGVU_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DANGVU_EMAIL_FROM", "dangvu@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------------------
CSRF_FAILURE_VIEW = "dangvu.web.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy on every response (django-csp, csp.middleware.CSPMiddleware): only this site's
# own scripts, styles, images and fonts; no inline script or style anywhere (the UI kit keeps its JS and
# CSS in files), no plugins, no framing, forms post only here. tests/browser fails on any violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DANGVU_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DANGVU_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DANGVU_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "huey": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},  # font subsetting when PDFs are printed
    },
}

# --- Product settings -----------------------------------------------------------------------------------
# How many rows one page of a list shows.
DANGVU_PAGE_SIZE = env_int("DANGVU_PAGE_SIZE", 50)
# Citizen IDs of members outside their scope a user may meet in a day (dangvu.members.identity).
DANGVU_IDENTITY_CONFLICTS_PER_DAY = env_int("DANGVU_IDENTITY_CONFLICTS_PER_DAY", 5)
# Password reset (dangvu.accounts.passwords): mails per address and requests per client address, an hour;
# a link stays valid this long (and only until the password changes).
DANGVU_PASSWORD_RESET_PER_ADDRESS = env_int("DANGVU_PASSWORD_RESET_PER_ADDRESS", 3)
DANGVU_PASSWORD_RESET_PER_CLIENT = env_int("DANGVU_PASSWORD_RESET_PER_CLIENT", 10)
PASSWORD_RESET_TIMEOUT = env_int("DANGVU_PASSWORD_RESET_SECONDS", 24 * 3600)
# Units with at least this many members keep statistics cells (kept exact by the folded deltas of every
# member change, recounted nightly); smaller units are counted live in one query (dangvu.members.stats).
DANGVU_STATS_PRECOMPUTE_MIN = env_int("DANGVU_STATS_PRECOMPUTE_MIN", 1_000)
# Name words so frequent that the search index also pairs them with the other words of a name; after a
# change, run `dangvu refresh_member_search`.
DANGVU_SEARCH_COMMON_WORDS = env_str(
    "DANGVU_SEARCH_COMMON_WORDS",
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly",
)

# --- Audit log (dangvu.audit.chain; docs/configuration.md) ------------------------------------------------
# The key of the log's MACs, kept out of the database (or a file holding it); derived from the secret key
# when neither is set.
DANGVU_AUDIT_KEY = env_str("DANGVU_AUDIT_KEY")
DANGVU_AUDIT_KEY_FILE = env_str("DANGVU_AUDIT_KEY_FILE")
DANGVU_AUDIT_CHECKPOINT_MINUTES = env_int("DANGVU_AUDIT_CHECKPOINT_MINUTES", 15)
DANGVU_AUDIT_CHECKPOINT_MAIL = env_list("DANGVU_AUDIT_CHECKPOINT_MAIL")
# SQLite has one writer: a member import commits in batches of about this many milliseconds so that
# logins and file views interleave (0: one transaction). PostgreSQL imports in one transaction.
DANGVU_IMPORT_BATCH_MS = env_int("DANGVU_IMPORT_BATCH_MS", 200)
# Bulk jobs (imports, large exports) give way to requests (dangvu.core.priority): their thread's nice
# value is raised by this much (0: run at the worker's priority), and between batches of database work
# they pause as long as the machine's contention asks, at most this many milliseconds at a time.
DANGVU_BULK_NICE = env_int("DANGVU_BULK_NICE", 10)
DANGVU_BULK_MAX_PAUSE_MS = env_int("DANGVU_BULK_MAX_PAUSE_MS", 2000)

# --- Party-format documents (dangvu.documents.rendering; see docs/document-templates.md) ---------------
# A folder of Typst templates that replaces the built-in one (copy dangvu/documents/rendering/templates
# there and edit); empty: the built-in templates.
DANGVU_DOCUMENT_TEMPLATES_DIR = env_str("DANGVU_DOCUMENT_TEMPLATES_DIR")

# --- Signing (dangvu.signing; see docs/signing.md) ---------------------------------------------------
# Keys, certificates, trust roots and revocation lists live in files here, never in the database.
DANGVU_SIGNING_DIR = Path(env_str("DANGVU_SIGNING_DIR", str(DATA_DIR / "signing")))
# Encrypts the key files (PKCS#12/PKCS#8); required in production, a fixed demo value otherwise.
DANGVU_SIGNING_KEY_PASSPHRASE = env_str(
    "DANGVU_SIGNING_KEY_PASSPHRASE", "" if PRODUCTION else "dangvu-demo-signing"
)
DANGVU_SIGNING_TRUST_ROOTS = env_list("DANGVU_SIGNING_TRUST_ROOTS")  # PEM files, beside <DIR>/trust/*.pem
DANGVU_SIGNING_TSA_URL = env_str("DANGVU_SIGNING_TSA_URL")  # RFC 3161 server: PAdES B-T when set
DANGVU_SIGNING_FETCH_REVOCATION = env_bool("DANGVU_SIGNING_FETCH_REVOCATION", False)
DANGVU_SIGNING_CRL_URL = env_str(
    "DANGVU_SIGNING_CRL_URL", "http://127.0.0.1:8000/api/v1/signing/crl/dangvu-demo-root.crl"
)
# Documents (docs/configuration.md): the Party network (QĐ 337-QĐ/TW: MẬT files only there), the master keys
# that wrap each secret file's key (the first encrypts; the others still decrypt during a rotation), and the
# handling days per urgency ("normal=10,khan=5,thuong-khan=3,hoa-toc=1"; working days).
DANGVU_PARTY_NETWORK = env_bool("DANGVU_PARTY_NETWORK", False)
DANGVU_DOCUMENTS_MASTER_KEYS = env_list("DANGVU_DOCUMENTS_MASTER_KEYS")
DANGVU_DOCUMENTS_HANDLING_DAYS = {
    ("" if urgency == "normal" else urgency): int(days)
    for urgency, _sep, days in (item.partition("=") for item in env_list("DANGVU_DOCUMENTS_HANDLING_DAYS"))
}
_DEMO_POLICY = "2.25.160517346236541137216376372553913361207"
DANGVU_SIGNING_ORGANISATION_POLICIES = env_list("DANGVU_SIGNING_ORGANISATION_POLICIES", f"{_DEMO_POLICY}.2")
DANGVU_SIGNING_PERSON_POLICIES = env_list("DANGVU_SIGNING_PERSON_POLICIES", f"{_DEMO_POLICY}.1")
