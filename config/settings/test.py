"""The test suite: PostgreSQL (DATABASE_URL or embedded), fast hashing."""

import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the app folders (no collectstatic before a test run).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Private files (meeting attachments, the nightly reports' Excel files) written by any test go to
# a folder of this test process, never into the checkout's .data (a test that reads them sets
# its own tmp_path).
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="mm-private-"))
# Tasks run inline in the tests, even where REDIS_URL is set (CI): a test that wants a real
# worker points the Celery app at Redis itself (tests/transfers/test_tasks.py).
CELERY_TASK_ALWAYS_EAGER = True
