"""Settings, read from the environment with zero-config defaults.

A fresh clone runs offline on embedded defaults: SQLite, the django-q2 ORM broker, local file storage,
console email and this project's own ID-photo engine. Scale-out is by environment only: DATABASE_URL
(PostgreSQL), REDIS_URL (django-q2 broker), S3_BUCKET (django-storages).
"""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name, default, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be >= {minimum}, got {value}")
    return value


def env_float(name, default, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be >= {minimum}, got {value}")
    return value


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key():
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # A per-checkout key kept beside the database, so signed URLs survive restarts of `make run`.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Behind a proxy that terminates TLS: trust its X-Forwarded-Proto, so CSRF origin checks pass and the
# result URLs the API builds say https. Only for a proxy that always sets (or strips) this header.
if env_bool("SECURE_PROXY_SSL", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Cookies travel over https only once the site is served over https.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SITE_URL.startswith("https://")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_q",
    "axes",
    "csp",
    "api",
    "photos",
    "payments",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common: the language comes from the switcher's cookie, else Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "photos.middleware.RememberLanguage",  # the customer's language for e-mails sent later
    "photos.middleware.NoStoreForSignedIn",  # Back never shows an old balance
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "idphoto_site.urls"
WSGI_APPLICATION = "idphoto_site.wsgi.application"

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
                "accounts.context_processors.account_notices",
            ],
        },
    },
]


# IMMEDIATE transactions take the write lock at BEGIN, so two writers queue instead of failing with
# "database is locked" half-way through; busy_timeout is how long they queue. The credit ledgers rely on it.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
}


def _databases():
    url = env_str("DATABASE_URL")
    if url:
        import dj_database_url

        try:
            # Health checks re-open a persistent connection the server dropped (restart, failover).
            max_age = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
            db = dj_database_url.parse(url, conn_max_age=max_age, conn_health_checks=True)
        except ValueError as exc:
            raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Django can use: {exc}") from None
        if db["ENGINE"] == "django.db.backends.sqlite3":  # a sqlite:// URL keeps the same locking
            db["OPTIONS"] = {**SQLITE_OPTIONS, **db.get("OPTIONS", {})}
        return {"default": db}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            "OPTIONS": dict(SQLITE_OPTIONS),
            # One test database file per test process, so parallel runs never share one; a file (not
            # :memory:) so a live server thread and a qcluster subprocess can open the same database.
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH", str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3"))},
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "photos:login"  # the account pages live in the photos app's URL namespace
LOGIN_REDIRECT_URL = "photos:home"
LOGOUT_REDIRECT_URL = "photos:home"

LANGUAGE_CODE = "en"
# The web app's languages (locale/, compiled by `make run` / `make test`); each named in its own language.
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request when it is missing
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# Uploads up to the API's 15 MB limit are streamed to a temporary file rather than kept in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 32 * 1024 * 1024


def _storages():
    bucket = env_str("S3_BUCKET")
    staticfiles = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    if not DEBUG:
        staticfiles = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    if bucket:
        # file_overwrite off: a second save under a taken name gets a new name, as on the file system, so
        # code that deletes "its" copy after losing a race never deletes the winner's file.
        options = {"bucket_name": bucket, "default_acl": None, "querystring_auth": True}
        options["file_overwrite"] = False
        if env_str("S3_ENDPOINT_URL"):
            options["endpoint_url"] = env_str("S3_ENDPOINT_URL")
        if env_str("S3_REGION"):
            options["region_name"] = env_str("S3_REGION")
        default = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    else:
        default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {"default": default, "staticfiles": staticfiles}


STORAGES = _storages()

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "idphoto <noreply@localhost>")
if env_str("EMAIL_HOST") and "EMAIL_BACKEND" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def _q_cluster():
    # Tasks retry after `retry` seconds if a worker dies mid-task; it must exceed the longest job
    # (180 s engine limit plus download), and `timeout` must stay below it.
    conf = {
        "name": "idphoto",
        "workers": env_int("Q_WORKERS", 2, minimum=1),
        "timeout": 240,
        "retry": 300,
        "max_attempts": 2,
        "ack_failures": True,
        "catch_up": False,
        "label": "Queue",
        "poll": 0.2,
        "save_limit": 500,
    }
    redis_url = env_str("REDIS_URL")
    if redis_url:
        conf["redis"] = redis_url
    else:
        conf["orm"] = "default"
    if env_bool("Q_SYNC", False):
        conf["sync"] = True
    return conf


