"""Tasks that exist only for the tests (a worker loads them with `-I tests.tasks.example_tasks`):
each leaves an effect another process can observe, or reports what its scope lets it see."""

from celery import shared_task
from django.core.mail import send_mail
from django.db import OperationalError

from api.tasks import RETRY_ON_TRANSIENT_ERRORS, claim_due, periodic_task, practice_task
from clients.models import Client

# The errors a flaky task raises before it succeeds, one per attempt.
failures: list[Exception] = []


@practice_task
def count_clients(practice_id):
    """With no filter: the practice scope alone decides what it sees."""
    return Client.objects.count()


@practice_task
def count_clients_after_failures(practice_id):
    if failures:
        raise failures.pop(0)
    return Client.objects.count()


@practice_task
def write_then_fail(practice_id, client_id):
    """Writes half its work, then fails transiently, while anything is left in `failures`."""
    clients = Client.objects.filter(pk=client_id)
    if failures:
        clients.update(preferred_name="half-done")
        raise failures.pop(0)
    clients.update(phone="done")


@practice_task
def email_client_count(practice_id, to):
    send_mail(
        subject=f"{Client.objects.count()} clients",
        message="Counted in the practice's scope.",
        from_email=None,
        recipient_list=[to],
    )


def database_gone() -> OperationalError:
    return OperationalError("server closed the connection unexpectedly")


@shared_task(**RETRY_ON_TRANSIENT_ERRORS)
def send_greeting(to):
    send_mail(
        subject="Hello from a worker",
        message="Sent by a background task.",
        from_email=None,
        recipient_list=[to],
    )


@periodic_task
def mark_clients_without_phone():
    """A tick of periodic work: takes what is due, across practices, and makes it no longer due."""
    due = claim_due(Client.objects.filter(phone=""))
    Client.objects.filter(pk__in=[client.pk for client in due]).update(phone="marked")
    return len(due)


# What `count_calls` has been called with, oldest first.
calls: list[str] = []


@shared_task
def count_calls():
    """A periodic task's stand-in: no database, no practice."""
    calls.append("called")
