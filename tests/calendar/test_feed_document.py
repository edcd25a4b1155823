"""What a calendar app reads at a feed's address: one event per session the clinician holds,
within the window, with its time, length, modality and a stable UID, titled with the feed's
label or the client's initials, and nothing else about the client."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from api.auth.models import Role
from sessions.calendar.feed import event_uid
from tests.calendar.conftest import CLIENT_NAMES, NOTE_TEXT, ROTATE, feed_path
from tests.factories import ClientFactory, SessionFactory

pytestmark = pytest.mark.django_db


def events(response) -> dict:
    """The feed's events by UID."""
    assert response.status_code == 200, response.content
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def read(client, url):
    return client.get(feed_path(url))


def test_each_session_is_an_event_at_its_time_for_its_length(
    clinician, create_feed, session_at, client
):
    video = session_at(26, modality="video", duration_minutes=50, status="scheduled")
    phone = session_at(-48, modality="phone", duration_minutes=90, status="completed")
    url = create_feed(clinician)

    found = events(read(client, url))

    assert set(found) == {event_uid(video), event_uid(phone)}
    for session, modality in ((video, "Video"), (phone, "Phone")):
        event = found[event_uid(session)]
        assert event.decoded("DTSTART") == session.starts_at
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(
            minutes=session.duration_minutes
        )
        assert str(event["SUMMARY"]) == f"Client session ({modality})"
        assert str(event["CLASS"]) == "PRIVATE"


def test_times_are_written_in_utc(clinician, create_feed, session_at, client):
    session_at(5, status="scheduled")
    url = create_feed(clinician)

    text = read(client, url).content.decode()

    (start,) = [line for line in text.splitlines() if line.startswith("DTSTART")]
    assert start.endswith("Z") and ";TZID" not in start


def test_the_document_is_a_private_calendar_with_a_refresh_hint(clinician, create_feed, client):
    response = read(client, create_feed(clinician))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Rootwise appointments"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    assert calendar.walk("VEVENT") == []


def test_a_cancelled_session_is_marked_so_and_frees_its_time(
    clinician, create_feed, session_at, client
):
    cancelled = session_at(30, status="cancelled")
    kept = {status: session_at(hours, status=status) for status, hours in (
        ("scheduled", 10), ("completed", -10), ("no_show", -20),
    )}  # fmt: skip

    found = events(read(client, create_feed(clinician)))

    assert str(found[event_uid(cancelled)]["STATUS"]) == "CANCELLED"
    assert str(found[event_uid(cancelled)]["TRANSP"]) == "TRANSPARENT"
    for session in kept.values():
        assert str(found[event_uid(session)]["STATUS"]) == "CONFIRMED"
        assert str(found[event_uid(session)]["TRANSP"]) == "OPAQUE"


def test_uids_stay_the_same_across_reads_changes_and_rotation(
    clinician, create_feed, session_at, client, as_user
):
    session = session_at(3, status="scheduled")
    url = create_feed(clinician)
    first = set(events(read(client, url)))

    session.starts_at += timedelta(hours=1)
    session.save()
    again = events(read(client, url))
    rotated = as_user(clinician).post(ROTATE).json()["url"]

    assert first == set(again) == set(events(read(client, rotated))) == {event_uid(session)}
    assert again[event_uid(session)].decoded("DTSTART") == session.starts_at
    assert str(session.pk) not in event_uid(session)


def test_only_sessions_within_90_days_back_and_a_year_ahead(
    clinician, create_feed, session_at, client
):
    inside = [session_at(-89 * 24), session_at(364 * 24)]
    session_at(-91 * 24)
    session_at(366 * 24)

    found = events(read(client, create_feed(clinician)))

    assert set(found) == {event_uid(session) for session in inside}


def test_only_the_clinicians_own_sessions_not_their_care_teams_or_colleagues(
    clinician, colleague, create_feed, session_at, client
):
    own = session_at(2)
    colleagues_client = ClientFactory(primary_clinician=colleague)
    colleagues_client.care_team.add(
        clinician, through_defaults={"practice_id": colleagues_client.practice_id}
    )
    SessionFactory(client=colleagues_client, starts_at=own.starts_at)  # held by the colleague

    found = events(read(client, create_feed(clinician)))

    assert set(found) == {event_uid(own)}


def test_a_supervisors_feed_holds_the_sessions_they_hold_not_their_supervisees(
    clinician, supervisor, create_feed, session_at, client
):
    session_at(4)  # the supervisee's
    own = session_at(6, clinician=supervisor)

    found = events(read(client, create_feed(supervisor)))

    assert set(found) == {event_uid(own)}


def test_initials_title_events_when_the_clinician_chose_them(
    clinician, create_feed, session_at, client
):
    session = session_at(8, modality="in_person")
    no_preferred = ClientFactory(
        primary_clinician=clinician, given_name="oscar", family_name="wilde"
    )
    other = session_at(9, client=no_preferred)

    found = events(read(client, create_feed(clinician, event_title="initials")))

    assert str(found[event_uid(session)]["SUMMARY"]) == "PQ (In person)"  # Pippa Quennell
    assert str(found[event_uid(other)]["SUMMARY"]) == "OW (In person)"


def test_the_label_titles_every_event_otherwise(clinician, create_feed, session_at, client):
    session_at(8, modality="video")

    found = events(read(client, create_feed(clinician, label="Appointment")))

    assert [str(event["SUMMARY"]) for event in found.values()] == ["Appointment (Video)"]


@pytest.mark.parametrize("event_title", ["initials", "label"])
def test_no_name_note_root_or_risk_reaches_the_feed(
    clinician, create_feed, session_at, client, event_title
):
    session = session_at(12, risk_level="high", kind="couple")
    session.note_sections = {"data": "Pippa disclosed a secret.", "assessment": "", "plan": ""}
    session.save()
    session_at(-12, signed=True)

    document = read(client, create_feed(clinician, event_title=event_title)).content.decode()

    secrets = [
        *CLIENT_NAMES.values(),
        *NOTE_TEXT,
        "disclosed",
        "perfectionism",
        "high",
        "couple",
        "risk",
        clinician.full_name,
        clinician.email,
        str(session.pk),
        str(session.client_id),
    ]
    folded = document.replace("\r\n ", "").lower()  # long lines are folded
    assert [secret for secret in secrets if secret.lower() in folded] == []


def test_a_clinician_who_became_an_administrator_has_no_feed_any_more(
    clinician, create_feed, session_at, client
):
    session_at(2)
    url = create_feed(clinician)
    clinician.role = Role.ADMIN
    clinician.supervisor = None
    clinician.save()

    assert read(client, url).status_code == 404
