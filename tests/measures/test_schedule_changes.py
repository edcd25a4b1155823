"""Changing a measure schedule: pause, resume (missed dates skipped), stop for good (409 on
any later change), the client fixed for its life, every write audited, and the list read in
a fixed number of queries."""

from datetime import date

import pytest
from freezegun import freeze_time

from api.audit.models import AuditEvent
from assessments.measures.models import MeasureInvitation, MeasureSchedule
from tests.factories import ClientFactory, MeasureScheduleFactory
from tests.helpers import assert_problem
from tests.measures.conftest import SCHEDULES, schedule_url

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


@pytest.fixture
def weekly(measured_client):
    """A weekly PHQ-9 from Monday 2 March 2026, made the day before (UTC practice)."""
    with freeze_time("2026-03-01T12:00:00Z"):
        return MeasureScheduleFactory(
            client=measured_client,
            starts_on=MONDAY,
            interval=1,
            interval_unit="weeks",
            next_due_at="2026-03-02T09:00:00Z",
        )


def patch(api, schedule, body):
    return api.patch(schedule_url(schedule), body, format="json")


def stored(schedule) -> dict:
    return MeasureSchedule.objects.filter(pk=schedule.pk).values().get()


def test_pause_leaves_nothing_due(weekly, clinician, as_user):
    with freeze_time("2026-03-01T12:00:00Z"):
        response = patch(as_user(clinician), weekly, {"status": "paused"})

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["next_due_at"]) == ("paused", None)
    assert stored(weekly)["next_due_at"] is None


def test_resume_skips_the_dates_missed_while_paused(weekly, clinician, as_user, tick):
    api = as_user(clinician)
    with freeze_time("2026-03-01T12:00:00Z"):
        patch(api, weekly, {"status": "paused"})

    with freeze_time("2026-03-12T12:00:00Z"):  # a Thursday: the 2nd and the 9th were missed
        response = patch(api, weekly, {"status": "active"})

    assert response.status_code == 200, response.content
    assert response.json()["next_due_at"] == "2026-03-16T09:00:00Z"
    assert tick(now="2026-03-12T12:01:00Z")["sent"] == 0
    assert not MeasureInvitation.objects.exists()


def test_resumed_on_a_date_of_the_schedule_it_is_due_that_day(weekly, clinician, as_user):
    api = as_user(clinician)
    with freeze_time("2026-03-01T12:00:00Z"):
        patch(api, weekly, {"status": "paused"})

    with freeze_time("2026-03-09T07:00:00Z"):
        response = patch(api, weekly, {"status": "active"})

    assert response.json()["next_due_at"] == "2026-03-09T09:00:00Z"


def test_changing_the_interval_works_the_next_date_out_again(weekly, clinician, as_user):
    with freeze_time("2026-03-05T12:00:00Z"):
        response = patch(as_user(clinician), weekly, {"interval": 2})

    assert response.status_code == 200, response.content
    assert response.json()["next_due_at"] == "2026-03-16T09:00:00Z"


def test_a_change_that_breaks_the_kinds_rules_is_400_and_changes_nothing(
    weekly, clinician, as_user
):
    before = stored(weekly)

    response = patch(as_user(clinician), weekly, {"kind": "once"})

    assert_problem(response, 400, "interval", "interval_unit")
    assert stored(weekly) == before


@pytest.mark.parametrize(
    "change",
    [{"status": "active"}, {"status": "paused"}, {"instruments": ["gad7"]}, {"interval": 3}],
    ids=["resume", "pause", "instruments", "interval"],
)
def test_a_stopped_schedule_is_final(change, weekly, clinician, as_user):
    api = as_user(clinician)
    stopping = patch(api, weekly, {"status": "stopped"})
    assert stopping.status_code == 200, stopping.content
    assert stopping.json()["next_due_at"] is None
    before = stored(weekly)

    response = patch(api, weekly, change)

    assert assert_problem(response, 409)["errors"] == []
    assert stored(weekly) == before


