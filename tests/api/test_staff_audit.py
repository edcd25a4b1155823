"""Every change to staff is audited (issue 11, item 11: staff creation, role changes and
deactivation wrote no event); reading the staff list is not (it holds no client data)."""

import pytest

from api.audit.models import AuditEvent
from tests.helpers import NEW_USER_PASSWORD, new_user

pytestmark = pytest.mark.django_db


def events_of(response) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(request_id=response["X-Request-ID"]))


def only_event_of(response) -> AuditEvent:
    events = events_of(response)
    assert len(events) == 1, [(e.action, e.path) for e in events]
    return events[0]


@pytest.fixture
def admin_api(as_user, admin):
    return as_user(admin)


def test_creating_a_member_of_staff_is_audited(admin_api, admin):
    response = admin_api.post("/api/v1/users/", new_user(), format="json")

    assert response.status_code == 201, response.content
    event = only_event_of(response)
    assert (event.action, event.object_type, event.outcome) == ("create", "user", "success")
    assert event.object_id == response.json()["id"]
    assert event.actor == admin
    assert event.client_id is None
    assert NEW_USER_PASSWORD not in str(AuditEvent.objects.filter(pk=event.pk).values().get())


def test_a_role_change_is_audited(admin_api, colleague):
    response = admin_api.patch(
        f"/api/v1/users/{colleague.pk}/", {"role": "supervisor"}, format="json"
    )

    assert response.status_code == 200, response.content
    event = only_event_of(response)
    assert (event.action, event.object_id, event.method) == ("update", str(colleague.pk), "PATCH")


@pytest.mark.parametrize("action", ["deactivate", "reactivate"])
def test_deactivation_and_reactivation_are_audited(action, admin_api, colleague):
    response = admin_api.post(f"/api/v1/users/{colleague.pk}/{action}/")

    assert response.status_code == 200, response.content
    event = only_event_of(response)
    assert event.object_id == str(colleague.pk)
    assert event.path == f"/api/v1/users/{colleague.pk}/{action}/"
    assert event.outcome == "success"


def test_a_refused_staff_change_is_audited_as_denied(as_user, clinician, colleague):
    response = as_user(clinician).post(f"/api/v1/users/{colleague.pk}/deactivate/")

    assert response.status_code == 403
    assert only_event_of(response).outcome == "denied"


def test_reading_the_staff_list_writes_no_event(as_user, clinician, colleague):
    response = as_user(clinician).get("/api/v1/users/")

    assert response.status_code == 200
    assert events_of(response) == []
