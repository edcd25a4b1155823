"""The periodic tasks' clock without `celery beat` (api/scheduler.py): under `make run` a thread
beside the server sends each periodic task when its interval has passed."""

import os
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.core.management import call_command

from api import scheduler
from api.celery import app
from tests.tasks import example_tasks

EVERY_MINUTE = {"counting": {"task": "tests.tasks.example_tasks.count_calls", "schedule": 60.0}}


@pytest.fixture(autouse=True)
def _counting(settings, monkeypatch):
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.CELERY_BEAT_SCHEDULE = EVERY_MINUTE
    example_tasks.calls.clear()


def test_a_periodic_task_is_sent_at_once_then_each_time_its_interval_has_passed():
    last_sent: dict = {}

    assert scheduler.send_due(last_sent, now=1000.0) == ["counting"]
    assert scheduler.send_due(last_sent, now=1059.0) == []
    assert scheduler.send_due(last_sent, now=1060.0) == ["counting"]
    assert example_tasks.calls == ["called", "called"]


def test_a_failing_task_is_logged_and_the_clock_goes_on(monkeypatch, caplog):
    def fail():
        raise RuntimeError("the broker is gone")

    monkeypatch.setattr(app.tasks["tests.tasks.example_tasks.count_calls"], "delay", fail)
    last_sent: dict = {}

    assert scheduler.send_due(last_sent, now=0.0) == ["counting"]
    assert "Periodic task counting failed" in caplog.text
    assert scheduler.send_due(last_sent, now=60.0) == ["counting"]


def test_the_thread_sends_until_stopped():
    stop = threading.Event()
    thread = threading.Thread(target=scheduler.run, args=(stop,), kwargs={"resolution": 0.01})
    thread.start()
    while not example_tasks.calls:
        stop.wait(0.01)
    stop.set()
    thread.join(timeout=10)

    assert not thread.is_alive()
    assert example_tasks.calls == ["called"]  # once: the next is a minute away


def test_the_command_stops_on_interrupt(monkeypatch, capsys):
    def interrupted(stop):
        raise KeyboardInterrupt

    monkeypatch.setattr(scheduler, "run", interrupted)
    call_command("run_scheduler")

    assert "Sending periodic tasks when due" in capsys.readouterr().out


def test_a_scheduler_of_its_own_sends_every_periodic_task_by_name():
    """`manage.py run_scheduler` is a process that handles no request: it must load the tasks
    it sends itself, or a periodic task it never imported fails as unregistered."""
    looked_up = (
        "import django; django.setup();"
        "from django.conf import settings; from api import scheduler; from api.celery import app;"
        "scheduler.load_tasks();"
        "schedule = settings.CELERY_BEAT_SCHEDULE.values();"
        "print([e['task'] for e in schedule if e['task'] not in app.tasks])"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "api.settings", "DEBUG": "true"}
    result = subprocess.run(  # noqa: S603 (this interpreter, this project)
        [sys.executable, "-c", looked_up],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.strip().splitlines()[-1] == "[]"
