"""The queue as a whole: its order across reasons, its bound, the summary's counts, who sees
what, and the audit trail of each read."""

from datetime import date, timedelta

import pytest

from api.audit.models import AuditEvent
from sessions.homework.models import Homework
from tests.factories import AssessmentFactory, ClientFactory, HomeworkFactory, SessionFactory
from tests.helpers import assert_problem, sign_note
from tests.work_queue.conftest import NOW, QUEUE, SUMMARY, ended, queue, summary

pytestmark = pytest.mark.django_db

TODAY = NOW.date()
REASONS = [
    "risk_flag_open",
    "appointment_today",
    "note_unsigned",
    "cosign_awaited",
    "homework_overdue",
    "reassessment_due",
]


@pytest.fixture
def busy(frozen, supervisor, clinician):
    """A supervisor with a caseload of their own, two items of every reason, made out of order;
    and a supervisee whose clients bring items of their own."""
    own = ClientFactory(primary_clinician=supervisor)
    theirs = ClientFactory(primary_clinician=clinician)
    for days in (40, 30):
        AssessmentFactory(
            client=own,
            instrument="gad7",
            responses=[1] * 7,
            administered_on=TODAY - timedelta(days),
        )
    AssessmentFactory(
        client=own, instrument="rses", responses=[1] * 10, administered_on=TODAY - timedelta(29)
    )
    for days in (2, 29):  # two risk flags; the PHQ-9 is not due, taken two days ago
        AssessmentFactory(client=own, responses=[1] * 9, administered_on=TODAY - timedelta(days))
    for hours in (3, 1):
        SessionFactory(client=own, starts_at=NOW + timedelta(hours=hours), status="scheduled")
    for days in (4, 6):
        ended(own, timedelta(days=days))
        sign_note(ended(theirs, timedelta(days=days)))
    for days in (1, 5):
        HomeworkFactory(client=own, assigned_on=date(2026, 1, 1), due_on=TODAY - timedelta(days))
    ended(theirs, timedelta(days=9))  # the supervisee's unsigned note is theirs, not on this queue
    HomeworkFactory(client=theirs, assigned_on=date(2026, 1, 1), due_on=date(2026, 2, 1))
    return own, theirs


def test_the_queue_lists_reason_by_reason_each_by_when_it_fell_due(busy, supervisor, as_user):
    items = queue(as_user(supervisor))

    assert [item["reason"] for item in items] == [reason for reason in REASONS for _ in (1, 2)]
    for reason in REASONS:
        dues = [item["due"] for item in items if item["reason"] == reason]
        assert dues == sorted(dues), reason
    # the reassessment of the GAD-7 (taken 30 days ago), then of the RSES (29 days ago)
    assert [item["instruments"] for item in items[-2:]] == [["gad7"], ["rses"]]


def test_the_summary_counts_what_the_list_lists(busy, supervisor, clinician, as_user):
    for person in (supervisor, clinician):
        api = as_user(person)
        items = queue(api)

        counts = summary(api)

        assert counts == {
            **{reason: sum(item["reason"] == reason for item in items) for reason in REASONS},
            "total": len(items),
        }
    assert summary(as_user(supervisor))["total"] == 12


def test_the_list_stops_at_a_hundred_per_reason_and_the_summary_counts_them_all(
    frozen, client_record, clinician, as_user
):
    Homework.objects.bulk_create(
        HomeworkFactory.build(
            client=client_record,
            assigned_on=date(2026, 1, 1),
            due_on=date(2026, 1, 1) + timedelta(days=index % 60),
        )
        for index in range(101)
    )
    ended(client_record, timedelta(days=5))
    api = as_user(clinician)

    body = api.get(QUEUE).json()
    listed = [item for item in body["results"] if item["reason"] == "homework_overdue"]

    assert len(listed) == 100
    assert body["truncated"] == ["homework_overdue"]
    assert [item["reason"] for item in body["results"]][-1] == "homework_overdue"
    assert "note_unsigned" in [item["reason"] for item in body["results"]]
    # The hundred most overdue: the one left out is the one due last.
    listed_ids = {item["record"]["id"] for item in listed}
    (left_out,) = [
        due for pk, due in Homework.objects.values_list("pk", "due_on") if str(pk) not in listed_ids
    ]
    assert left_out == date(2026, 1, 1) + timedelta(days=59)
    assert summary(api)["homework_overdue"] == 101


