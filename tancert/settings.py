"""One env-driven settings file (healthchecks style).

Production is the default: DEBUG off, TANCERT_SECRET_KEY required, https only (SSL redirect, HSTS, secure
cookies), a Content-Security-Policy without inline script or style. A deployment sets TANCERT_SECRET_KEY,
DATABASE_URL and TANCERT_ALLOWED_HOSTS (README, Running in production). The demo, the tests and a developer's
machine opt into conveniences with TANCERT_DEMO=1 (set by `tancert demo`, manage.py and, for the tests,
tancert/settings_demo.py): a random key kept in TANCERT_HOME, plain http on 127.0.0.1. TANCERT_DEBUG=1 shows
tracebacks.
"""

from __future__ import annotations

import os
from datetime import timedelta as _timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE as _CSP_NONE
from csp.constants import SELF as _CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation as _translation
from django.utils.text import format_lazy as _format_lazy
from django.utils.translation import gettext_lazy as _

from tancert.scheme import host as _engine_host


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


BASE_DIR = Path(__file__).resolve().parent
# Where the database, uploads and generated records live; the demo creates it in the working directory.
DATA_DIR = Path(env_str("TANCERT_HOME", str(Path.cwd() / "var"))).resolve()
# The demo, the tests and a developer's machine: plain http on 127.0.0.1 and a key made for this machine.
DEMO = env_bool("TANCERT_DEMO", False)

NO_SECRET_KEY = (
    "未设置 TANCERT_SECRET_KEY：生产环境必须提供密钥（至少 50 个随机字符，所有应用服务器使用同一个）。"
    "生成：python3 -c 'import secrets; print(secrets.token_urlsafe(50))'。"
    "仅在本机试用时可用 tancert demo 或设置 TANCERT_DEMO=1。\n"
    "TANCERT_SECRET_KEY is not set: production needs a key (at least 50 random characters, the same on every "
    "application server). Make one with python3 -c 'import secrets; print(secrets.token_urlsafe(50))'. "
    "To try tancert on this machine only, run tancert demo or set TANCERT_DEMO=1."
)


def _secret_key() -> str:
    """TANCERT_SECRET_KEY; in the demo and the tests (TANCERT_DEMO=1) a random key made once and kept in
    TANCERT_HOME (readable by the owner only). There is no built-in key: one published in the source would
    let anyone forge sessions. Production refuses to start without a key rather than make one silently on
    each server (several application servers must share one)."""
    key = os.environ.get("TANCERT_SECRET_KEY", "").strip()
    if key:
        return key
    if not DEMO:
        raise ImproperlyConfigured(NO_SECRET_KEY)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        import secrets

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_urlsafe(50).encode())
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    return path.read_text().strip()


try:
    SECRET_KEY = _secret_key()
except FileExistsError:  # another process made it at the same moment
    SECRET_KEY = (DATA_DIR / "secret_key").read_text().strip()
