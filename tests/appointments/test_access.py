"""Who may see and book appointment series, and whose sessions the calendar view shows.

The client's clinicians (primary and care team) read and book series; the primary clinician's
supervisor reads them and is refused booking (403). The practice's admin, a colleague with no
link to the client, another supervisor and anyone of another practice get exactly the 404 of an
id that does not exist; lists leave the series out, and the calendar view never shows them the
client's sessions, whatever its filters say."""

import pytest
from rest_framework.test import APIClient

from sessions.models import AppointmentSeries, Session
from tests.access import (
    CLINICAL_READERS,
    NO_CLIENT_ACCESS,
    NO_CLINICAL_ACCESS,
    Create,
    CreateAccess,
    ListAccess,
    ReadAccess,
    own_record_keys,
)
from tests.appointments.conftest import APPOINTMENTS, SERIES, series_body, stored_sessions, utc
from tests.factories import AppointmentSeriesFactory, ClientFactory, SessionFactory
from tests.helpers import as_each, assert_problem, error_fields

pytestmark = pytest.mark.django_db

ONE_SERIES = SERIES + "{id}/"
WRITERS = ("clinician", "care_team_member")


def june_series_body(client_id) -> dict:
    """A series clear of the record's own (March 2099), so its clinician may book it too."""
    return series_body(client_id, starts_at="2099-06-01T10:00:00Z")


class TestSeriesAccess(ListAccess, ReadAccess, CreateAccess):
    models = (AppointmentSeries, Session)
    no_access = NO_CLINICAL_ACCESS
    readers = CLINICAL_READERS
    lists = {SERIES: "id"}
    reads = {"series": ONE_SERIES}
    create = Create(SERIES, june_series_body)
    may_write = {writer: {"create"} for writer in WRITERS}

    @pytest.fixture
    def record(self, client_record):
        return AppointmentSeriesFactory(client=client_record)

    def own_keys(self, person):
        return own_record_keys(person, AppointmentSeriesFactory)


def test_a_series_lists_its_sessions_for_a_reader(client_record, supervisor, as_user):
    series = AppointmentSeriesFactory(client=client_record)

    response = as_user(supervisor).get(ONE_SERIES.format(id=series.pk))

    expected = Session.objects.filter(series=series).order_by("starts_at").values_list("pk")
    assert response.json()["sessions"] == [str(pk) for (pk,) in expected]


@pytest.mark.parametrize("whom", ["outsider", "colleague", "admin"])
def test_booking_for_a_clinician_off_the_caseload_is_400_naming_clinician(
    whom, request, client_record, clinician, as_user
):
    someone = request.getfixturevalue(whom)
    before = stored_sessions()

    response = as_user(clinician).post(
        SERIES, series_body(client_record, clinician=str(someone.pk)), format="json"
    )

    assert_problem(response, 400, "clinician")
    assert error_fields(response) == ["clinician"]
    assert not AppointmentSeries.objects.exists()
    assert stored_sessions() == before


def test_a_care_team_member_books_for_the_primary_clinician(
    client_record, clinician, care_team_member, as_user
):
    response = as_user(care_team_member).post(
        SERIES, series_body(client_record, clinician=str(clinician.pk)), format="json"
    )

    assert response.status_code == 201, response.content
    series = AppointmentSeries.objects.get()
    assert (series.clinician_id, series.created_by_id) == (clinician.pk, care_team_member.pk)
    assert set(Session.objects.values_list("clinician_id", flat=True)) == {clinician.pk}


# --- The calendar view -------------------------------------------------------------------------

WEEK = {"start": "2099-05-04T00:00:00Z", "end": "2099-05-11T00:00:00Z"}


@pytest.fixture
def appointment(scheduled):
    """A scheduled session of `client_record` by `clinician`, in WEEK."""
    return scheduled(utc(2099, 5, 4, 9))


def calendar_queries(appointment) -> dict[str, dict]:
    return {
        "default": WEEK,
        "client": {**WEEK, "client": str(appointment.client_id)},
        "clinician": {**WEEK, "clinician": str(appointment.clinician_id)},
        "both": {
            **WEEK,
            "client": str(appointment.client_id),
            "clinician": str(appointment.clinician_id),
        },
    }


@pytest.mark.parametrize("query", ["default", "client", "clinician", "both"])
@as_each(*NO_CLINICAL_ACCESS)
def test_the_calendar_never_shows_the_session_to_someone_without_access(
    query, person, appointment, as_user
):
    response = as_user(person).get(APPOINTMENTS, calendar_queries(appointment)[query])

    assert response.status_code == 200, response.content
    assert response.json()["results"] == []


@as_each(*(who for who in NO_CLIENT_ACCESS if who != "stranger"))
def test_the_calendar_shows_them_their_own_sessions(person, as_user):
    """So the empty answers above are about access, not an empty calendar (admins, the
    stranger among them, hold no sessions and see none)."""
    own = SessionFactory(
        client=ClientFactory(primary_clinician=person),
        starts_at=utc(2099, 5, 4, 9),
        status="scheduled",
    )

    response = as_user(person).get(APPOINTMENTS, WEEK)

    assert [row["id"] for row in response.json()["results"]] == [str(own.pk)]


def test_an_admin_sees_no_appointments_at_all(appointment, admin, as_user):
    for query in calendar_queries(appointment).values():
        assert as_user(admin).get(APPOINTMENTS, query).json()["results"] == []


@pytest.mark.parametrize("query", ["client", "both"])
@as_each(*CLINICAL_READERS)
def test_the_calendar_shows_the_session_to_a_reader(query, person, appointment, as_user):
    response = as_user(person).get(APPOINTMENTS, calendar_queries(appointment)[query])

    assert [row["id"] for row in response.json()["results"]] == [str(appointment.pk)]


def test_the_calendar_without_credentials_is_401(appointment):
    response = APIClient().get(APPOINTMENTS, WEEK)

    assert assert_problem(response, 401)["errors"] == []
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_calendar_is_read_only(method, appointment, clinician, as_user):
    before = stored_sessions()

    response = getattr(as_user(clinician), method)(APPOINTMENTS, {}, format="json")

    assert_problem(response, 405)
    assert stored_sessions() == before


def test_the_calendar_has_no_page_of_its_own_per_session(appointment, clinician, as_user):
    assert_problem(as_user(clinician).get(f"{APPOINTMENTS}{appointment.pk}/"), 404)
