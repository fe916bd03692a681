"""Settings for benchmark runs: the production shape (DEBUG off, cached templates) on the
benchmark database, which run.py selects through DATABASE_URL before Django starts."""

import warnings

from config.settings.base import *  # noqa: F403

DEBUG = False
# Django's test client sends Host: testserver.
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# The manifest storage needs `collectstatic`; the page cost measured here is not static files.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files are never collected for a benchmark: WhiteNoise need not say so on every run.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
