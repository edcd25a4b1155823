"""The audit trail: every request for client data, every refusal and every sign-in leaves one
event (who, what, which client, when, from where, the outcome) and never a clinical value; only
a practice's admins read it, nobody changes it, and on PostgreSQL the database refuses to."""

from datetime import UTC, datetime, timedelta
from unittest import mock
from uuid import UUID

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from api.audit.models import AuditEvent
from api.throttles import lockout
from sessions.models import Session
from tests.factories import TEST_PASSWORD, ClientFactory, UserFactory
from tests.hardening.conftest import as_caller
from tests.helpers import TOKEN_URL, assert_problem, bearer, login

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/audit-events/"
ADDRESS = "198.51.100.23"
AGENT = "RootwiseTests/1.0 (audit)"
REQUEST_ID = "audit-test-0001"
# How a browser behind the tests' front end would call: its address, agent and request id.
CALLER = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT, "HTTP_X_REQUEST_ID": REQUEST_ID}


@pytest.fixture
def records(client_record, session_record, homework_record, assessment, risk_flag):
    """One record of every kind, all of `client_record`, by `clinician`."""
    return {
        "client": client_record,
        "session": session_record,
        "homework": homework_record,
        "assessment": assessment,
        "risk_flag": risk_flag,
    }


def new_events(before: set) -> list[AuditEvent]:
    return list(AuditEvent.objects.exclude(pk__in=before).order_by("at", "id"))


def event_ids() -> set:
    return set(AuditEvent.objects.values_list("pk", flat=True))


def only_new_event(before: set) -> AuditEvent:
    events = new_events(before)
    assert len(events) == 1, [(e.action, e.path, e.status_code) for e in events]
    return events[0]


# --- reads and exports -------------------------------------------------------------------------

# name: (path from the records, object type, object id, whether the client is known, action);
# a list records the clients on the page it served (here the one client of `records`).
READS = {
    "clients list": (lambda r: "clients/", "client", None, True, "read"),
    "client": (lambda r: f"clients/{r['client'].pk}/", "client", "client", True, "read"),
    "progress": (lambda r: f"clients/{r['client'].pk}/progress/", "client", "client", True, "read"),
    "homework summary": (
        lambda r: f"clients/{r['client'].pk}/homework-summary/",
        "client",
        "client",
        True,
        "read",
    ),
    "session": (lambda r: f"sessions/{r['session'].pk}/", "session", "session", True, "read"),
    "sessions of a client": (
        lambda r: f"sessions/?client={r['client'].pk}",
        "session",
        None,
        True,
        "read",
    ),
    "homework": (lambda r: f"homework/{r['homework'].pk}/", "homework", "homework", True, "read"),
    "homework list": (lambda r: "homework/", "homework", None, True, "read"),
    "assessment": (
        lambda r: f"assessments/{r['assessment'].pk}/",
        "assessment",
        "assessment",
        True,
        "read",
    ),
    "assessments of a client": (
        lambda r: f"assessments/?client={r['client'].pk}",
        "assessment",
        None,
        True,
        "read",
    ),
    "risk flag": (
        lambda r: f"risk-flags/{r['risk_flag'].pk}/",
        "risk_flag",
        "risk_flag",
        True,
        "read",
    ),
    "client report": (
        lambda r: f"clients/{r['client'].pk}/report/",
        "client",
        "client",
        True,
        "export",
    ),
    "client report as csv": (
        lambda r: f"clients/{r['client'].pk}/report/?format=csv",
        "client",
        "client",
        True,
        "export",
    ),
    "outcomes report": (lambda r: "reports/outcomes/", "outcomes_report", None, True, "export"),
}