def test_a_queue_within_the_bound_is_not_truncated(busy, supervisor, as_user):
    assert as_user(supervisor).get(QUEUE).json()["truncated"] == []


def test_nothing_waiting_is_an_empty_queue_and_zero_counts(frozen, clinician, as_user):
    api = as_user(clinician)

    assert api.get(QUEUE).json() == {"results": [], "truncated": []}
    assert summary(api) == {**dict.fromkeys(REASONS, 0), "total": 0}


# Who sees what ---------------------------------------------------------------------------------


def test_admins_hold_no_clinical_work_their_queue_is_empty(busy, admin, as_user):
    api = as_user(admin)

    assert api.get(QUEUE).json() == {"results": [], "truncated": []}
    assert summary(api) == {**dict.fromkeys(REASONS, 0), "total": 0}


@pytest.mark.parametrize("person", ["outsider", "stranger", "colleague", "other_supervisor"])
def test_nobody_else_sees_any_of_the_items(busy, person, request, as_user):
    """Another practice's clinician and admin, a colleague and another supervisor of the
    practice: their queues hold nothing of the supervisor's or the clinician's."""
    api = as_user(request.getfixturevalue(person))

    assert queue(api) == []
    assert summary(api)["total"] == 0


def test_another_practices_items_never_appear(busy, outsider, supervisor, as_user):
    theirs = ClientFactory(primary_clinician=outsider)
    AssessmentFactory(client=theirs, responses=[1] * 9, administered_on=TODAY - timedelta(40))
    ended(theirs, timedelta(days=5))
    before = queue(as_user(supervisor))

    assert {item["client"]["id"] for item in queue(as_user(outsider))} == {str(theirs.pk)}
    assert str(theirs.pk) not in {item["client"]["id"] for item in before}
    assert summary(as_user(supervisor))["total"] == 12


def test_signed_out_callers_get_401(api_client, busy):
    for url in (QUEUE, SUMMARY):
        assert_problem(api_client.get(url), 401)


def test_only_reads_are_allowed(busy, supervisor, as_user):
    api = as_user(supervisor)
    for url in (QUEUE, SUMMARY):
        assert_problem(api.post(url, {}, format="json"), 405)
        assert_problem(api.delete(url), 405)


# The audit trail -------------------------------------------------------------------------------


def new_events(before: set) -> list[AuditEvent]:
    return list(AuditEvent.objects.exclude(pk__in=before))


def test_the_list_is_audited_as_a_read_of_each_client_it_names(busy, supervisor, as_user):
    own, theirs = busy
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    as_user(supervisor).get(QUEUE)

    events = new_events(before)
    assert {event.client_id for event in events} == {own.pk, theirs.pk}
    for event in events:
        assert (event.action, event.object_type, event.actor_id) == (
            "read",
            "work_queue",
            supervisor.pk,
        )
        assert (event.outcome, event.status_code, event.path) == ("success", 200, QUEUE)


def test_an_empty_list_and_the_summary_are_audited_once_without_a_client(
    busy, supervisor, admin, as_user
):
    for person, url, object_type in (
        (admin, QUEUE, "work_queue"),
        (supervisor, SUMMARY, "work_queue_summary"),
    ):
        before = set(AuditEvent.objects.values_list("pk", flat=True))

        as_user(person).get(url)

        (event,) = new_events(before)
        assert (event.client_id, event.object_type, event.actor_id) == (
            None,
            object_type,
            person.pk,
        )
        assert event.action == "read"
