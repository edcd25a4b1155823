"""Reading the audit trail: only a practice's admins list and filter their own practice's
events, page by page in a fixed number of queries; nobody changes an event, and on PostgreSQL
the database refuses to."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.db import DatabaseError, connection, transaction
from rest_framework.test import APIClient

from api.audit.models import AuditEvent
from tests.factories import ClientFactory, UserFactory
from tests.hardening.conftest import EVENTS, as_caller
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(clinician, supervisor, stranger, client_record, other_practice):
    """Events at known times: three by people of the practice, one by another practice's
    admin about their own client."""
    theirs = ClientFactory(primary_clinician=UserFactory(practice=other_practice))
    other_client = ClientFactory(primary_clinician=clinician)
    times = [datetime(2025, month, 10, 12, tzinfo=UTC) for month in (1, 2, 3, 4)]
    calls = [
        (clinician, f"/api/v1/clients/{client_record.pk}/"),
        (supervisor, f"/api/v1/clients/{client_record.pk}/progress/"),
        (clinician, f"/api/v1/clients/{other_client.pk}/"),
        (stranger, f"/api/v1/clients/{theirs.pk}/"),
    ]
    for at, (user, url) in zip(times, calls, strict=True):
        with mock.patch("django.utils.timezone.now", return_value=at):
            assert as_caller(user).get(url).status_code == 200
    events = list(AuditEvent.objects.order_by("at"))
    assert [event.at for event in events] == times
    return {"ours": events[:3], "theirs": events[3], "other_client": other_client}


def listed_ids(api, **params) -> list[str]:
    response = api.get(EVENTS, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def ids(events) -> list[str]:
    return [str(event.pk) for event in events]


def test_admins_list_their_practices_events_newest_first(admin, trail, as_user):
    response = as_user(admin).get(EVENTS)

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == ids(reversed(trail["ours"]))
    first = trail["ours"][-1]
    assert rows[0] == {
        "id": str(first.pk),
        "at": "2025-03-10T12:00:00Z",
        "actor": str(first.actor_id),
        "actor_invitation_id": None,
        "action": "read",
        "object_type": "client",
        "object_id": str(trail["other_client"].pk),
        "client_id": str(trail["other_client"].pk),
        "outcome": "success",
        "status_code": 200,
        "ip": "127.0.0.1",
        "user_agent": "",
        "request_id": first.request_id,
        "method": "GET",
        "path": f"/api/v1/clients/{trail['other_client'].pk}/",
    }


def test_another_practices_events_do_not_exist_for_an_admin(admin, stranger, trail, as_user):
    theirs = trail["theirs"]

    assert str(theirs.pk) not in listed_ids(as_user(admin))
    assert_problem(as_user(admin).get(f"{EVENTS}{theirs.pk}/"), 404)
    assert_problem(as_user(stranger).get(f"{EVENTS}{trail['ours'][0].pk}/"), 404)
    assert listed_ids(as_user(stranger)) == [str(theirs.pk)]


def test_an_admin_retrieves_one_of_their_practices_events(admin, trail, as_user):
    event = trail["ours"][0]

    response = as_user(admin).get(f"{EVENTS}{event.pk}/")

    assert response.status_code == 200
    assert response.json()["id"] == str(event.pk)
    assert response.json()["at"] == "2025-01-10T12:00:00Z"


@pytest.mark.parametrize("who", ["clinician", "supervisor"])
def test_clinicians_and_supervisors_cannot_read_the_trail(request, who, trail, as_user):
    api = as_user(request.getfixturevalue(who))

    assert_problem(api.get(EVENTS), 403)
    assert_problem(api.get(f"{EVENTS}{trail['ours'][0].pk}/"), 403)


def test_the_trail_needs_a_sign_in(trail):
    assert_problem(APIClient().get(EVENTS), 401)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_nobody_changes_or_deletes_an_event(method, admin, trail, as_user):
    event = trail["ours"][0]
    stored = AuditEvent.objects.filter(pk=event.pk).values().get()

    response = getattr(as_user(admin), method)(
        f"{EVENTS}{event.pk}/", {"outcome": "success", "action": "read"}, format="json"
    )

    assert_problem(response, 405)
    assert AuditEvent.objects.filter(pk=event.pk).values().get() == stored


def test_nobody_posts_an_event(admin, trail, as_user):
    count = AuditEvent.objects.count()

    response = as_user(admin).post(EVENTS, {"action": "read", "outcome": "success"}, format="json")

    assert_problem(response, 405)
    assert AuditEvent.objects.count() == count


def test_the_trail_filters_by_client_actor_and_action(admin, clinician, supervisor, trail, as_user):
    api = as_user(admin)
    first, second, third = trail["ours"]

    assert listed_ids(api, client=str(first.client_id)) == ids([second, first])
    assert listed_ids(api, actor=str(clinician.pk)) == ids([third, first])
    assert listed_ids(api, actor=str(supervisor.pk)) == ids([second])
    assert listed_ids(api, action="read") == ids([third, second, first])
    assert listed_ids(api, action="export") == []


def test_the_trail_filters_by_time_from_inclusive_to_exclusive(admin, trail, as_user):
    api = as_user(admin)
    first, second, third = trail["ours"]

    assert listed_ids(api, at_after="2025-02-10T12:00:00Z") == ids([third, second])
    assert listed_ids(api, at_before="2025-02-10T12:00:00Z") == ids([first])
    assert listed_ids(
        api, at_after="2025-02-01T00:00:00+00:00", at_before="2025-03-01T00:00:00+00:00"
    ) == ids([second])


@pytest.mark.parametrize(
    "params, field",
    [
        ({"action": "peek"}, "action"),
        ({"client": "not-a-uuid"}, "client"),
        ({"at_after": "yesterday"}, "at_after"),
    ],
)
def test_an_invalid_filter_is_a_400_problem_naming_it(params, field, admin, trail, as_user):
    assert_problem(as_user(admin).get(EVENTS, params), 400, field)


def test_the_trail_is_cursor_paginated_without_repeats_or_gaps(admin, clinician, client_record):
    api = as_caller(clinician)
    for _ in range(5):
        api.get(f"/api/v1/clients/{client_record.pk}/")
    expected = list(
        AuditEvent.objects.filter(practice=admin.practice)
        .order_by("-at", "id")
        .values_list("pk", flat=True)
    )
    assert len(expected) == 5

    seen, url, pages = [], EVENTS + "?page_size=2", 0
    while url:
        response = as_caller(admin).get(url)
        assert response.status_code == 200
        assert "cursor=" in url or pages == 0
        seen += [row["id"] for row in response.json()["results"]]
        url, pages = response.json()["next"], pages + 1

    assert pages == 3
    assert seen == [str(pk) for pk in expected]


# --- append-only in the database -----------------------------------------------------------------

POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)


def refused(change) -> None:
    """`change` raises a database error, and the transaction goes on afterwards."""
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change()


@POSTGRESQL_ONLY
def test_the_database_refuses_to_change_or_delete_an_event(trail, as_owner):
    event = trail["ours"][0]
    stored = AuditEvent.objects.filter(pk=event.pk).values().get()
    table = AuditEvent._meta.db_table

    def raw(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])

    refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(outcome="denied"))
    refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    refused(lambda: AuditEvent.objects.get(pk=event.pk).delete())
    refused(lambda: AuditEvent.objects.all().delete())
    refused(lambda: raw(f"UPDATE {table} SET path = '/forged/' WHERE id = %s"))  # noqa: S608
    refused(lambda: raw(f"DELETE FROM {table} WHERE id = %s"))  # noqa: S608

    assert AuditEvent.objects.filter(pk=event.pk).values().get() == stored
    assert AuditEvent.objects.count() == 4


@POSTGRESQL_ONLY
def test_the_database_still_appends_events(trail, clinician, client_record):
    count = AuditEvent.objects.count()

    response = as_caller(clinician).get(f"/api/v1/clients/{client_record.pk}/")

    assert response.status_code == 200
    assert AuditEvent.objects.count() == count + 1


@pytest.mark.parametrize("rows", [1, 25])
def test_the_audit_event_list_runs_a_fixed_number_of_queries(
    rows, admin, clinician, client_record, as_user, django_assert_num_queries
):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=clinician, practice=clinician.practice, action="read", object_type="client",
            client_id=client_record.pk, outcome="success", status_code=200,
        )
        for _ in range(rows)
    )  # fmt: skip
    api = as_user(admin)

    with django_assert_num_queries(1):  # the page; reading the audit trail is not audited
        response = api.get("/api/v1/audit-events/", {"page_size": 200})

    assert len(response.json()["results"]) == rows
