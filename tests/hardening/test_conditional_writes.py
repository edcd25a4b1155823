"""Lost updates: every record answers an ETag, and a write that says which version it read
(If-Match) is refused with 412, changing nothing, when someone else changed the record first.
Writes that say nothing keep working."""

import re
import time
from unittest import mock

import pytest

from api.auth.models import User
from assessments.models import Assessment, RiskFlag
from clients.models import Client
from clients.services import client_update
from sessions.homework.models import Homework, HomeworkTemplate
from sessions.models import Session
from tests.factories import ClientFactory, UserFactory
from tests.hardening.conftest import as_caller, postgresql_only, run_together
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

STRONG_ETAG = re.compile(r'^"[^"]+"$')


def row(model, pk) -> dict:
    """The stored row, read afresh."""
    return model.objects.filter(pk=pk).values().get()


# name: (fixture of the record, URL prefix, a change, who writes (fixture), the model)
RECORDS = {
    "client": ("client_record", "clients", {"given_name": "Changed"}, "clinician", Client),
    "session": ("session_record", "sessions", {"duration_minutes": 45}, "clinician", Session),
    "homework": ("homework_record", "homework", {"title": "Changed"}, "clinician", Homework),
    "template": ("template", "homework-templates", {"title": "Changed"}, "clinician", None),
    "user": ("colleague", "users", {"full_name": "Changed Name"}, "admin", User),
}
MODELS = {"template": HomeworkTemplate}


@pytest.fixture(params=RECORDS)
def target(request):
    """(API client of the writer, the record's URL, a change, the model, the record's pk)."""
    fixture, prefix, change, writer, model = RECORDS[request.param]
    record = request.getfixturevalue(fixture)
    api = as_caller(request.getfixturevalue(writer))
    return api, f"/api/v1/{prefix}/{record.pk}/", change, model or MODELS[request.param], record.pk


def etag_of(api, url) -> str:
    response = api.get(url)
    assert response.status_code == 200, response.content
    return response["ETag"]


def test_a_record_answers_a_strong_etag_that_holds_until_it_changes(target):
    api, url, change = target[:3]

    first, second = etag_of(api, url), etag_of(api, url)

    assert STRONG_ETAG.match(first), first
    assert first == second
    assert api.patch(url, change, format="json").status_code == 200
    assert etag_of(api, url) != first


@pytest.mark.parametrize("record", ["assessment", "risk_flag"])
def test_read_only_records_answer_an_etag_too(request, record, clinician):
    obj = request.getfixturevalue(record)
    prefix = {"assessment": "assessments", "risk_flag": "risk-flags"}[record]

    response = as_caller(clinician).get(f"/api/v1/{prefix}/{obj.pk}/")

    assert response.status_code == 200
    assert STRONG_ETAG.match(response["ETag"])


def test_a_write_with_a_stale_etag_is_a_412_and_changes_nothing(target):
    """The lost update: two people read the record; the first saves; the second, still holding
    the version they read, is refused instead of silently overwriting the first's change."""
    api, url, change, model, pk = target
    read_by_both = etag_of(api, url)
    first = api.patch(url, change, format="json", HTTP_IF_MATCH=read_by_both)
    assert first.status_code == 200, first.content
    after_first = row(model, pk)

    second = api.patch(url, change, format="json", HTTP_IF_MATCH=read_by_both)

    problem = assert_problem(second, 412)
    assert problem["type"] == "urn:rootwise:problem:precondition-failed"
    assert "ETag" not in second
    assert row(model, pk) == after_first


def test_an_unknown_etag_is_a_412_and_changes_nothing(target):
    api, url, change, model, pk = target
    before = row(model, pk)

    response = api.patch(url, change, format="json", HTTP_IF_MATCH='"not-a-version-of-it"')

    assert_problem(response, 412)
    assert row(model, pk) == before


def test_a_write_with_the_current_etag_succeeds_and_answers_the_new_one(target):
    api, url, change, model, pk = target
    before = row(model, pk)
    current = etag_of(api, url)

    response = api.patch(url, change, format="json", HTTP_IF_MATCH=current)

    assert response.status_code == 200, response.content
    assert row(model, pk) != before
    assert STRONG_ETAG.match(response["ETag"])
    assert response["ETag"] != current
    assert response["ETag"] == etag_of(api, url)
    # ... and that new ETag is what the next conditional write needs.
    again = api.patch(url, change, format="json", HTTP_IF_MATCH=response["ETag"])
    assert again.status_code == 200, again.content


@pytest.mark.parametrize(
    "if_match",
    [None, "*", 'W/"x", {current}', '"not-it", {current}', "{current}"],
    ids=["no If-Match", "any", "weak and current", "a list holding the current", "current"],
)
def test_writes_without_if_match_or_with_a_matching_one_keep_working(target, if_match):
    api, url, change, model, pk = target
    before = row(model, pk)
    headers = {}
    if if_match is not None:
        headers["HTTP_IF_MATCH"] = if_match.format(current=etag_of(api, url))

    response = api.patch(url, change, format="json", **headers)

    assert response.status_code == 200, response.content
    assert row(model, pk) != before


