"""Recording sessions: notes in every format, roots addressed, validation, filters and lists."""

from datetime import UTC, datetime

import pytest

from sessions.models import Session
from tests.factories import ClientFactory, SessionFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/sessions/"

NOTES = {
    "dap": {
        "format": "dap",
        "data": "Client described a missed deadline.\nReported shame, 7/10.",
        "assessment": "Perfectionistic standards; all-or-nothing thinking.",
        "plan": "Thought record before next session.",
    },
    "soap": {
        "format": "soap",
        "subjective": "\u201cI never get anything right.\u201d",
        "objective": "Flat affect; good eye contact.",
        "assessment": "",
        "plan": "Review in two weeks.",
    },
    "birp": {
        "format": "birp",
        "behavior": "Arrived late, apologised twice.",
        "intervention": "Socratic questioning on comparisons with peers.",
        "response": "Named two alternative explanations.",
        "plan": "Limit social media to 30 min/day.",
    },
    "narrative": {
        "format": "narrative",
        "text": "  Leading spaces, trailing spaces and a tab\tstay exactly as written.  \n",
    },
}


def body(client, **fields) -> dict:
    return {
        "client": str(client.pk),
        "starts_at": "2025-06-02T09:00:00Z",
        "duration_minutes": 50,
        "modality": "in_person",
        "kind": "individual",
        **fields,
    }