@pytest.mark.parametrize("name", READS)
def test_every_read_of_client_data_writes_one_event(name, records, clinician):
    build, object_type, object_key, client_known, action = READS[name]
    before_ids, started = event_ids(), timezone.now()

    response = as_caller(clinician).get("/api/v1/" + build(records), **CALLER)

    assert response.status_code == 200, response.content
    event = only_new_event(before_ids)
    assert event.actor == clinician
    assert event.practice == clinician.practice
    assert event.action == action
    assert event.object_type == object_type
    assert event.object_id == (str(records[object_key].pk) if object_key else "")
    assert event.client_id == (records["client"].pk if client_known else None)
    assert event.outcome == "success"
    assert event.status_code == 200
    assert event.method == "GET"
    assert event.path == "/api/v1/" + build(records).split("?")[0]
    assert event.ip == ADDRESS
    assert event.user_agent == AGENT
    assert event.request_id == REQUEST_ID == response["X-Request-ID"]
    assert started <= event.at <= timezone.now()
    assert event.at.utcoffset() == timedelta(0)


def test_a_real_bearer_token_request_is_audited_with_its_user(clinician, client_record):
    token = login(clinician.email).json()["access"]
    before_ids = event_ids()

    response = bearer(token).get(f"/api/v1/clients/{client_record.pk}/", REMOTE_ADDR=ADDRESS)

    assert response.status_code == 200
    event = only_new_event(before_ids)
    assert (event.actor, event.action, event.outcome) == (clinician, "read", "success")
    assert event.client_id == client_record.pk
    assert event.ip == ADDRESS


def test_requests_without_a_valid_sign_in_write_no_event(client_record):
    before_ids = event_ids()

    response = APIClient().get(f"/api/v1/clients/{client_record.pk}/")

    assert_problem(response, 401)
    assert new_events(before_ids) == []


# --- writes ------------------------------------------------------------------------------------


def _new_client(api, r):
    return api.post("/api/v1/clients/", {"given_name": "Ada", "family_name": "Byron"}, "json")


def _new_session(api, r):
    body = {
        "client": str(r["client"].pk),
        "starts_at": "2025-06-02T09:00:00Z",
        "duration_minutes": 50,
        "modality": "in_person",
        "kind": "individual",
    }
    return api.post("/api/v1/sessions/", body, "json")


def _new_homework(api, r):
    body = {
        "client": str(r["client"].pk),
        "strategy": "self_reflection",
        "title": "Three good things",
        "instructions": "Each evening, write down three things that went well.",
    }
    return api.post("/api/v1/homework/", body, "json")


def _new_assessment(api, r):
    body = {
        "client": str(r["client"].pk),
        "instrument": "gad7",
        "administered_on": "2025-06-09",
        "source": "clinician",
        "responses": [1, 1, 1, 1, 1, 1, 1],
    }
    return api.post("/api/v1/assessments/", body, "json")


# name: (request, action, object type, the record it is about (None: the one created), status)
WRITES = {
    "create client": (_new_client, "create", "client", None, 201),
    "update client": (
        lambda api, r: api.patch(f"/api/v1/clients/{r['client'].pk}/", {"given_name": "B"}, "json"),
        "update",
        "client",
        "client",
        200,
    ),
    "create session": (_new_session, "create", "session", None, 201),
    "update session": (
        lambda api, r: api.patch(
            f"/api/v1/sessions/{r['session'].pk}/", {"duration_minutes": 45}, "json"
        ),
        "update",
        "session",
        "session",
        200,
    ),
    "sign session": (
        lambda api, r: api.post(f"/api/v1/sessions/{r['session'].pk}/sign/"),
        "sign",
        "session",
        "session",
        200,
    ),
    "delete session": (
        lambda api, r: api.delete(f"/api/v1/sessions/{r['session'].pk}/"),
        "delete",
        "session",
        "session",
        204,
    ),
    "assign homework": (_new_homework, "create", "homework", None, 201),
    "complete homework": (
        lambda api, r: api.post(
            f"/api/v1/homework/{r['homework'].pk}/complete/",
            {"completed_on": timezone.localdate().isoformat(), "helpfulness": 7},
            "json",
        ),
        "update",
        "homework",
        "homework",
        200,
    ),
    "record assessment": (_new_assessment, "create", "assessment", None, 201),
    "void assessment": (
        lambda api, r: api.post(
            f"/api/v1/assessments/{r['assessment'].pk}/void/", {"reason": "Wrong client."}, "json"
        ),
        "void",
        "assessment",
        "assessment",
        200,
    ),
    "acknowledge risk flag": (
        lambda api, r: api.post(
            f"/api/v1/risk-flags/{r['risk_flag'].pk}/acknowledge/",
            {"note": "Safety plan reviewed."},
            "json",
        ),
        "update",
        "risk_flag",
        "risk_flag",
        200,
    ),
}


