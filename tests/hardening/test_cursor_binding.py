"""A cursor works only for who received it, on the list and in the order it came from; any
other answers one fixed message that echoes nothing (issue 11, item 3: a cursor replayed by
another practice's clinician on another list answered 400 with the decrypted family name)."""

import time
from unittest import mock
from urllib.parse import parse_qs, urlparse

import pytest

from api.pagination import CURSOR_LIFETIME_SECONDS, FOREIGN_CURSOR
from tests.factories import ClientFactory, SessionFactory
from tests.hardening.conftest import as_caller
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

FAMILY_NAME = "Zebedeesentinel"


def next_cursor(api, path: str, **params) -> str:
    response = api.get(path, {"page_size": 1, **params})
    assert response.status_code == 200, response.content
    return parse_qs(urlparse(response.json()["next"]).query)["cursor"][0]


@pytest.fixture
def cursor(clinician):
    """The next-page cursor of `clinician`'s client list by family name: it holds a name."""
    ClientFactory(primary_clinician=clinician, family_name="Aardvark")
    ClientFactory(primary_clinician=clinician, family_name=FAMILY_NAME)
    ClientFactory(primary_clinician=clinician, family_name=FAMILY_NAME + "b")
    for client in clinician.primary_clients.all():
        SessionFactory(client=client)
    return next_cursor(as_caller(clinician), "/api/v1/clients/")


def assert_refused(response):
    body = assert_problem(response, 400, "cursor")
    assert body["errors"] == [{"field": "cursor", "code": "invalid", "message": FOREIGN_CURSOR}]
    assert FAMILY_NAME not in response.content.decode()
    assert "Aardvark" not in response.content.decode()


def test_the_cursor_still_pages_for_its_own_user_and_list(cursor, clinician):
    response = as_caller(clinician).get("/api/v1/clients/", {"page_size": 1, "cursor": cursor})
    assert response.status_code == 200
    assert [row["family_name"] for row in response.json()["results"]] == [FAMILY_NAME]


@pytest.mark.parametrize("path", ["/api/v1/clients/", "/api/v1/sessions/", "/api/v1/homework/"])
def test_another_practices_user_cannot_replay_it_on_any_list(path, cursor, outsider, stranger):
    for user in (outsider, stranger):
        assert_refused(as_caller(user).get(path, {"cursor": cursor}))


def test_another_practices_admin_cannot_replay_it_on_the_audit_trail(cursor, stranger):
    assert_refused(as_caller(stranger).get("/api/v1/audit-events/", {"cursor": cursor}))


@pytest.mark.parametrize(
    "path", ["/api/v1/sessions/", "/api/v1/homework/", "/api/v1/assessments/", "/api/v1/users/"]
)
def test_its_own_user_cannot_replay_it_on_another_list(path, cursor, clinician):
    assert_refused(as_caller(clinician).get(path, {"cursor": cursor}))


def test_its_own_user_cannot_replay_it_in_another_order(cursor, clinician):
    for ordering in ("created_at", "-intake_date", "given_name"):
        response = as_caller(clinician).get(
            "/api/v1/clients/", {"cursor": cursor, "ordering": ordering}
        )
        assert_refused(response)


def test_a_colleague_of_the_same_practice_cannot_replay_it(cursor, colleague):
    assert_refused(as_caller(colleague).get("/api/v1/clients/", {"cursor": cursor}))


def test_a_tampered_cursor_is_refused_alike(cursor, clinician):
    tampered = cursor[:-6] + ("A" if cursor[-6] != "A" else "B") + cursor[-5:]
    for value in (tampered, "not-a-cursor", ""):
        assert_refused(as_caller(clinician).get("/api/v1/clients/", {"cursor": value}))


def test_a_cursor_older_than_a_day_is_refused_alike(cursor, clinician):
    a_day_later = time.time() + CURSOR_LIFETIME_SECONDS + 60
    with mock.patch("cryptography.fernet.time.time", return_value=a_day_later):
        response = as_caller(clinician).get("/api/v1/clients/", {"cursor": cursor})

    assert_refused(response)