def ids(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


# --- create and read back ----------------------------------------------------------------------


def test_session_create_fills_in_the_defaults(client_record, clinician, as_user):
    response = as_user(clinician).post(SESSIONS, body(client_record), format="json")

    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["clinician"] == str(clinician.pk)
    assert created["client"] == str(client_record.pk)
    assert created["status"] == "scheduled"
    assert created["risk_level"] == "none"
    assert created["note"] is None
    assert created["roots_addressed"] == []
    assert created["addenda"] == []
    assert created["signed_at"] is None
    assert created["signed_by"] is None
    stored = Session.objects.get(pk=created["id"])
    assert stored.clinician == clinician
    assert stored.starts_at == datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    assert (stored.note_format, stored.note_sections) == ("", {})


@pytest.mark.parametrize("note_format", sorted(NOTES))
def test_session_note_round_trips_exactly_in_every_format(
    note_format, client_record, clinician, as_user
):
    api = as_user(clinician)
    note = NOTES[note_format]

    created = api.post(
        SESSIONS,
        body(client_record, note=note, roots_addressed=["perfectionism", "past_failures"]),
        format="json",
    )

    assert created.status_code == 201, created.json()
    assert created.json()["note"] == note
    fetched = api.get(f"{SESSIONS}{created.json()['id']}/").json()
    assert fetched["note"] == note
    assert fetched["roots_addressed"] == ["perfectionism", "past_failures"]
    stored = Session.objects.get(pk=created.json()["id"])
    assert stored.note_format == note_format
    assert stored.note_sections == {key: value for key, value in note.items() if key != "format"}


def test_session_note_can_change_format_before_signing(session_record, as_user, session_url):
    api = as_user(session_record.clinician)

    response = api.patch(session_url(session_record), {"note": NOTES["soap"]}, format="json")

    assert response.status_code == 200, response.json()
    assert api.get(session_url(session_record)).json()["note"] == NOTES["soap"]


def test_session_note_null_means_no_note_yet(session_record, as_user, session_url):
    response = as_user(session_record.clinician).patch(
        session_url(session_record), {"note": None}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["note"] is None
    session_record.refresh_from_db()
    assert (session_record.note_format, session_record.note_sections) == ("", {})


def test_session_create_for_a_care_team_colleague_as_clinician(
    client_record, clinician, care_team_member, as_user
):
    response = as_user(clinician).post(
        SESSIONS, body(client_record, clinician=str(care_team_member.pk)), format="json"
    )

    assert response.status_code == 201, response.json()
    assert Session.objects.get().clinician == care_team_member


def test_session_create_naming_a_clinician_off_the_caseload_is_400(
    client_record, clinician, colleague, as_user
):
    response = as_user(clinician).post(
        SESSIONS, body(client_record, clinician=str(colleague.pk)), format="json"
    )

    assert response.status_code == 400
    assert error_fields(response) == ["clinician"]
    assert not Session.objects.exists()


# --- validation --------------------------------------------------------------------------------

INVALID = [
    pytest.param(
        {"roots_addressed": ["perfectionism", "perfectionism"]},
        ["roots_addressed.1"],
        id="duplicate_root",
    ),
    pytest.param(
        {"roots_addressed": ["perfectionism", "impostor_syndrome"]},
        ["roots_addressed.1"],
        id="unknown_root",
    ),
    pytest.param({"duration_minutes": 0}, ["duration_minutes"], id="duration_0"),
    pytest.param({"duration_minutes": 601}, ["duration_minutes"], id="duration_601"),
    pytest.param({"duration_minutes": "long"}, ["duration_minutes"], id="duration_a_word"),
    pytest.param({"status": "postponed"}, ["status"], id="unknown_status"),
    pytest.param({"modality": "carrier_pigeon"}, ["modality"], id="unknown_modality"),
    pytest.param(
        {"note": {**NOTES["dap"], "bogus": "Typo of a section."}},
        ["note.bogus"],
        id="bogus_section",
    ),
    pytest.param(
        {"note": {**NOTES["dap"], "subjective": "A SOAP section."}},
        ["note.subjective"],
        id="another_formats_section",
    ),
    pytest.param(
        {"note": {key: value for key, value in NOTES["dap"].items() if key != "format"}},
        ["note.format"],
        id="missing_format",
    ),
    pytest.param({"note": {**NOTES["dap"], "format": None}}, ["note.format"], id="format_null"),
    pytest.param({"note": {**NOTES["dap"], "format": ["dap"]}}, ["note.format"], id="format_list"),
    pytest.param({"note": {**NOTES["dap"], "format": 1}}, ["note.format"], id="format_number"),
    pytest.param(
        {"note": {**NOTES["dap"], "format": {"dap": True}}}, ["note.format"], id="format_object"
    ),
    pytest.param(
        {"note": {**NOTES["dap"], "format": "freeform"}}, ["note.format"], id="format_unknown"
    ),
    pytest.param(
        {"note": {"format": "soap", "subjective": "Only one section."}},
        ["note.objective", "note.assessment", "note.plan"],
        id="missing_sections",
    ),
    pytest.param(
        {"note": {"format": "narrative", "text": ["not", "text"]}}, ["note.text"], id="not_text"
    ),
    pytest.param({"note": "A note as a bare string."}, ["note"], id="note_a_string"),
    pytest.param({"note": [NOTES["dap"]]}, ["note"], id="note_a_list"),
]


@pytest.mark.parametrize(("fields", "named"), INVALID)
def test_session_create_with_invalid_fields_is_400_naming_them(
    fields, named, client_record, clinician, as_user
):
    response = as_user(clinician).post(SESSIONS, body(client_record, **fields), format="json")

    assert response.status_code == 400
    assert sorted(error_fields(response)) == sorted(named)
    assert not Session.objects.exists()


@pytest.mark.parametrize(("fields", "named"), INVALID)
def test_session_update_with_invalid_fields_is_400_and_changes_nothing(
    fields, named, session_record, as_user, session_url, session_snapshot
):
    before = session_snapshot(session_record)

    response = as_user(session_record.clinician).patch(
        session_url(session_record), {"kind": "couple", **fields}, format="json"
    )

    assert response.status_code == 400
    assert sorted(error_fields(response)) == sorted(named)
    assert session_snapshot(session_record) == before


@pytest.mark.parametrize("minutes", [1, 600])
def test_session_duration_limits_are_inclusive(minutes, client_record, clinician, as_user):
    response = as_user(clinician).post(
        SESSIONS, body(client_record, duration_minutes=minutes), format="json"
    )

    assert response.status_code == 201, response.json()
    assert Session.objects.get().duration_minutes == minutes


def test_session_cannot_move_to_another_client(
    session_record, as_user, session_url, session_snapshot
):
    other = ClientFactory(primary_clinician=session_record.clinician)
    before = session_snapshot(session_record)

    response = as_user(session_record.clinician).patch(
        session_url(session_record), {"client": str(other.pk), "kind": "couple"}, format="json"
    )

    assert response.status_code == 409
    assert error_fields(response) == ["client"]
    assert session_snapshot(session_record) == before


def test_session_cannot_move_to_another_client_by_put(
    session_record, as_user, session_url, session_snapshot
):
    other = ClientFactory(primary_clinician=session_record.clinician)
    before = session_snapshot(session_record)

    response = as_user(session_record.clinician).put(
        session_url(session_record), body(other, note=NOTES["narrative"]), format="json"
    )

    assert response.status_code == 409
    assert error_fields(response) == ["client"]
    assert session_snapshot(session_record) == before


def test_session_clinician_cannot_change(
    session_record, care_team_member, as_user, session_url, session_snapshot
):
    before = session_snapshot(session_record)

    response = as_user(session_record.clinician).patch(
        session_url(session_record), {"clinician": str(care_team_member.pk)}, format="json"
    )

    assert response.status_code == 409
    assert error_fields(response) == ["clinician"]
    assert session_snapshot(session_record) == before


def test_session_update_replaces_roots_addressed_whole(session_record, as_user, session_url):
    response = as_user(session_record.clinician).patch(
        session_url(session_record),
        {"roots_addressed": ["social_comparison", "early_childhood"]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["roots_addressed"] == ["social_comparison", "early_childhood"]
    assert sorted(session_record.roots.values_list("root", flat=True)) == [
        "early_childhood",
        "social_comparison",
    ]


# --- filters -----------------------------------------------------------------------------------


def at(day: int) -> datetime:
    return datetime(2025, 5, day, 9, 0, tzinfo=UTC)


@pytest.fixture
def spread(client_record, clinician, care_team_member):
    """Sessions across two clients, two clinicians, statuses, roots and days."""
    second_client = ClientFactory(primary_clinician=clinician)
    return {
        "first": SessionFactory(
            client=client_record, starts_at=at(1), roots_addressed=["perfectionism"]
        ),
        "second": SessionFactory(
            client=client_record,
            clinician=care_team_member,
            starts_at=at(8),
            status="cancelled",
            roots_addressed=["past_failures", "perfectionism"],
        ),
        "third": SessionFactory(client=second_client, starts_at=at(15), status="scheduled"),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "cancelled"}, ["second"]),
        ({"status": "completed"}, ["first"]),
        ({"root": "perfectionism"}, ["first", "second"]),
        ({"root": "past_failures"}, ["second"]),
        ({"starts_after": "2025-05-08T09:00:00Z"}, ["second", "third"]),
        ({"starts_before": "2025-05-08T09:00:00Z"}, ["first"]),
        (
            {"starts_after": "2025-05-02T00:00:00Z", "starts_before": "2025-05-10T00:00:00Z"},
            ["second"],
        ),
        ({}, ["first", "second", "third"]),
    ],
)
def test_session_list_filters(params, expected, spread, clinician, as_user):
    found = ids(as_user(clinician).get(SESSIONS, params))

    assert sorted(found) == sorted(str(spread[name].pk) for name in expected)


def test_session_list_filters_by_client_and_clinician(
    spread, client_record, clinician, care_team_member, as_user
):
    api = as_user(clinician)

    by_client = ids(api.get(SESSIONS, {"client": str(client_record.pk)}))
    by_clinician = ids(api.get(SESSIONS, {"clinician": str(care_team_member.pk)}))

    assert sorted(by_client) == sorted([str(spread["first"].pk), str(spread["second"].pk)])
    assert by_clinician == [str(spread["second"].pk)]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"root": "impostor_syndrome"}, "root"),
        ({"status": "postponed"}, "status"),
        ({"starts_after": "next tuesday"}, "starts_after"),
        ({"client": "not-a-uuid"}, "client"),
    ],
)
def test_session_list_refuses_invalid_filters(params, named, clinician, as_user):
    response = as_user(clinician).get(SESSIONS, params)

    assert response.status_code == 400
    assert error_fields(response) == [named]