@pytest.mark.parametrize("name", WRITES)
def test_every_write_of_client_data_writes_one_event(name, records, clinician):
    send, action, object_type, about, status = WRITES[name]
    before_ids = event_ids()

    response = send(as_caller(clinician), records)

    assert response.status_code == status, response.content
    event = only_new_event(before_ids)
    object_id = str(records[about].pk) if about else response.json()["id"]
    assert (event.actor, event.practice) == (clinician, clinician.practice)
    assert (event.action, event.object_type, event.object_id) == (action, object_type, object_id)
    client = UUID(object_id) if object_type == "client" else records["client"].pk
    assert event.client_id == client
    assert (event.outcome, event.status_code) == ("success", status)
    assert event.method == response.wsgi_request.method


def test_a_supervisor_co_signing_is_audited_as_a_sign_by_the_supervisor(
    signed_session, supervisor, client_record
):
    before_ids = event_ids()

    response = as_caller(supervisor).post(f"/api/v1/sessions/{signed_session.pk}/cosign/")

    assert response.status_code == 200, response.content
    event = only_new_event(before_ids)
    assert (event.actor, event.action, event.outcome) == (supervisor, "sign", "success")
    assert (event.object_id, event.client_id) == (str(signed_session.pk), client_record.pk)


# --- refusals and failures ---------------------------------------------------------------------


def test_reading_another_practices_client_is_audited_as_denied(stranger, client_record):
    before_ids = event_ids()

    response = as_caller(stranger).get(f"/api/v1/clients/{client_record.pk}/", **CALLER)

    assert_problem(response, 404)
    event = only_new_event(before_ids)
    assert (event.actor, event.practice) == (stranger, stranger.practice)
    assert (event.action, event.object_type, event.object_id) == (
        "read",
        "client",
        str(client_record.pk),
    )
    assert (event.outcome, event.status_code) == ("denied", 404)
    assert (event.ip, event.user_agent, event.request_id) == (ADDRESS, AGENT, REQUEST_ID)


@pytest.mark.parametrize(
    "who, path",
    [
        ("colleague", "sessions/{session}/"),
        ("admin", "sessions/{session}/"),
        ("admin", "clients/{client}/progress/"),
        ("admin", "clients/{client}/report/"),
        ("stranger", "risk-flags/{risk_flag}/"),
    ],
)
def test_clinical_reads_refused_with_404_are_audited_as_denied(request, who, path, records):
    user = request.getfixturevalue(who)
    url = "/api/v1/" + path.format(**{key: record.pk for key, record in records.items()})
    before_ids = event_ids()

    response = as_caller(user).get(url)

    assert_problem(response, 404)
    event = only_new_event(before_ids)
    assert (event.actor, event.outcome, event.status_code) == (user, "denied", 404)
    assert event.path == url


def test_a_supervisors_refused_change_is_audited_as_denied_with_the_client(
    supervisor, client_record
):
    before_ids = event_ids()

    response = as_caller(supervisor).patch(
        f"/api/v1/clients/{client_record.pk}/", {"given_name": "Changed"}, format="json"
    )

    assert_problem(response, 403)
    event = only_new_event(before_ids)
    assert (event.actor, event.action, event.outcome, event.status_code) == (
        supervisor,
        "update",
        "denied",
        403,
    )
    assert (event.object_id, event.client_id) == (str(client_record.pk), client_record.pk)


def test_an_invalid_write_is_audited_as_failed(clinician, client_record):
    before_ids = event_ids()

    response = as_caller(clinician).post(
        "/api/v1/sessions/", {"client": str(client_record.pk)}, format="json"
    )

    assert_problem(response, 400)
    event = only_new_event(before_ids)
    assert (event.action, event.object_type, event.outcome, event.status_code) == (
        "create",
        "session",
        "failed",
        400,
    )
    assert Session.objects.filter(client=client_record).count() == 0