# Production is the default: tracebacks and the URL list are shown only where someone asks for them.
DEBUG = env_bool("TANCERT_DEBUG", False)
ALLOWED_HOSTS = [h for h in env_str("TANCERT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("TANCERT_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# --- Secure by default (docs/architecture.md, Security; `tancert check --deploy` passes) -------------------
# https only: redirect, HSTS, cookies never sent over http. The demo and the tests serve plain http on
# 127.0.0.1 and opt out. HSTS covers subdomains and allows preloading unless the body's domain says otherwise.
SECURE_SSL_REDIRECT = env_bool("TANCERT_SSL_REDIRECT", not DEMO)
SECURE_HSTS_SECONDS = env_int("TANCERT_HSTS_SECONDS", 0 if DEMO else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TANCERT_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("TANCERT_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEMO
# No script reads a cookie: the CSRF token reaches scripts in a data attribute (offline.js).
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
# Lax, not Strict: a link in an e-mail must open the page logged in.
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """Behind a proxy that ends TLS: TANCERT_PROXY_SSL_HEADER names the header it sets to "https"
    (X-Forwarded-Proto, or HTTP_X_FORWARDED_PROTO). Only set it when the proxy overwrites that header on
    every request: otherwise a client could claim https (Django docs, SECURE_PROXY_SSL_HEADER)."""
    name = name.strip()
    if not name:
        return None
    if not name.upper().startswith("HTTP_"):
        name = "HTTP_" + name.replace("-", "_")
    return name.upper(), "https"


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env_str("TANCERT_PROXY_SSL_HEADER", ""))
# Content-Security-Policy (django-csp 4): scripts and styles only from our own static files, never inline
# (templates carry no <script> body, style= or on*= attribute; tests/security checks the header). Images
# also from data: URIs (the certification mark and QR codes are drawn as data URIs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_CSP_SELF],
        "script-src": [_CSP_SELF],
        "style-src": [_CSP_SELF],
        "img-src": [_CSP_SELF, "data:"],
        "font-src": [_CSP_SELF],
        "connect-src": [_CSP_SELF],
        "object-src": [_CSP_NONE],
        "base-uri": [_CSP_NONE],
        "form-action": [_CSP_SELF],
        "frame-ancestors": [_CSP_NONE],
    },
}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    # Django Ninja as an app: the API docs page takes Swagger UI from our static files, not from a CDN with an
    # inline script (the Content-Security-Policy allows neither; a CDN may also be unreachable in China).
    "ninja",
    "tancert.people",
    "tancert.records",
    "tancert.clients",
    "tancert.audits",
    "tancert.certificates",
    "tancert.ops",
    "tancert.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tancert.web.middleware.RequestSizeMiddleware",  # an oversize body: a 413 before anything reads it
    "tancert.web.middleware.NulRefusedMiddleware",  # PostgreSQL cannot hold NUL: a 400, never a 500
    "tancert.web.policy.PolicyOnceCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tancert.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tancert.ui.outbox.OutboxReplyMiddleware",  # answers to the offline outbox (docs/audits.md §5)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tancert.urls"
WSGI_APPLICATION = "tancert.wsgi.application"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% rule key %} and |basis on every template: rule keys for staff only (docs/i18n.md).
            "builtins": ["tancert.web.templatetags.rulekeys"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tancert.web.context.body",
            ],
        },
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'tancert.sqlite3'}"
# Persistent connections (seconds, 0 = one per request): opening a connection per request cost the public
# register a large share of each lookup (docs/performance.md, Public register); the health check drops one
# the database closed before it is reused.
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_db),
                                             conn_max_age=env_int("TANCERT_DB_CONN_MAX_AGE", 60),
                                             conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two appends to the
    # record chain can never read the same predecessor (docs/architecture.md, Records).
    # WAL: readers never block the writer (bench/register.py: a long register search held the read lock
    # while lookups logged themselves, "database is locked"; docs/performance.md, Public register).
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20,
                                       "init_command": "PRAGMA journal_mode=WAL;"}
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Accounts and sign-in (docs/security.md): passwords, lockout, second factor for staff ----------
# One block for the merge: the apps, middleware and backends it adds are appended to the lists above.
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
]
# OTPMiddleware after AuthenticationMiddleware (it wraps request.user); the staff gate after it; Axes last
# (it turns a lockout flagged during the request into the lockout page).
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "django_otp.middleware.OTPMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
                  "tancert.people.accounts.middleware.StaffSecondFactorMiddleware")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# Axes first: it refuses a locked-out user or address before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Every path that sets a password runs these (tancert/people/accounts/passwords.py); the display name counts as
