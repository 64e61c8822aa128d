import os

from celery import Celery

from codevance_api.core.request_id import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codevance_api.settings")

app = Celery("codevance_api")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Request ids travel from the request that queued a task to the task's log lines.
connect_celery_signals()