def test_a_full_replacement_is_conditional_too(template, clinician):
    api = as_caller(clinician)
    url = f"/api/v1/homework-templates/{template.pk}/"
    body = {
        "strategy": "realistic_goals",
        "title": "Replaced",
        "instructions": "Something else entirely.",
        "target_roots": ["past_failures"],
    }
    stale = etag_of(api, url)
    assert api.patch(url, {"title": "Changed meanwhile"}, format="json").status_code == 200
    before = row(HomeworkTemplate, template.pk)

    refused = api.put(url, body, format="json", HTTP_IF_MATCH=stale)
    accepted = api.put(url, body, format="json", HTTP_IF_MATCH=etag_of(api, url))

    assert_problem(refused, 412)
    assert before["title"] == "Changed meanwhile"
    assert accepted.status_code == 200, accepted.content
    assert row(HomeworkTemplate, template.pk)["title"] == "Replaced"


# --- deletes -----------------------------------------------------------------------------------

DELETABLE = {
    "session": ("session_record", "sessions", Session),
    "template": ("template", "homework-templates", HomeworkTemplate),
    "client": ("client_record", "clients", Client),
}


@pytest.mark.parametrize("kind", DELETABLE)
def test_a_delete_with_a_stale_etag_is_a_412_and_the_record_stays(request, kind, clinician):
    fixture, prefix, model = DELETABLE[kind]
    record = request.getfixturevalue(fixture)
    api, url = as_caller(clinician), f"/api/v1/{prefix}/{record.pk}/"

    refused = api.delete(url, HTTP_IF_MATCH='"an-old-version"')

    assert_problem(refused, 412)
    assert model.objects.filter(pk=record.pk).exists()
    accepted = api.delete(url, HTTP_IF_MATCH=etag_of(api, url))
    assert accepted.status_code == 204, accepted.content
    assert not model.objects.filter(pk=record.pk).exists()


# --- actions on one record ---------------------------------------------------------------------


def _sign(session_record, **_):
    return f"/api/v1/sessions/{session_record.pk}/", "sign/", None, Session, session_record.pk


def _void(assessment, **_):
    url = f"/api/v1/assessments/{assessment.pk}/"
    return url, "void/", {"reason": "Entered for the wrong client."}, Assessment, assessment.pk


def _complete(homework_record, **_):
    url = f"/api/v1/homework/{homework_record.pk}/"
    return url, "not-completed/", {"outcome_note": "Busy week."}, Homework, homework_record.pk


def _acknowledge(risk_flag, **_):
    url = f"/api/v1/risk-flags/{risk_flag.pk}/"
    return url, "acknowledge/", {"note": "Safety plan reviewed."}, RiskFlag, risk_flag.pk


ACTIONS = {"sign": _sign, "void": _void, "homework outcome": _complete, "ack": _acknowledge}


@pytest.mark.parametrize(
    "action",
    [
        *(name for name in ACTIONS if name != "ack"),
        "ack",
    ],
)
def test_an_action_with_a_stale_etag_is_a_412_and_changes_nothing(request, action, clinician):
    build = ACTIONS[action]
    names = build.__code__.co_varnames[: build.__code__.co_argcount]
    url, suffix, body, model, pk = build(**{n: request.getfixturevalue(n) for n in names})
    api = as_caller(clinician)
    current = etag_of(api, url)
    before = row(model, pk)

    refused = api.post(url + suffix, body, format="json", HTTP_IF_MATCH='"an-old-version"')

    assert_problem(refused, 412)
    assert row(model, pk) == before
    accepted = api.post(url + suffix, body, format="json", HTTP_IF_MATCH=current)
    assert accepted.status_code == 200, accepted.content
    assert row(model, pk) != before
    assert accepted["ETag"] == etag_of(api, url) != current


def test_deactivating_a_user_with_a_stale_etag_is_a_412(admin, colleague):
    api = as_caller(admin)
    url = f"/api/v1/users/{colleague.pk}/"
    stale = etag_of(api, url)
    assert api.patch(url, {"full_name": "Renamed Meanwhile"}, format="json").status_code == 200

    response = api.post(url + "deactivate/", HTTP_IF_MATCH=stale)

    assert_problem(response, 412)
    assert User.objects.get(pk=colleague.pk).is_active


# --- two writers at the same moment ------------------------------------------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_writers_with_the_same_etag_exactly_one_wins(practice):
    clinician = UserFactory(practice=practice)
    client = ClientFactory(primary_clinician=clinician)
    url = f"/api/v1/clients/{client.pk}/"
    etag = etag_of(as_caller(clinician), url)

    def writer(name):
        return lambda: as_caller(clinician).patch(
            url, {"given_name": name}, format="json", HTTP_IF_MATCH=etag
        )

    def slow_update(**kwargs):
        """Widen the window between the ETag check and the write, so that without a lock
        both writers would pass the check before either saves."""
        time.sleep(0.2)
        return client_update(**kwargs)

    with mock.patch("clients.services.client_update", side_effect=slow_update):
        first, second = run_together(writer("Alice"), writer("Bea"))

    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [200, 412], [first.content, second.content]
    winner = first if first.status_code == 200 else second
    loser = second if winner is first else first
    assert_problem(loser, 412)
    assert Client.objects.get(pk=client.pk).given_name == winner.json()["given_name"]
    assert winner["ETag"] == etag_of(as_caller(clinician), url)


def test_a_weak_form_of_the_current_etag_is_a_412_and_changes_nothing(target):
    """RFC 9110: If-Match uses the strong comparison, so `W/"<current>"` never matches."""
    api, url, change, model, pk = target
    before = row(model, pk)

    response = api.patch(url, change, format="json", HTTP_IF_MATCH="W/" + etag_of(api, url))

    assert_problem(response, 412)
    assert row(model, pk) == before
