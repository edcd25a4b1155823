"""Discharging and readmitting a client: the discharge date follows the status, in the API and in
the database."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.db.utils import IntegrityError
from django.utils import timezone

from clients.models import Client
from tests.clients.conftest import CLIENTS, url
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "discharged_on"),
    [("discharged", None), ("active", date(2025, 1, 1))],
)
def test_discharge_date_matches_status_in_the_database(status, discharged_on, client_record):
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.filter(pk=client_record.pk).update(
            status=status, discharged_on=discharged_on
        )


def test_client_discharge_sets_the_date_to_today_and_readmission_clears_it(client_record, as_user):
    api = as_user(client_record.primary_clinician)

    discharged = api.patch(url(client_record), {"status": "discharged"}, format="json")

    assert discharged.status_code == 200, discharged.json()
    assert discharged.json()["discharged_on"] == timezone.localdate().isoformat()
    client_record.refresh_from_db()
    assert client_record.discharged_on == timezone.localdate()

    readmitted = api.patch(url(client_record), {"status": "active"}, format="json")

    assert readmitted.status_code == 200, readmitted.json()
    assert readmitted.json()["discharged_on"] is None
    client_record.refresh_from_db()
    assert (client_record.status, client_record.discharged_on) == ("active", None)


def test_client_discharge_keeps_a_given_date(client_record, as_user):
    day = client_record.intake_date + timedelta(days=3)

    response = as_user(client_record.primary_clinician).patch(
        url(client_record),
        {"status": "discharged", "discharged_on": day.isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.json()
    client_record.refresh_from_db()
    assert client_record.discharged_on == day


def test_client_created_discharged_gets_todays_date(clinician, as_user):
    response = as_user(clinician).post(
        CLIENTS, {"given_name": "A", "family_name": "B", "status": "discharged"}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert Client.objects.get().discharged_on == timezone.localdate()


def test_client_create_active_with_a_discharge_date_is_400(clinician, as_user):
    response = as_user(clinician).post(
        CLIENTS,
        {"given_name": "A", "family_name": "B", "discharged_on": "2025-01-01"},
        format="json",
    )

    assert response.status_code == 400
    assert error_fields(response) == ["discharged_on"]
    assert not Client.objects.exists()


def test_client_update_active_with_a_discharge_date_is_400(client_record, as_user, client_snapshot):
    before = client_snapshot(client_record)

    response = as_user(client_record.primary_clinician).patch(
        url(client_record),
        {"given_name": "Changed", "discharged_on": timezone.localdate().isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert error_fields(response) == ["discharged_on"]
    assert client_snapshot(client_record) == before


def test_client_discharge_before_intake_is_400(client_record, as_user):
    day = client_record.intake_date - timedelta(days=1)

    response = as_user(client_record.primary_clinician).patch(
        url(client_record),
        {"status": "discharged", "discharged_on": day.isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert error_fields(response) == ["discharged_on"]
    client_record.refresh_from_db()
    assert client_record.status == "active"


def test_client_clearing_the_discharge_date_of_a_discharged_client_is_400(client_record, as_user):
    api = as_user(client_record.primary_clinician)
    assert api.patch(url(client_record), {"status": "discharged"}, format="json").status_code == 200

    response = api.patch(url(client_record), {"discharged_on": None}, format="json")

    assert response.status_code == 400
    assert error_fields(response) == ["discharged_on"]
