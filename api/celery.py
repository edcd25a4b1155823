"""The Celery app that runs Rootwise's background tasks (conventions: api/tasks.py).

Configured from Django's settings, every `CELERY_`-prefixed one (api/settings.py), and finding
each app's tasks in its `tasks.py`. With a broker (`REDIS_URL`), `celery -A api worker` runs them
and `celery -A api beat` sends the periodic ones (docs/deployment.md); without one, `make run`
runs each task in-process when it is sent.
"""

import os

from celery import Celery

# As manage.py: a worker started without the variable runs with the project's settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "api.settings")

app = Celery("rootwise")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
