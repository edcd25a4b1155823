# Loaded with Django, so that `shared_task`s bind to Rootwise's Celery app (api/celery.py).
from api.celery import app as celery_app

__all__ = ("celery_app",)