def test_a_refused_change_to_a_signed_note_is_audited_as_failed(signed_session, clinician):
    before_ids = event_ids()

    response = as_caller(clinician).patch(
        f"/api/v1/sessions/{signed_session.pk}/", {"duration_minutes": 5}, format="json"
    )

    assert_problem(response, 409)
    event = only_new_event(before_ids)
    assert (event.action, event.outcome, event.status_code) == ("update", "failed", 409)
    assert (event.object_id, event.client_id) == (str(signed_session.pk), signed_session.client_id)


def test_a_write_refused_for_a_stale_etag_is_audited_with_its_client(clinician, client_record):
    before_ids = event_ids()

    response = as_caller(clinician).patch(
        f"/api/v1/clients/{client_record.pk}/",
        {"given_name": "Changed"},
        format="json",
        HTTP_IF_MATCH='"stale"',
    )

    assert_problem(response, 412)
    event = only_new_event(before_ids)
    assert (event.action, event.outcome, event.status_code) == ("update", "failed", 412)
    assert event.object_id == str(client_record.pk)
    assert event.client_id == client_record.pk


# --- no PHI ------------------------------------------------------------------------------------

GIVEN, FAMILY = "Zephyrinasentinel", "Quillbottomsentinel"
NOTE = "Talked about Marmaladesentinel at length."


def test_events_hold_identifiers_never_names_notes_or_query_strings(clinician, admin, as_user):
    api = as_user(clinician)
    before_ids = event_ids()

    created = api.post(
        "/api/v1/clients/",
        {
            "given_name": GIVEN,
            "family_name": FAMILY,
            "presenting_roots": [{"root": "perfectionism", "severity": 3, "note": NOTE}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    client_id = created.json()["id"]
    session = api.post(
        "/api/v1/sessions/",
        {
            "client": client_id,
            "starts_at": "2025-06-02T09:00:00Z",
            "duration_minutes": 50,
            "modality": "in_person",
            "kind": "individual",
            "status": "completed",
            "note": {"format": "narrative", "text": NOTE},
        },
        format="json",
    )
    assert session.status_code == 201, session.content
    searched = api.get("/api/v1/clients/", {"search": FAMILY})
    assert [row["id"] for row in searched.json()["results"]] == [client_id]
    assert api.get(f"/api/v1/clients/{client_id}/report/", {"format": "csv"}).status_code == 200

    events = new_events(before_ids)
    assert len(events) == 4
    stored = " ".join(
        str(value) for event in events for value in AuditEvent.objects.filter(pk=event.pk).values()
    )
    for value in (GIVEN, FAMILY, "Marmaladesentinel", "search=", "format="):
        assert value.lower() not in stored.lower()
    assert [event.path for event in events] == [
        "/api/v1/clients/",
        "/api/v1/sessions/",
        "/api/v1/clients/",
        f"/api/v1/clients/{client_id}/report/",
    ]
    listed = as_user(admin).get(EVENTS)
    assert listed.status_code == 200
    assert GIVEN not in listed.content.decode() and "Marmalade" not in listed.content.decode()


# --- addresses and request ids -----------------------------------------------------------------


def test_a_forwarded_for_header_is_ignored_unless_proxies_are_trusted(clinician, client_record):
    url = f"/api/v1/clients/{client_record.pk}/"
    before_ids = event_ids()

    as_caller(clinician).get(url, REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR="10.9.9.9")
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}):
        as_caller(clinician).get(
            url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.50"
        )

    assert [event.ip for event in new_events(before_ids)] == [ADDRESS, "203.0.113.50"]


def test_a_malformed_request_id_is_replaced_in_the_event_and_the_response(clinician, client_record):
    before_ids = event_ids()

    response = as_caller(clinician).get(
        f"/api/v1/clients/{client_record.pk}/", HTTP_X_REQUEST_ID="<script>alert(1)</script>"
    )

    event = only_new_event(before_ids)
    assert event.request_id == response["X-Request-ID"]
    assert "<" not in event.request_id and len(event.request_id) >= 8


# --- the audit-events API ----------------------------------------------------------------------


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


# --- append-only in the database ---------------------------------------------------------------

POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)


def refused(change) -> None:
    """`change` raises a database error, and the transaction goes on afterwards."""
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change()