# --- query counts and pagination ---------------------------------------------------------------


@pytest.fixture
def sessions_with_everything(client_record, clinician, care_team_member):
    """`sessions_with_everything(n)`: n signed, co-signed sessions with roots and addenda."""

    def make(rows: int) -> None:
        for _ in range(rows):
            session = SessionFactory(
                client=client_record, roots_addressed=["perfectionism", "past_failures"]
            )
            Session.objects.filter(pk=session.pk).update(
                signed_at=at(20), signed_by=clinician, cosigned_at=at(21), cosigned_by=clinician
            )
            session.addenda.create(author=care_team_member, text="Late entry.")

    return make


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize(
    ("role", "queries"),
    [
        # the page (roots and addenda are read inside it), and the audit event
        ("clinician", 2),
        ("supervisor", 2),
    ],
)
def test_session_list_query_count_is_fixed(
    role, queries, rows, sessions_with_everything, request, as_user, django_assert_num_queries
):
    sessions_with_everything(rows)
    api = as_user(request.getfixturevalue(role))

    with django_assert_num_queries(queries):
        response = api.get(SESSIONS)

    assert len(ids(response)) == rows


def test_a_listed_session_shows_its_roots_and_addenda_as_its_record_does(
    sessions_with_everything, clinician, care_team_member, as_user
):
    sessions_with_everything(1)
    session = Session.objects.get()
    session.addenda.create(author=clinician, text="Second entry — «verbatim».")
    api = as_user(clinician)

    (listed,) = api.get(SESSIONS).json()["results"]
    record = api.get(f"{SESSIONS}{session.pk}/").json()

    assert listed == record
    assert listed["roots_addressed"] == ["perfectionism", "past_failures"]
    assert [(a["text"], a["author"]) for a in listed["addenda"]] == [
        ("Late entry.", str(care_team_member.pk)),
        ("Second entry — «verbatim».", str(clinician.pk)),
    ]
    assert [a["created_at"] for a in listed["addenda"]] == [
        addendum.created_at.isoformat().replace("+00:00", "Z")
        for addendum in session.addenda.order_by("created_at")
    ]


def test_session_list_pages_through_every_session_once(client_record, clinician, as_user):
    sessions = [SessionFactory(client=client_record) for _ in range(7)]
    api = as_user(clinician)

    first = api.get(SESSIONS, {"page_size": 3}).json()
    seen, next_url = [], f"{SESSIONS}?page_size=3"
    while next_url:
        page = api.get(next_url).json()
        assert len(page["results"]) <= 3
        seen += [row["id"] for row in page["results"]]
        next_url = page["next"]

    assert len(first["results"]) == 3
    assert first["previous"] is None
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == {str(session.pk) for session in sessions}


def test_session_list_runs_latest_session_first(client_record, clinician, as_user):
    latest = SessionFactory(client=client_record, starts_at=at(20))
    earliest = SessionFactory(client=client_record, starts_at=at(1))
    middle = SessionFactory(client=client_record, starts_at=at(10))

    found = ids(as_user(clinician).get(SESSIONS))

    assert found == [str(latest.pk), str(middle.pk), str(earliest.pk)]