# a personal attribute too.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "email", "display_name", "first_name", "last_name")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env_int("TANCERT_PASSWORD_MIN_LENGTH", 10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout (django-axes): after this many failed sign-ins an account, and separately an address, is locked for
# the cool-off time; a system administrator can unlock earlier (the accounts page).
AXES_FAILURE_LIMIT = env_int("TANCERT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = _timedelta(minutes=env_int("TANCERT_LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
# A success does not wipe the count: interleaving sign-ins to an own account would otherwise reset the
# address counter that also holds the failures against someone else's account.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "tancert.people.accounts.lockout.lockout_response"
# Behind a proxy, the same header as the lookup limit names the client address.
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(h for h in (env_str("TANCERT_CLIENT_ADDRESS_HEADER", ""), "REMOTE_ADDR") if h)
# Second factor (django-otp): the issuer shown in the authenticator app; wrong codes slow down exponentially.
OTP_TOTP_ISSUER = env_str("TANCERT_OTP_ISSUER", "tancert")


def _passkey_rp_id(hosts: list[str]) -> str:
    """The passkeys' relying party ID (docs/security.md, Passkeys): TANCERT_WEBAUTHN_RP_ID, else the first
    domain name of ALLOWED_HOSTS ("localhost" in the demo). Browsers refuse an IP address as RP ID."""
    import ipaddress

    for host in hosts:
        name = host.lstrip(".").lower()
        if not name or "*" in name or name == "testserver":
            continue
        try:
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            return name
    return "localhost"


# Passkeys (django-otp-webauthn) as a second factor after the password, never instead of it. A passkey is
# bound to its RP ID: changing it later makes every passkey useless (users then enrol again).
OTP_WEBAUTHN_RP_ID = env_str("TANCERT_WEBAUTHN_RP_ID", "") or _passkey_rp_id(ALLOWED_HOSTS)
OTP_WEBAUTHN_RP_NAME = env_str("TANCERT_WEBAUTHN_RP_NAME", OTP_TOTP_ISSUER)
# Origins that may use the passkeys: these, and the page's own origin when its host is the RP ID or below it
# and it is https or localhost (tancert/people/accounts/passkeys.py).
OTP_WEBAUTHN_ALLOWED_ORIGINS = [o for o in env_str("TANCERT_WEBAUTHN_ORIGINS", "").split(",") if o] or [
    f"https://{OTP_WEBAUTHN_RP_ID}"]
OTP_WEBAUTHN_HELPER_CLASS = "tancert.people.accounts.passkeys.Helper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_TIMEOUT_SECONDS = 120
PASSWORD_RESET_TIMEOUT = env_int("TANCERT_PASSWORD_RESET_SECONDS", 3 * 3600)
# --- end of accounts and sign-in ---------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True
# WhiteNoise warns when STATIC_ROOT is missing; static files come from the app folders (finders).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"  # never served publicly: downloads go through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A body read into memory whole (JSON, a form); over it a 413 (web/middleware.RequestSizeMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
# The whole of a multipart request (its files stream to disk first; each file then has its own cap,
# TANCERT_UPLOAD_LIMITS): room for a few files at their cap in one form, never a full disk. Over it a 413.
# The proxy's limit (nginx client_max_body_size, docs/deployment.md) should be the same.
TANCERT_MAX_REQUEST_BYTES = env_int("TANCERT_MAX_REQUEST_BYTES", 64 * 1024 * 1024)

# --- The certification body and scheme settings -------------------------------------------
TANCERT_BODY = {
    "code": env_str("TANCERT_BODY_CODE", "CEC"),
    "name_zh": env_str("TANCERT_BODY_NAME_ZH", "中环联合（北京）认证中心有限公司"),
    "name_en": env_str("TANCERT_BODY_NAME_EN", "China Environmental United Certification Center Co., Ltd."),
    "address_zh": env_str("TANCERT_BODY_ADDRESS_ZH", "北京市朝阳区育慧南路1号"),
    "address_en": env_str("TANCERT_BODY_ADDRESS_EN", "No. 1 Yuhui South Road, Chaoyang District, Beijing"),
    "public_url": env_str("TANCERT_PUBLIC_URL", "http://127.0.0.1:8000"),
}
# R9.2-validity: certificate validity in years (a scheme setting, see the Reading of 9.3).
TANCERT_CERT_VALIDITY_YEARS = env_int("TANCERT_CERT_VALIDITY_YEARS", 3)
# R7.3.3: an initial audit (stage 1 + stage 2) is planned with at least the calculated audit time.
TANCERT_ENFORCE_CALCULATED_AUDIT_TIME = env_bool("TANCERT_ENFORCE_CALCULATED_AUDIT_TIME", True)
# Certificate number pattern (fully configurable, R9.1-a); fields: body, yyyy, yy, serial, cycle.
TANCERT_CERT_NUMBER_PATTERN = env_str("TANCERT_CERT_NUMBER_PATTERN", "{body}{yy}CMS{serial:05d}R{cycle}")
# Decisions and certificates (docs/certificates.md), the body's own policies (the rules leave them to the body):
# R7.5: size of the decision committee; the decision takes effect when all members agree.
TANCERT_DECISION_COMMITTEE_SIZE = env_int("TANCERT_DECISION_COMMITTEE_SIZE", 1)
# R7.5: a declared conflict of interest bars a decider for this many years after it ended.
TANCERT_CONFLICT_YEARS = env_int("TANCERT_CONFLICT_YEARS", 2)
# R9.2-suspend: suspend within this many days of confirming the trigger (later ones are flagged late).
TANCERT_SUSPEND_WITHIN_DAYS = env_int("TANCERT_SUSPEND_WITHIN_DAYS", 5)
# R9.3-renewal: a late renewal application within this many months after expiry restores the chain;
# later, the organisation applies for initial certification (0 disables late renewal).
TANCERT_LATE_RENEWAL_MONTHS = env_int("TANCERT_LATE_RENEWAL_MONTHS", 6)
# How long a signed certificate status statement stays fresh (docs/verify.md).
TANCERT_STATUS_LIFETIME_MINUTES = env_int("TANCERT_STATUS_LIFETIME_MINUTES", 60)
# Regulator export: due by this day of the following month.
TANCERT_REGULATOR_EXPORT_DAY = env_int("TANCERT_REGULATOR_EXPORT_DAY", 10)
# Prefix of the audit plan numbers in the report (CNCA recommends R0 + the last 3 digits of the body's approval
# number + a 2-digit branch code; the approval number is the body's, so it is a setting, default the body code).
TANCERT_REPORT_PLAN_PREFIX = env_str("TANCERT_REPORT_PLAN_PREFIX", "")
# E-mail: console in development and the demo; set TANCERT_EMAIL_BACKEND and EMAIL_* for SMTP.
EMAIL_BACKEND = env_str("TANCERT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("TANCERT_FROM_EMAIL", "noreply@tancert.local")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds: a dead mail server must not hold a worker
# R7.2-contract / R12: the fee schedule (yuan) for quotes; a body sets its own.
TANCERT_FEES = {
    "application_fee": env_int("TANCERT_FEE_APPLICATION", 1000),
    "day_rate": env_int("TANCERT_FEE_DAY_RATE", 3500),
    "travel_per_audit_day": env_int("TANCERT_FEE_TRAVEL_PER_DAY", 600),
    "registration_fee_per_year": env_int("TANCERT_FEE_REGISTRATION", 1000),
}
# No audit is planned before the contract is signed and paid (R7.2-contract); a body may allow planning
# after signature only.
TANCERT_PLAN_REQUIRES_PAYMENT = env_bool("TANCERT_PLAN_REQUIRES_PAYMENT", True)
# R9.2-lookup: public lookups per client address and minute; behind a proxy name the header that carries
# the client address (e.g. HTTP_X_FORWARDED_FOR).
TANCERT_LOOKUPS_PER_MINUTE = env_int("TANCERT_LOOKUPS_PER_MINUTE", 60)
TANCERT_CLIENT_ADDRESS_HEADER = env_str("TANCERT_CLIENT_ADDRESS_HEADER", "")
# The lookup count lives in the database; with a Redis URL (redis://host:6379/0) in Redis instead, shared by
# every worker and server that names the same Redis (docs/security.md, "Rate limit").
TANCERT_REDIS_URL = env_str("REDIS_URL", "")
# The lookup log (R9.2-lookup) is written off the request path: rows wait in the worker's memory and a
# background thread writes them in one batch at most this many seconds later (0 = one INSERT per lookup, in
# the request). A clean stop writes what waits; a crash loses at most this window (docs/performance.md).
TANCERT_LOOKUP_LOG_FLUSH_SECONDS = env_int("TANCERT_LOOKUP_LOG_FLUSH_MS", 1000) / 1000
# The public lookup API answered in front of the middleware stack (api/fastpath.py, docs/performance.md).
TANCERT_REGISTER_FAST_PATH = env_bool("TANCERT_REGISTER_FAST_PATH", True)
# Rendered certificate pages kept per process for anonymous visitors (certificates/register/pagecache.py), in bytes.
TANCERT_REGISTER_PAGE_CACHE_BYTES = env_int("TANCERT_REGISTER_PAGE_CACHE_MB", 16) * 2**20
# D5 (credit-system screenshot) older than this many days gives a warning.
TANCERT_D5_MAX_AGE_DAYS = env_int("TANCERT_D5_MAX_AGE_DAYS", 30)
# Uploads (docs/architecture.md, "Uploads"): the cap of any uploaded file in bytes; under it a cap per type,
# the pixel cap of images (a decompression bomb is a small file with enormous dimensions) and the page cap
# of PDFs.
TANCERT_MAX_UPLOAD_BYTES = env_int("TANCERT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
TANCERT_UPLOAD_LIMITS = {
    "pdf": env_int("TANCERT_UPLOAD_MAX_PDF_BYTES", 20 * 1024 * 1024),
    "png": env_int("TANCERT_UPLOAD_MAX_PNG_BYTES", 10 * 1024 * 1024),
    "jpeg": env_int("TANCERT_UPLOAD_MAX_JPEG_BYTES", 10 * 1024 * 1024),
    "docx": env_int("TANCERT_UPLOAD_MAX_DOCX_BYTES", 20 * 1024 * 1024),
    "xlsx": env_int("TANCERT_UPLOAD_MAX_XLSX_BYTES", 20 * 1024 * 1024),
    # meter series (audits/carbon/meters.py): a year of 15-minute readings of a few meters
    "csv": env_int("TANCERT_UPLOAD_MAX_CSV_BYTES", 40 * 1024 * 1024),
    "parquet": env_int("TANCERT_UPLOAD_MAX_PARQUET_BYTES", 40 * 1024 * 1024),
}
TANCERT_UPLOAD_MAX_PIXELS = env_int("TANCERT_UPLOAD_MAX_PIXELS", 64_000_000)
TANCERT_UPLOAD_MAX_PDF_PAGES = env_int("TANCERT_UPLOAD_MAX_PDF_PAGES", 2_000)
# An uploaded inventory is read and quantified in a child process with these bounds (tancert/ghg/isolated.py):
# a file that passes the static guard and still explodes can only kill that child.
TANCERT_INVENTORY_MEMORY_BYTES = env_int("TANCERT_INVENTORY_MEMORY_BYTES", 2 * 1024**3)
TANCERT_INVENTORY_SECONDS = env_int("TANCERT_INVENTORY_SECONDS", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TANCERT_LOG_LEVEL", "WARNING")},
}

# Audits (docs/audits.md). The clause tree version new checklists are built from (None: the rule book's default;
# an audit keeps the version it started with), the folder of industry overlays keyed by Appendix A code,
# the finding grades (code, names, what resolving one needs: "verify", "accept" or nothing) and the months
# after the last day of stage 2 within which major nonconformities must be verified (reference/certification.md
# §1, unverified: a body's setting), after which stage 2 is repeated.
TANCERT_CLAUSE_TREE_VERSION = env_str("TANCERT_CLAUSE_TREE_VERSION", "") or None
TANCERT_CHECKLIST_OVERLAY_DIR = Path(env_str("TANCERT_CHECKLIST_OVERLAY_DIR",
                                             str(BASE_DIR / "audits" / "checklists" / "data" / "overlays")))
TANCERT_FINDING_GRADES = [
    {"code": "major", "name_zh": "严重不符合", "name_en": "major nonconformity", "resolve": "verify"},
    {"code": "minor", "name_zh": "一般不符合", "name_en": "minor nonconformity", "resolve": "accept"},
    {"code": "observation", "name_zh": "观察项", "name_en": "observation", "resolve": ""},
    {"code": "improvement", "name_zh": "改进机会", "name_en": "opportunity for improvement", "resolve": ""},
]
TANCERT_MAJOR_VERIFY_MONTHS = env_int("TANCERT_MAJOR_VERIFY_MONTHS", 6)
# Rotation of team leaders (CB-rotation, docs/obligations.md): consecutive certification cycles one person may
# lead the team at one client; a body policy, no official value was found. 0 switches the rule off.
TANCERT_ROTATION_MAX_CYCLES = env_int("TANCERT_ROTATION_MAX_CYCLES", 2)


def _setting(name: str):
    from django.conf import settings

    return getattr(settings, name, None) if settings.configured else None


# The pure engines (scheme, ghg, planning) import no Django: they translate and read settings through
# the functions installed here (tancert/scheme/host.py).
_engine_host.install(gettext=_translation.gettext, gettext_lazy=_translation.gettext_lazy,
                     format_lazy=_format_lazy, override=_translation.override, setting=_setting)
