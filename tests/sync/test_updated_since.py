"""`?updated_since=` lists the records changed at or after an RFC 3339 moment, on every list a
front end syncs (clients included), and counts a change to what a record shows of another
(its client's name; a risk flag's assessment) as its own."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import AssessmentFactory, ClientFactory, SessionFactory
from tests.helpers import assert_problem
from tests.sync.conftest import PHQ9_WITH_RISK, a_while_ago, listed, moment, set_updated_at

pytestmark = pytest.mark.django_db

CLIENTS = "/api/v1/clients/"


def shown_unchanged_since(record, when) -> None:
    """What the record shows of others (its client; a flag's assessment) last changed `when`."""
    set_updated_at(record.client, when)
    if hasattr(record, "assessment"):
        set_updated_at(record.assessment, when)


def test_the_boundary_is_inclusive(a_list, clinician, as_user):
    url, make = a_list
    changed_at = a_while_ago()
    record = make(ClientFactory(primary_clinician=clinician))
    set_updated_at(record, changed_at)
    shown_unchanged_since(record, changed_at - timedelta(days=1))
    api = as_user(clinician)

    assert listed(api, url, updated_since=moment(changed_at)) == {str(record.pk)}
    assert listed(api, url, updated_since=moment(changed_at - timedelta(seconds=1))) == {
        str(record.pk)
    }
    assert listed(api, url, updated_since=moment(changed_at + timedelta(microseconds=1))) == set()


def test_any_offset_names_the_same_moment(a_list, clinician, as_user):
    url, make = a_list
    changed_at = a_while_ago()
    record = make(ClientFactory(primary_clinician=clinician))
    set_updated_at(record, changed_at)
    shown_unchanged_since(record, changed_at - timedelta(days=1))
    in_new_york = changed_at.astimezone(timezone.get_fixed_timezone(-300))

    assert listed(as_user(clinician), url, updated_since=in_new_york.isoformat()) == {
        str(record.pk)
    }


def test_a_record_changed_later_is_in_the_next_sync(clinician, as_user):
    url = "/api/v1/homework/"
    client = ClientFactory(primary_clinician=clinician)
    api = as_user(clinician)
    created = api.post(
        url,
        {"client": str(client.pk), "strategy": "self_reflection", "title": "Evening record"},
        format="json",
    )
    assert created.status_code == 201, created.content
    first_sync = timezone.now()
    assert listed(api, url, updated_since=moment(first_sync)) == set()

    cancelled = api.post(f"{url}{created.json()['id']}/cancel/", {}, format="json")
    assert cancelled.status_code == 200, cancelled.content

    assert listed(api, url, updated_since=moment(first_sync)) == {created.json()["id"]}


def test_a_change_to_the_client_brings_its_records_back(a_list, clinician, as_user):
    """The records show the client's name: renaming the client changes how they read."""
    url, make = a_list
    record = make(ClientFactory(primary_clinician=clinician, given_name="Sam"))
    set_updated_at(record, a_while_ago())
    since = timezone.now()
    api = as_user(clinician)
    assert listed(api, url, updated_since=moment(since)) == set()

    renamed = api.patch(f"{CLIENTS}{record.client_id}/", {"preferred_name": "Sammy"}, format="json")
    assert renamed.status_code == 200, renamed.content

    assert listed(api, url, updated_since=moment(since)) == {str(record.pk)}


def test_voiding_an_assessment_brings_its_risk_flag_back(clinician, as_user):
    client = ClientFactory(primary_clinician=clinician)
    assessment = AssessmentFactory(client=client, responses=PHQ9_WITH_RISK)
    flag = assessment.risk_flags.get()
    set_updated_at(flag, a_while_ago())
    set_updated_at(client, a_while_ago())
    since = timezone.now()
    api = as_user(clinician)
    assert listed(api, "/api/v1/risk-flags/", updated_since=moment(since)) == set()

    voided = api.post(
        f"/api/v1/assessments/{assessment.pk}/void/", {"reason": "Wrong client."}, format="json"
    )
    assert voided.status_code == 200, voided.content

    (row,) = [
        row
        for row in api.get("/api/v1/risk-flags/", {"updated_since": moment(since)}).json()[
            "results"
        ]
    ]
    assert (row["id"], row["assessment_voided"]) == (str(flag.pk), True)


def test_the_client_list_syncs_by_its_own_changes(clinician, as_user):
    old, changed = ClientFactory.create_batch(2, primary_clinician=clinician)
    set_updated_at(old, a_while_ago(120))
    set_updated_at(changed, a_while_ago(30))
    api = as_user(clinician)

    assert listed(api, CLIENTS, updated_since=moment(a_while_ago(60))) == {str(changed.pk)}


def test_a_new_session_changes_the_clients_summary_for_clinicians_only(clinician, admin, as_user):
    """Clinicians see the session count and last session on the client list; admins, who see
    no clinical summary, are not told that anything clinical changed."""
    client = ClientFactory(primary_clinician=clinician)
    set_updated_at(client, a_while_ago())
    since = timezone.now()
    SessionFactory(client=client)

    assert listed(as_user(clinician), CLIENTS, updated_since=moment(since)) == {str(client.pk)}
    assert listed(as_user(admin), CLIENTS, updated_since=moment(since)) == set()


@pytest.mark.parametrize(
    "value",
    ["2026-03-02T09:30:00", "2026-03-02", "yesterday", "2026-13-02T09:30:00Z", ""],
    ids=repr,
)
@pytest.mark.parametrize("url", ["/api/v1/homework/", CLIENTS])
def test_a_moment_without_offset_or_malformed_is_refused(url, value, clinician, as_user):
    response = as_user(clinician).get(url, {"updated_since": value})

    assert_problem(response, 400, "updated_since")


def test_a_deleted_session_changes_the_clients_summary(clinician, as_user, session_record):
    client = session_record.client
    set_updated_at(client, a_while_ago())
    set_updated_at(session_record, a_while_ago())
    since = timezone.now()
    api = as_user(clinician)
    assert listed(api, CLIENTS, updated_since=moment(since)) == set()

    assert api.delete(f"/api/v1/sessions/{session_record.pk}/").status_code == 204

    assert listed(api, CLIENTS, updated_since=moment(since)) == {str(client.pk)}