Q_CLUSTER = _q_cluster()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Signed result URLs are bearer tokens: access and request log lines show them redacted.
    "filters": {"redact_result_tokens": {"()": "api.logs.RedactResultTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_result_tokens"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's defaults give these their own handlers; route them through the redacting console handler.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- ID-photo API (the seed contract, served by the `api` app) -------------------------------------
# Requests per second allowed per API key (token bucket in the database).
IDPHOTO_RATE_LIMIT_PER_SECOND = env_float("IDPHOTO_RATE_LIMIT_PER_SECOND", 2.0, minimum=0.01)
# How long result URLs work, and how long results and uploads are kept before the cleanup job deletes them.
IDPHOTO_RESULT_URL_TTL = env_int("IDPHOTO_RESULT_URL_TTL", 3600, minimum=1)
IDPHOTO_RETENTION_SECONDS = env_int("IDPHOTO_RETENTION_SECONDS", 3600, minimum=60)
# Inputs reused through last_id are kept longer than results so a user can order another document.
IDPHOTO_INPUT_RETENTION_SECONDS = env_int("IDPHOTO_INPUT_RETENTION_SECONDS", 7 * 24 * 3600, minimum=60)
IDPHOTO_SYNC_TIMEOUT = env_int("IDPHOTO_SYNC_TIMEOUT", 180, minimum=1)
# image_url downloads: refuse private, loopback and link-local targets unless this is on (tests only).
IDPHOTO_URL_ALLOW_PRIVATE = env_bool("IDPHOTO_URL_ALLOW_PRIVATE", False)
IDPHOTO_URL_TIMEOUT = env_float("IDPHOTO_URL_TIMEOUT", 10.0, minimum=0.1)
# A running task renews its lease (Task.heartbeat_at) every quarter of this; one not renewed for this long
# belongs to a process that died and is failed (its credit released) by the next read, create or sweep.
IDPHOTO_TASK_LEASE_SECONDS = env_int("IDPHOTO_TASK_LEASE_SECONDS", 60, minimum=2)
if IDPHOTO_TASK_LEASE_SECONDS <= IDPHOTO_URL_TIMEOUT:
    # A download renews the lease per chunk, but a stalled one only ends at IDPHOTO_URL_TIMEOUT.
    raise ImproperlyConfigured("IDPHOTO_TASK_LEASE_SECONDS must be longer than IDPHOTO_URL_TIMEOUT")

# --- Web app ------------------------------------------------------------------------------------
# Empty: the queue worker runs the engine itself (one hop, no API key). Set both to send each job as one
# synchronous request to another server speaking the seed contract (this project elsewhere, or the
# commercial service).
PHOTOS_API_BASE_URL = env_str("PHOTOS_API_BASE_URL").rstrip("/")
PHOTOS_API_KEY = env_str("PHOTOS_API_KEY")
if PHOTOS_API_BASE_URL and not PHOTOS_API_KEY:
    raise ImproperlyConfigured("PHOTOS_API_BASE_URL is set, so PHOTOS_API_KEY must be set too")
# A job still unfinished after this many seconds fails and its credits are returned.
PHOTOS_JOB_TIME_LIMIT = env_int("PHOTOS_JOB_TIME_LIMIT", 200, minimum=1)
PHOTOS_SIGNUP_CREDITS = env_int("PHOTOS_SIGNUP_CREDITS", 30, minimum=0)
PHOTOS_REQUIRE_APPROVAL = env_bool("PHOTOS_REQUIRE_APPROVAL", False)
# --- Payments (Stripe Checkout) ------------------------------------------------------------------
# Without STRIPE_SECRET_KEY the buy page says purchases are not configured; staff still grant credits.
# STRIPE_API_BASE points the library at another server (tests, Stripe-compatible servers).
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE").rstrip("/")
# Currencies Stripe counts in whole units (no cents); every other currency has 2 decimals here.
ZERO_DECIMAL_CURRENCIES = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd",
                           "vuv", "xaf", "xof", "xpf"}


def _stripe_settings():
    if STRIPE_SECRET_KEY and not STRIPE_SECRET_KEY.startswith(("sk_", "rk_")):
        raise ImproperlyConfigured("STRIPE_SECRET_KEY must be a Stripe secret key (sk_... or rk_...)")
    if STRIPE_SECRET_KEY and not STRIPE_WEBHOOK_SECRET:
        raise ImproperlyConfigured(
            "STRIPE_WEBHOOK_SECRET must be set when STRIPE_SECRET_KEY is (purchases are granted by the webhook)"
        )
    if STRIPE_WEBHOOK_SECRET and not STRIPE_WEBHOOK_SECRET.startswith("whsec_"):
        raise ImproperlyConfigured("STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_...)")
    if STRIPE_API_BASE and not STRIPE_API_BASE.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"STRIPE_API_BASE must be an http(s) URL, got {STRIPE_API_BASE!r}")


