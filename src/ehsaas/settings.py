"""Django settings. Every value that differs between installations comes from the environment
(listed in `.env.example`); nothing secret is written here."""

import json
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ehsaas.env import env_bool, env_float, env_int, env_list, env_rate, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("EHSAAS_HOME", str(Path.cwd())))
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not env_bool("EHSAAS_INSECURE_DEV_KEY", default=False):
        raise ImproperlyConfigured("SECRET_KEY must be set (or DEBUG=true for a development run)")
    SECRET_KEY = "development-only-key-never-used-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ehsaas.core",
    "ehsaas.messaging",
    "ehsaas.registry",
    "ehsaas.targeting",
    "ehsaas.programs",
    "ehsaas.payments",
    "ehsaas.community",
    "ehsaas.grievances",
    "ehsaas.portal",
    "ehsaas.api",
    "django_ratelimit",
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
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "ehsaas.urls"
WSGI_APPLICATION = "ehsaas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "ehsaas.sqlite3",
            # Transactions take the write lock when they begin (IMMEDIATE), so one that reads then writes
            # waits for another writer (up to the timeout) instead of failing at once with "database is
            # locked": the web server, the worker and the SMS gateway's callbacks write at the same time.
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ur", _("Urdu"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
# Django ships no Urdu date and number formats; ours are in ehsaas/formats/ur/.
FORMAT_MODULE_PATH = ["ehsaas.formats"]
TIME_ZONE = "Asia/Karachi"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Third-party front-end packages are installed by `make setup` from the npm registry (package-lock.json)
# into frontend/node_modules and served from there; none of them is committed.
# They sit beside the source tree (src/ehsaas → ../../frontend), whatever EHSAAS_HOME says about the data.
FRONTEND_MODULES = Path(
    env_str("FRONTEND_MODULES", str(PACKAGE_DIR.parents[1] / "frontend" / "node_modules"))
)
if FRONTEND_MODULES.is_dir():
    STATICFILES_DIRS.append(("vendor", FRONTEND_MODULES))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Registry rules that an operator may need to tune.
REGISTRY_IMPORT_CHUNK = env_int("REGISTRY_IMPORT_CHUNK", 20_000)
# Connections that write an import's chunks side by side on PostgreSQL (one database core each).
REGISTRY_IMPORT_WORKERS = env_int("REGISTRY_IMPORT_WORKERS", 2)

# The scenario a targeting simulation starts from (each can be changed on the page or the command line):
# Kafaalat's cutoff, its higher cutoff for households with a disabled member, and its quarterly benefit.
SIMULATION_CUTOFF = env_float("SIMULATION_CUTOFF", 32.0)
SIMULATION_DISABLED_CUTOFF = env_float("SIMULATION_DISABLED_CUTOFF", 37.0)
SIMULATION_BENEFIT = env_int("SIMULATION_BENEFIT", 13_500)

# The DCI Social Registry API (ehsaas.api).
# This registry's id in DCI headers (sender_id of our answers, the receiver_id clients address).
DCI_REGISTRY_ID = env_str("DCI_REGISTRY_ID", "registry.ehsaas.local")
# Our ed25519 signing key (PEM), made by `ehsaas dci keygen`; never committed.
DCI_SIGNING_KEY_FILE = Path(env_str("DCI_SIGNING_KEY_FILE", str(VAR_DIR / "dci" / "signing-key.pem")))
# How old a request's message_ts may be, in seconds.
DCI_MESSAGE_MAX_AGE = env_int("DCI_MESSAGE_MAX_AGE", 300)
# The largest page a search may ask for.
DCI_MAX_PAGE_SIZE = env_int("DCI_MAX_PAGE_SIZE", 100)
# Seconds to wait for a client's callback URI to answer.
DCI_OUTBOUND_TIMEOUT = env_int("DCI_OUTBOUND_TIMEOUT", 10)
# The class that POSTs callbacks and notifications (tests use ehsaas.api.outbound.RecordingOutbound).
DCI_OUTBOUND = env_str("DCI_OUTBOUND", "ehsaas.api.outbound.UrllibOutbound")

# The 8171 eligibility check (ehsaas.portal): limits on how many CNICs one connection (the page and the
# API together) and one phone (SMS) may check, so that nobody can walk through CNICs to learn who is
# registered. Rates are django-ratelimit's: a count per period, "30/h", "10/d", "5/10m".
CHECK_LIMIT_PER_IP = env_rate("CHECK_LIMIT_PER_IP", "30/h")
CHECK_LIMIT_PER_PHONE = env_rate("CHECK_LIMIT_PER_PHONE", "10/d")
# Where the client's address is read from: REMOTE_ADDR, or the header a proxy in front sets (nginx's
# X-Real-IP arrives as HTTP_X_REAL_IP). Behind a proxy REMOTE_ADDR is the proxy, the same for everyone.
CHECK_CLIENT_ADDRESS_FROM = env_str("CHECK_CLIENT_ADDRESS_FROM", "REMOTE_ADDR")
RATELIMIT_IP_META_KEY = "ehsaas.portal.limits.client_address"
# The shared secret the SMS gateway adds to its get-url (`&token=…`). Without one, /sms/inbound answers
# only a gateway on this machine (loopback), so that nobody can call it directly with made-up numbers.
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN")

# Outbound SMS (ehsaas.messaging). SMS_GATEWAY "log" records in the outbox that each message would have
# been sent and sends nothing (the demo); "kannel" sends through Kannel's sendsms interface.
SMS_GATEWAY = env_str("SMS_GATEWAY", "log")
if SMS_GATEWAY not in ("log", "kannel"):
    raise ImproperlyConfigured(f"SMS_GATEWAY must be log or kannel, not {SMS_GATEWAY!r}")
