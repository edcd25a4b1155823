"""A measure link's token opens the link to whoever reads it: no path written down anywhere
keeps it (api/redaction.py)."""

import logging

import pytest

from api.redaction import RedactSecretPaths, redact_path

TOKEN = "Xq3pQ9w2Lk5Vt8bN1mZr4Hs7Jd0Fy6Gc2Ae9Ru3Io5P"


@pytest.mark.parametrize(
    ("path", "written"),
    [
        (f"/m/{TOKEN}/", "/m/[token]/"),
        (f"/m/{TOKEN}", "/m/[token]"),
        (f"/m/{TOKEN}/?page=2", "/m/[token]/?page=2"),
        (
            f"/api/v1/client-portal/invitations/{TOKEN}/answers/",
            "/api/v1/client-portal/invitations/[token]/answers/",
        ),
        (
            "/api/v1/client-portal/invitations/ !1\xf7h é/",
            "/api/v1/client-portal/invitations/[token]/",
        ),
        (f'"GET /m/{TOKEN}/ HTTP/1.1" 200', '"GET /m/[token]/ HTTP/1.1" 200'),
        ("/api/v1/clients/", "/api/v1/clients/"),
    ],
)
def test_the_token_segment_of_a_path_is_replaced(path, written):
    assert redact_path(path) == written


def test_log_records_are_redacted_in_their_message_and_arguments():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/m/{TOKEN}/",), None
    )

    assert RedactSecretPaths().filter(record) is True
    assert record.getMessage() == "Not Found: /m/[token]/"


def test_every_log_handler_of_the_server_redacts():
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if not type(handler).__module__.startswith("_pytest")  # the test run's own capture
    ]

    assert handlers
    for handler in handlers:
        assert any(isinstance(f, RedactSecretPaths) for f in handler.filters), handler
