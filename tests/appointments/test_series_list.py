"""The series list filters as the other lists do: by one client or several, by clinician, and
by what changed since a moment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.appointments.conftest import SERIES
from tests.factories import AppointmentSeriesFactory, ClientFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


def listed(api, **params) -> list[str]:
    response = api.get(SERIES, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_series_of_one_client_or_several(clinician, as_user):
    first, second, third = (ClientFactory(primary_clinician=clinician) for _ in range(3))
    series = {
        client: AppointmentSeriesFactory(
            client=client, starts_at=timezone.now() + timedelta(days=d)
        )
        for d, client in enumerate((first, second, third), start=1)
    }
    api = as_user(clinician)

    assert listed(api, client=str(first.pk)) == [str(series[first].pk)]
    assert sorted(listed(api, client=f"{first.pk},{third.pk}")) == sorted(
        [str(series[first].pk), str(series[third].pk)]
    )
    assert_problem(api.get(SERIES, {"client": "not-an-id"}), 400, "client")


def test_series_changed_since_a_moment(clinician, as_user):
    client = ClientFactory(primary_clinician=clinician)
    earlier = AppointmentSeriesFactory(client=client)
    moment = timezone.now()
    later = AppointmentSeriesFactory(
        client=client, starts_at=earlier.starts_at + timedelta(hours=2)
    )

    assert listed(as_user(clinician), updated_since=moment.isoformat()) == [str(later.pk)]
