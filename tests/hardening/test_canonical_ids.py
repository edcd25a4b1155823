"""Record ids in URLs are canonical UUIDs only: any other spelling of a real id is a 404 on
every route and every method, before any lookup, and leaves no trace (issue 11, item 1: an id
with 40 extra hyphens was served and overflowed the audit trail, which then skipped it)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from api.audit.models import AuditEvent
from api.events import services
from api.events.models import OutboxEvent, WebhookDelivery
from tests.factories import (
    AppointmentSeriesFactory,
    MeasureInvitationFactory,
    MeasureScheduleFactory,
)
from tests.hardening.conftest import as_caller
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


def detail_routes() -> list[str]:
    """Every route of the API that takes a record id, as its URL pattern."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "pk" in pattern.pattern.regex.groupindex:
                found.append(route)

    walk(get_resolver().url_patterns, "/")
    return found


ROUTES = detail_routes()


def test_every_route_with_a_record_id_takes_a_canonical_uuid_only():
    assert len(ROUTES) >= 20, ROUTES
    assert all("<uuid:pk>" in route for route in ROUTES), ROUTES


def spellings(pk) -> dict[str, str]:
    """Ways of writing a real id that `uuid.UUID()` accepts but that are not the id."""
    canonical = str(pk)
    return {
        "40 extra hyphens": canonical + "-" * 40,
        "hyphens moved": canonical.replace("-", "")[:4] + "-" + canonical.replace("-", "")[4:],
        "no hyphens": canonical.replace("-", ""),
        "upper case": canonical.upper(),
        "braces": "{" + canonical + "}",
        "urn": "urn:uuid:" + canonical,
    }


@pytest.fixture
def records(
    client_record, session_record, homework_record, template, assessment, risk_flag, colleague
):
    """(the record, who may act on it) by the route's first segment."""
    clinician = client_record.primary_clinician
    measure = {"client": client_record, "practice": client_record.practice}
    return {
        "measure-schedules": (MeasureScheduleFactory(**measure), clinician),
        "appointment-series": (AppointmentSeriesFactory(client=client_record), clinician),
        "measure-invitations": (MeasureInvitationFactory(**measure), clinician),
        "clients": (client_record, clinician),
        "sessions": (session_record, clinician),
        "homework": (homework_record, clinician),
        "homework-templates": (template, clinician),
        "assessments": (assessment, clinician),
        "risk-flags": (risk_flag, clinician),
        "users": (colleague, None),
        "audit-events": (None, None),
        "webhook-endpoints": (endpoint := webhook_endpoint(client_record.practice), None),
        "webhook-deliveries": (webhook_delivery(endpoint, client_record), None),
    }


def webhook_endpoint(practice):
    return services.endpoint_create(
        practice_id=practice.pk, url="https://93.184.216.34/", topics=["session.signed"]
    )


def webhook_delivery(endpoint, client):
    event = OutboxEvent.objects.create(
        practice_id=client.practice_id,
        topic="client.discharged",
        client_id=client.pk,
        object_type="client",
        object_id=client.pk,
    )
    return WebhookDelivery.objects.create(
        practice_id=client.practice_id,
        endpoint=endpoint,
        event=event,
        retrying_since=event.occurred_at,
    )


@pytest.mark.parametrize("route", ROUTES)
def test_any_other_spelling_of_a_real_id_is_a_404_that_leaves_no_trace(route, records, admin):
    segment = route.removeprefix("/api/v1/").split("/")[0]
    record, caller = records[segment]
    if record is None:  # the audit trail's own events: one the admin may read
        as_caller(admin).get("/api/v1/users/")
        record = AuditEvent.objects.create(actor=admin, practice=admin.practice, status_code=200)
    api = as_caller(caller or admin)
    before = AuditEvent.objects.count()

    for name, spelling in spellings(record.pk).items():
        path = route.replace("<uuid:pk>", spelling)
        for method in ("get", "post", "patch", "put", "delete"):
            response = getattr(api, method)(path, {}, format="json")
            assert response.status_code == 404, (name, method, path, response.content)
            assert_problem(response, 404)

    assert AuditEvent.objects.count() == before
    assert type(record).objects.filter(pk=record.pk).exists()
