"""The session's written-out rendering (`sessions.serializers.SESSION_FIELDS`) is what DRF's
fields give, byte for byte, for sessions with every optional part empty and with every one
filled."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from sessions.appointments.services import series_create
from sessions.models import Session
from sessions.selectors import sessions_for_reading
from sessions.serializers import SESSION_FIELDS, SessionSerializer
from tests.factories import AddendumFactory, ClientFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assorted_sessions(clinician, supervisor):
    client = ClientFactory(primary_clinician=clinician, preferred_name="Jo")
    bare = SessionFactory(client=client, note_format="", note_sections={}, status="no_show")
    full = SessionFactory(
        client=client, roots_addressed=["perfectionism", "early_childhood"], signed=True
    )
    full.cosigned_at, full.cosigned_by = timezone.now(), supervisor
    full.risk_level = "moderate"
    full.save()
    AddendumFactory(session=full, text="Second thoughts.")
    AddendumFactory(session=full, text="Third thoughts.")
    series = series_create(
        by=clinician,
        client=client,
        starts_at=datetime.now(UTC) + timedelta(days=3),
        interval_weeks=1,
        duration_minutes=50,
        count=2,
        modality="video",
        kind="individual",
    )
    booked, cancelled = Session.objects.filter(series=series).order_by("starts_at")
    cancelled.status, cancelled.cancellation_reason = "cancelled", "client_cancelled"
    cancelled.cancelled_at = timezone.now()
    cancelled.double_booked = True
    cancelled.save()
    return [bare, full, booked, cancelled]


def test_a_session_renders_exactly_as_drf_fields_would(clinician, assorted_sessions):
    drf_request = Request(APIRequestFactory().get("/api/v1/sessions/"))
    drf_request.user = clinician
    serializer = SessionSerializer(context={"request": drf_request})
    sessions = sessions_for_reading(
        Session.objects.select_related("client").filter(pk__in=[s.pk for s in assorted_sessions])
    )

    rendered = 0
    for session in sessions:
        written_out = serializer.to_representation(session)
        plain = Session.objects.get(pk=session.pk)  # DRF reads its roots and addenda itself
        by_drf = serializers.ModelSerializer.to_representation(serializer, plain)
        assert json.loads(JSONRenderer().render(written_out)) == json.loads(
            JSONRenderer().render(by_drf)
        )
        assert list(written_out) == list(by_drf)  # the same keys, in the same order
        rendered += 1

    assert rendered == 4


def test_every_field_the_schema_shows_is_written_out():
    write_only = {name for name, field in SessionSerializer().fields.items() if field.write_only}
    assert list(SESSION_FIELDS) == [f for f in SessionSerializer.Meta.fields if f not in write_only]
