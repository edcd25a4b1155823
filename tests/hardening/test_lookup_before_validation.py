"""On every object action the object is looked up first: another practice's id, or one the
caller may not see, is a 404 whatever the body (issue 11, item 14: an empty body answered 400,
telling that the id was real)."""

import uuid

import pytest

from tests.hardening.conftest import as_caller
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

# action: (the record's fixture, URL from the record)
ACTIONS = {
    "addenda": ("signed_session", lambda r: f"/api/v1/sessions/{r.pk}/addenda/"),
    "void": ("assessment", lambda r: f"/api/v1/assessments/{r.pk}/void/"),
    "acknowledge": ("risk_flag", lambda r: f"/api/v1/risk-flags/{r.pk}/acknowledge/"),
    "complete": ("homework_record", lambda r: f"/api/v1/homework/{r.pk}/complete/"),
    "partially-complete": (
        "homework_record",
        lambda r: f"/api/v1/homework/{r.pk}/partially-complete/",
    ),
    "not-completed": ("homework_record", lambda r: f"/api/v1/homework/{r.pk}/not-completed/"),
    "cancel": ("homework_record", lambda r: f"/api/v1/homework/{r.pk}/cancel/"),
    "update": ("session_record", lambda r: f"/api/v1/sessions/{r.pk}/"),
    "report": ("client_record", lambda r: f"/api/v1/clients/{r.pk}/report/?include=bad"),
}
BODIES = [{}, {"reason": 5}, {"note": ""}, {"completed_on": "not a date"}, []]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", ["outsider", "stranger", "colleague", "admin"])
def test_a_real_id_out_of_reach_is_a_404_whatever_the_body(request, action, who):
    fixture, url = ACTIONS[action]
    real = url(request.getfixturevalue(fixture))
    unknown = url(type("Unknown", (), {"pk": uuid.uuid4()}))
    api = as_caller(request.getfixturevalue(who))
    send = api.get if action == "report" else api.patch if action == "update" else api.post

    for body in BODIES:
        response = send(real, body, format="json")
        missing = send(unknown, body, format="json")
        assert_problem(response, 404)
        assert response.json() == missing.json(), (body, response.content, missing.content)