KANNEL_SENDSMS_URL = env_str("KANNEL_SENDSMS_URL", "http://127.0.0.1:13013/cgi-bin/sendsms")
KANNEL_USERNAME = env_str("KANNEL_USERNAME")
KANNEL_PASSWORD = env_str("KANNEL_PASSWORD")
# Where Kannel reaches our delivery reports (/sms/delivery); empty asks for none.
KANNEL_DLR_URL = env_str("KANNEL_DLR_URL")
# The number messages come from (the short code people reply to).
SMS_SENDER = env_str("SMS_SENDER", "8171")
# Messages a second the sender hands to the gateway, at most (the rate agreed with the operator).
SMS_SEND_RATE = env_float("SMS_SEND_RATE", 10.0)
if SMS_SEND_RATE <= 0:
    raise ImproperlyConfigured(f"SMS_SEND_RATE must be more than 0 messages a second, not {SMS_SEND_RATE}")
# Attempts at a message the gateway refuses before it is marked failed (each after a longer wait).
SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 5)
if SMS_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(f"SMS_MAX_ATTEMPTS must be at least 1, not {SMS_MAX_ATTEMPTS}")

# Payment instructions (ehsaas.payments.instructions): where the providers' files are kept (each once,
# with its SHA-256 beside it), how many payments a file or API batch carries at most, the account the
# programme pays from (the pain.001 debtor), and the provider API adapter with its timeout and retries.
PAYMENT_FILES_DIR = Path(env_str("PAYMENT_FILES_DIR", str(VAR_DIR / "payments")))
PAYMENT_BATCH_SIZE = env_int("PAYMENT_BATCH_SIZE", 50_000)
if PAYMENT_BATCH_SIZE < 1:
    raise ImproperlyConfigured(f"PAYMENT_BATCH_SIZE must be at least 1, not {PAYMENT_BATCH_SIZE}")
PAYMENT_DEBTOR_NAME = env_str("PAYMENT_DEBTOR_NAME", "Ehsaas programme")
PAYMENT_DEBTOR_IBAN = env_str("PAYMENT_DEBTOR_IBAN", "PK37SBPP0000001234567890")
PAYMENT_DEBTOR_BIC = env_str("PAYMENT_DEBTOR_BIC", "SBPPPKKA")
# The class that sends batches to providers' APIs: the simulator (the demo's; nobody is paid) or
# ehsaas.payments.instructions.adapter.HttpProviderApi.
PAYMENT_PROVIDER_API = env_str(
    "PAYMENT_PROVIDER_API", "ehsaas.payments.instructions.simulator.SimulatedProviderApi"
)
PAYMENT_PROVIDER_API_TOKEN = env_str("PAYMENT_PROVIDER_API_TOKEN")
PAYMENT_API_TIMEOUT = env_float("PAYMENT_API_TIMEOUT", 30.0)
PAYMENT_API_ATTEMPTS = env_int("PAYMENT_API_ATTEMPTS", 5)
if PAYMENT_API_ATTEMPTS < 1:
    raise ImproperlyConfigured(f"PAYMENT_API_ATTEMPTS must be at least 1, not {PAYMENT_API_ATTEMPTS}")
PAYMENT_API_BACKOFF = env_float("PAYMENT_API_BACKOFF", 2.0)


# Statuses back from providers (ehsaas.payments.statuses): the secret each provider signs its callbacks
# (POST /payments/callbacks/<code>/) with, as HMAC-SHA256 of the body. A JSON object
# ({"easypaisa": "…"}) or a comma list (easypaisa=…,jazzcash=…); a provider without one cannot call back.
def _callback_secrets(raw: str) -> dict[str, str]:
    raw = raw.strip()
    if raw.startswith("{"):
        try:
            secrets = json.loads(raw)
        except ValueError:
            secrets = None
        if not isinstance(secrets, dict) or not all(isinstance(v, str) and v for v in secrets.values()):
            raise ImproperlyConfigured(
                "PAYMENT_CALLBACK_SECRETS must be a JSON object of provider code: secret"
            )
        return secrets
    secrets = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        code, equals, secret = item.partition("=")
        if not equals or not code.strip() or not secret.strip():
            raise ImproperlyConfigured(
                f"PAYMENT_CALLBACK_SECRETS must list code=secret, not {item.split('=')[0]!r}=…"
            )
        secrets[code.strip()] = secret.strip()
    return secrets


PAYMENT_CALLBACK_SECRETS = _callback_secrets(env_str("PAYMENT_CALLBACK_SECRETS"))

# The counters of those limits live in the cache. The default, local memory, counts in each server
# process on its own: with gunicorn's 4 workers a person meets the limit after between 1 and 4 times its
# count. A memcached (CACHE_BACKEND=django.core.cache.backends.memcached.PyMemcacheCache with
# CACHE_LOCATION=127.0.0.1:11211, and `pip install pymemcache`) gives one count for all of them.
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("CACHE_LOCATION"),
    }
}
if CACHES["default"]["BACKEND"].endswith("locmem.LocMemCache"):
    # django-ratelimit calls local memory "not a shared cache": true, and accepted above.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Cash collection at payment points (ehsaas.payments.collection): the class that confirms with the
# biometric verification provider that a device's fingerprint result is genuine. The shipped one is a
# simulator for the demo and tests; a deployment names its provider's adapter here.
BIOMETRIC_VERIFIER = env_str(
    "BIOMETRIC_VERIFIER", "ehsaas.payments.collection.adapters.SimulatedBiometricVerifier"
)
