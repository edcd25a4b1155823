"""Sessions on the work queue: notes unsigned past the practice's deadline, notes awaiting the
supervisor's co-signature, and the sessions a clinician holds today on the practice's
calendar."""

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from tests.factories import ClientFactory, SessionFactory, UserFactory
from tests.helpers import sign_note
from tests.work_queue.conftest import NEW_YORK_EVENING, NOW, ended, iso, queue, records

pytestmark = pytest.mark.django_db

HOURS = timedelta(hours=72)  # the practice's default `note_signing_hours`
MINUTE = timedelta(minutes=1)


def test_a_note_unsigned_more_than_the_practice_hours_after_the_session_is_listed(
    frozen, client_record, clinician, as_user
):
    late = ended(client_record, HOURS + MINUTE)

    (item,) = queue(as_user(clinician), "note_unsigned")

    assert item == {
        "reason": "note_unsigned",
        "record": {"type": "session", "id": str(late.pk)},
        "client": {
            "id": str(client_record.pk),
            "display_name": f"{client_record.given_name} {client_record.family_name}",
        },
        "due": iso(NOW - MINUTE),
        "link": f"/api/v1/sessions/{late.pk}/",
        "instruments": [],
    }


def test_a_note_is_listed_only_once_the_hours_have_passed_since_the_session_ended(
    frozen, client_record, clinician, as_user
):
    ended(client_record, HOURS)  # exactly the hours: not more
    ended(client_record, HOURS - MINUTE)
    # A long session that started well before the deadline but ended after it.
    ended(client_record, HOURS - timedelta(minutes=100), minutes=600)

    assert queue(as_user(clinician), "note_unsigned") == []


def test_the_practice_decides_the_hours(frozen, practice, client_record, clinician, as_user):
    two_hours_ago = ended(client_record, timedelta(hours=2))
    api = as_user(clinician)
    assert records(api, "note_unsigned") == []

    practice.note_signing_hours = 1
    practice.save()

    assert records(api, "note_unsigned") == [str(two_hours_ago.pk)]


def test_signed_notes_and_sessions_not_completed_are_not_listed(
    frozen, client_record, clinician, as_user
):
    sign_note(ended(client_record, HOURS * 2))
    for status in ("scheduled", "cancelled", "no_show"):
        ended(client_record, HOURS * 2, status=status)

    assert queue(as_user(clinician), "note_unsigned") == []


def test_a_note_is_its_clinicians_to_sign_not_the_care_teams(
    frozen, client_record, clinician, care_team_member, supervisor, as_user
):
    theirs = ended(client_record, HOURS * 2, clinician=care_team_member)

    assert records(as_user(care_team_member), "note_unsigned") == [str(theirs.pk)]
    assert records(as_user(clinician), "note_unsigned") == []
    assert records(as_user(supervisor), "note_unsigned") == []


def test_the_supervisor_is_asked_to_cosign_notes_their_supervisees_signed(
    frozen, client_record, clinician, supervisor, other_supervisor, as_user
):
    signed = sign_note(ended(client_record, timedelta(days=1)))
    cosigned = sign_note(ended(client_record, timedelta(days=2)))
    type(cosigned).objects.filter(pk=cosigned.pk).update(cosigned_at=NOW, cosigned_by=supervisor)
    ended(client_record, timedelta(days=3))  # not signed yet: nothing to co-sign

    (item,) = queue(as_user(supervisor), "cosign_awaited")

    assert item["record"] == {"type": "session", "id": str(signed.pk)}
    assert item["due"] == iso(signed.signed_at)
    assert item["link"] == f"/api/v1/sessions/{signed.pk}/"
    assert queue(as_user(other_supervisor), "cosign_awaited") == []
    assert queue(as_user(clinician), "cosign_awaited") == []


def test_a_supervisor_is_not_asked_to_cosign_for_clinicians_they_do_not_supervise(
    frozen, practice, supervisor, colleague, as_user
):
    unsupervised = ClientFactory(primary_clinician=colleague)
    sign_note(ended(unsupervised, timedelta(days=1)))
    own = ClientFactory(primary_clinician=supervisor)
    sign_note(ended(own, timedelta(days=1)))  # their own note is nobody's to co-sign

    assert queue(as_user(supervisor), "cosign_awaited") == []


def scheduled(client, starts_at, **fields):
    return SessionFactory(
        **{"client": client, "starts_at": starts_at, "status": "scheduled", **fields}
    )


def test_todays_sessions_are_listed_on_the_practice_calendar(
    new_york, client_record, clinician, as_user
):
    with freeze_time(NEW_YORK_EVENING):
        earlier = scheduled(client_record, datetime(2026, 3, 10, 13, 0, tzinfo=UTC))  # 09:00
        late = scheduled(client_record, datetime(2026, 3, 11, 3, 30, tzinfo=UTC))  # 23:30
        scheduled(client_record, datetime(2026, 3, 11, 4, 0, tzinfo=UTC))  # 00:00 Wednesday
        scheduled(client_record, datetime(2026, 3, 10, 3, 59, tzinfo=UTC))  # 23:59 Monday
        SessionFactory(client=client_record, starts_at=datetime(2026, 3, 10, 15, 0, tzinfo=UTC))
        scheduled(client_record, datetime(2026, 3, 10, 16, 0, tzinfo=UTC), status="cancelled")

        items = queue(as_user(clinician), "appointment_today")

    assert [item["record"]["id"] for item in items] == [str(earlier.pk), str(late.pk)]
    assert [item["due"] for item in items] == [iso(earlier.starts_at), iso(late.starts_at)]


def test_a_session_is_on_the_queue_of_the_clinician_who_holds_it(
    frozen, client_record, clinician, care_team_member, supervisor, as_user
):
    held = scheduled(client_record, NOW + timedelta(hours=2), clinician=care_team_member)

    assert records(as_user(care_team_member), "appointment_today") == [str(held.pk)]
    assert records(as_user(clinician), "appointment_today") == []
    assert records(as_user(supervisor), "appointment_today") == []


def test_a_session_held_for_a_client_no_longer_on_the_caseload_is_not_listed(
    frozen, client_record, practice, as_user
):
    """A link the clinician could not open is no use: their access decides, as everywhere."""
    former = UserFactory(practice=practice)
    scheduled(client_record, NOW + timedelta(hours=1), clinician=former)
    ended(client_record, HOURS * 2, clinician=former)

    assert queue(as_user(former)) == []