@POSTGRESQL_ONLY
def test_the_database_refuses_to_change_or_delete_an_event(trail):
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


# --- sign-in -----------------------------------------------------------------------------------

SIGN_IN = {"REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": AGENT}


def sign_in_event(before: set) -> AuditEvent:
    event = only_new_event(before)
    assert (event.object_type, event.method, event.path) == ("user", "POST", TOKEN_URL)
    assert (event.ip, event.user_agent) == ("203.0.113.9", AGENT)
    assert TEST_PASSWORD not in str(AuditEvent.objects.filter(pk=event.pk).values().get())
    return event


def test_a_successful_sign_in_is_audited_as_login_by_the_user(clinician):
    before_ids = event_ids()

    response = login(clinician.email, **SIGN_IN, HTTP_X_REQUEST_ID="sign-in-000001")

    assert response.status_code == 200
    event = sign_in_event(before_ids)
    assert (event.action, event.outcome, event.status_code) == ("login", "success", 200)
    assert (event.actor, event.practice) == (clinician, clinician.practice)
    assert event.request_id == "sign-in-000001"


def test_a_wrong_password_is_audited_as_login_failed_for_that_account(clinician):
    before_ids = event_ids()

    response = login(clinician.email.upper(), "a-wrong-guess", **SIGN_IN)

    assert_problem(response, 401)
    event = sign_in_event(before_ids)
    assert (event.action, event.outcome, event.status_code) == ("login_failed", "denied", 401)
    assert (event.actor, event.practice) == (clinician, clinician.practice)
    assert "a-wrong-guess" not in str(AuditEvent.objects.filter(pk=event.pk).values().get())


def test_an_unknown_email_is_audited_as_login_failed_without_an_actor(clinician):
    before_ids = event_ids()

    response = login("nobody-here@example.test", **SIGN_IN)

    assert_problem(response, 401)
    event = sign_in_event(before_ids)
    assert (event.action, event.outcome, event.actor, event.practice) == (
        "login_failed",
        "denied",
        None,
        None,
    )
    assert "nobody-here" not in str(AuditEvent.objects.filter(pk=event.pk).values().get())


def test_a_sign_in_without_a_password_is_audited_as_failed(clinician):
    before_ids = event_ids()

    response = APIClient().post(TOKEN_URL, {"email": clinician.email}, format="json", **SIGN_IN)

    assert_problem(response, 400, "password")
    event = sign_in_event(before_ids)
    assert (event.action, event.outcome, event.status_code, event.actor) == (
        "login_failed",
        "failed",
        400,
        clinician,
    )


def test_every_attempt_on_a_locked_account_is_audited_including_the_429(clinician):
    before_ids = event_ids()
    for _ in range(lockout.ACCOUNT_LIMIT):
        assert login(clinician.email, "a-guess", **SIGN_IN).status_code == 401

    locked = login(clinician.email, **SIGN_IN)

    assert_problem(locked, 429)
    events = new_events(before_ids)
    assert [(e.action, e.status_code, e.outcome) for e in events] == [
        *[("login_failed", 401, "denied")] * lockout.ACCOUNT_LIMIT,
        ("login_failed", 429, "denied"),
    ]
    assert {event.actor for event in events} == {clinician}
    assert {event.ip for event in events} == {"203.0.113.9"}


def test_a_sign_in_refused_by_the_rate_throttle_is_audited_for_the_account_tried(clinician):
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])
    for _ in range(rate):
        assert login(clinician.email, **SIGN_IN).status_code == 200
    before_ids = event_ids()

    response = login(clinician.email, **SIGN_IN)

    assert_problem(response, 429)
    event = sign_in_event(before_ids)
    assert (event.action, event.outcome, event.status_code) == ("login_failed", "denied", 429)
    assert event.actor == clinician


def test_sign_in_events_show_in_the_admins_trail(admin, clinician, as_user):
    login(clinician.email, "a-guess", **SIGN_IN)
    login(clinician.email, **SIGN_IN)

    rows = as_user(admin).get(EVENTS, {"actor": str(clinician.pk)}).json()["results"]

    assert [(row["action"], row["outcome"]) for row in rows] == [
        ("login", "success"),
        ("login_failed", "denied"),
    ]


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