def _credit_pack(item):
    """One "credits:price:currency" item, e.g. "30:4.99:usd", as a pack dict (amount in minor units)."""
    from decimal import Decimal, InvalidOperation

    bad = ImproperlyConfigured(
        f"PHOTOS_CREDIT_PACKS must be comma-separated credits:price:currency items like 30:4.99:usd, got {item!r}"
    )
    parts = item.strip().split(":")
    if len(parts) != 3 or not parts[0].isdigit() or int(parts[0]) < 1:
        raise bad
    currency = parts[2].strip().lower()
    if len(currency) != 3 or not currency.isalpha():
        raise bad
    try:
        price = Decimal(parts[1])
    except InvalidOperation:
        raise bad from None
    exponent = 0 if currency in ZERO_DECIMAL_CURRENCIES else 2
    amount = price.scaleb(exponent)
    if not price.is_finite() or price <= 0 or amount != amount.to_integral_value():
        raise bad
    return {"id": parts[0], "credits": int(parts[0]), "amount": int(amount), "currency": currency}


def _credit_packs():
    raw = env_str("PHOTOS_CREDIT_PACKS") or "30:4.99:usd,100:14.99:usd,300:39.99:usd"
    packs = [_credit_pack(item) for item in raw.split(",") if item.strip()]
    ids = [pack["id"] for pack in packs]
    if not packs or len(set(ids)) != len(ids):
        raise ImproperlyConfigured(f"PHOTOS_CREDIT_PACKS needs at least one pack and one per credit count, got {raw!r}")
    return packs


_stripe_settings()
PHOTOS_CREDIT_PACKS = _credit_packs()

# --- Security headers ----------------------------------------------------------------------------
# On by default once the public address is https; each can be turned off (or on) from the environment.
_HTTPS_SITE = SITE_URL.startswith("https://")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS_SITE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load-balancer checks often speak plain http to the backend
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if _HTTPS_SITE else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _HTTPS_SITE)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a commitment to the browsers' HSTS list that only the domain's owner can make, so
    # `check --deploy` is not asked to insist on it.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and style sheets only from this site, no inline script,
# no eval. Style *attributes* stay allowed (progress-bar widths, colour chips); they cannot run code and
# img-src keeps them from loading anything from elsewhere.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [_SELF, "data:", "blob:"],
        "connect-src": [_SELF],
        "font-src": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
        "base-uri": [_NONE],
        "object-src": [_NONE],
    }
}

# --- Accounts: login throttling (django-axes) and sign-ups -----------------------------------------
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ThrottledLoginBackend",  # checks the lock-out before any password is compared
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins lock the account (from any address) and the address (for any account) separately.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_address"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True  # no record of successful logins (address, browser) is needed, so none is kept
AXES_VERBOSE = False  # its start-up banner would land in every manage.py command's output

# Proxies in front of the app that append to X-Forwarded-For: the client address is that many entries
# from the right. 0 uses the connection's address (REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if env_bool("SECURE_PROXY_SSL", False) else 0, minimum=0)
ACCOUNTS_SIGNUPS_PER_HOUR = env_int("ACCOUNTS_SIGNUPS_PER_HOUR", 5, minimum=1)
# A confirmation link works this long.
ACCOUNTS_CONFIRM_DAYS = env_int("ACCOUNTS_CONFIRM_DAYS", 3, minimum=1)

# --- Retention of the web app's files (days; the privacy page states them) ---------------------------
RETAIN_PREVIEW_DAYS = env_int("RETAIN_PREVIEW_DAYS", 1, minimum=1)
RETAIN_RESULT_DAYS = env_int("RETAIN_RESULT_DAYS", 30, minimum=1)
RETAIN_ORIGINAL_DAYS = env_int("RETAIN_ORIGINAL_DAYS", 30, minimum=1)
