"""The Celery app. Broker: Redis (CELERY_BROKER_URL / REDIS_URL); without one, tasks run eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("mobile_members")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