def test_the_client_of_a_schedule_cannot_be_changed(weekly, clinician, as_user):
    another = ClientFactory(primary_clinician=clinician, email="someone.else@example.test")

    response = patch(as_user(clinician), weekly, {"client": str(another.pk)})

    assert response.status_code == 200, response.content  # read-only: ignored, as DRF does
    assert response.json()["client"] == str(weekly.client_id)
    assert stored(weekly)["client_id"] == weekly.client_id


def test_the_schedule_cannot_move_to_a_channel_the_client_lacks(
    weekly, clinician, as_user, measured_client
):
    type(measured_client).objects.filter(pk=measured_client.pk).update(phone="")
    before = stored(weekly)

    response = patch(as_user(clinician), weekly, {"channel": "sms"})

    assert_problem(response, 409, "channel")
    assert stored(weekly) == before


def test_every_write_is_audited(clinician, as_user, schedule_body, measured_client):
    api = as_user(clinician)

    created = api.post(SCHEDULES, schedule_body(), format="json")
    changed = api.patch(schedule_url(created.json()["id"]), {"status": "paused"}, format="json")
    refused = api.patch(schedule_url(created.json()["id"]), {"interval": 0}, format="json")

    events = {
        response.status_code: AuditEvent.objects.get(request_id=response["X-Request-ID"])
        for response in (created, changed, refused)
    }
    assert sorted(events) == [200, 201, 400]
    for event in events.values():
        assert event.object_type == "measure_schedule"
        assert event.object_id == created.json()["id"]
        assert event.client_id == measured_client.pk
        assert event.actor_id == clinician.pk
    assert (events[201].action, events[201].outcome) == ("create", "success")
    assert (events[200].action, events[200].outcome) == ("update", "success")
    assert events[400].outcome == "failed"


@pytest.mark.parametrize("count", [1, 25])
def test_the_list_reads_in_a_fixed_number_of_queries(
    count, clinician, as_user, django_assert_num_queries
):
    """Each of its own client: one audit event per client, all in one insert."""
    MeasureScheduleFactory.create_batch(count, client__primary_clinician=clinician)
    api = as_user(clinician)

    with django_assert_num_queries(LIST_QUERIES):
        response = api.get(SCHEDULES)

    assert response.status_code == 200
    assert len(response.json()["results"]) == count


# Pinned: the page's rows, and the audit events' one insert.
LIST_QUERIES = 2


@pytest.mark.parametrize(
    ("changes", "next_date"),
    [
        ([{"reminder_after_days": 2}], "2026-03-09T09:00:00Z"),
        ([{"status": "paused"}, {"status": "active"}], "2026-03-09T09:00:00Z"),
        ([{"interval_unit": "days"}], "2026-03-03T09:00:00Z"),
    ],
    ids=["a reminder added", "paused and resumed", "made daily"],
)
def test_a_change_on_a_day_already_sent_does_not_send_it_again(
    changes, next_date, weekly, clinician, as_user, tick, outbox
):
    tick(now="2026-03-02T09:00:30Z")
    api = as_user(clinician)

    with freeze_time("2026-03-02T10:00:00Z"):
        for change in changes:
            response = patch(api, weekly, change)
            assert response.status_code == 200, response.content

    assert response.json()["next_due_at"] == next_date
    assert tick(now="2026-03-02T10:01:00Z")["sent"] == 0
    assert len(outbox) == 1


def test_a_change_the_day_after_a_send_keeps_that_days_date(weekly, clinician, as_user, tick):
    MeasureSchedule.objects.filter(pk=weekly.pk).update(interval_unit="days")
    tick(now="2026-03-02T09:00:30Z")

    with freeze_time("2026-03-03T07:00:00Z"):
        response = patch(as_user(clinician), weekly, {"reminder_after_days": 1})

    assert response.json()["next_due_at"] == "2026-03-03T09:00:00Z"
