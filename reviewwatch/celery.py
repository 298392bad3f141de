"""The Celery application. Tasks live in each app's tasks.py and take database IDs only."""

import os

from celery import Celery

from reviewwatch.worker_pool import keep_workers_alive_across_reconnects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewwatch.settings")

app = Celery("reviewwatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
keep_workers_alive_across_reconnects()
