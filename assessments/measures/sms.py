"""Text messages go through a provider's backend, named by `settings.SMS_BACKEND` as email
backends are: the console's under `make run`, an in-memory outbox under test. A provider's
backend is a class with `send(to, body)`; none is called from the tests."""

import sys

from django.conf import settings
from django.utils.module_loading import import_string

# The messages the in-memory backend has sent, as (to, body), oldest first.
outbox: list[tuple[str, str]] = []


class ConsoleBackend:
    def send(self, to: str, body: str) -> None:
        sys.stdout.write(f"SMS to {to}:\n{body}\n{'-' * 40}\n")
        sys.stdout.flush()


class LocmemBackend:
    def send(self, to: str, body: str) -> None:
        outbox.append((to, body))


def send_sms(to: str, body: str) -> None:
    import_string(settings.SMS_BACKEND)().send(to, body)
