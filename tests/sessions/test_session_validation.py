"""Invalid sessions: each bad field is a 400 naming it with nothing changed; a session stays with
its client and clinician, and an update replaces the roots addressed whole."""

import pytest

from sessions.models import Session
from tests.factories import ClientFactory
from tests.helpers import error_fields
from tests.sessions.conftest import NOTES, SESSIONS, session_body

pytestmark = pytest.mark.django_db


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
    response = as_user(clinician).post(
        SESSIONS, session_body(client_record, **fields), format="json"
    )

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
        SESSIONS, session_body(client_record, duration_minutes=minutes), format="json"
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
        session_url(session_record), session_body(other, note=NOTES["narrative"]), format="json"
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
