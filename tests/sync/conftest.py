"""Fixtures for the sync tests: each list a front end syncs, with a way to put a record of a
given client on it, and readers of a list page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    AssessmentFactory,
    HomeworkFactory,
    MeasureInvitationFactory,
    MeasureScheduleFactory,
)

PHQ9_WITH_RISK = [1] * 9  # item 9 above 0 raises a risk flag


def _risk_flag(client):
    return AssessmentFactory(client=client, responses=PHQ9_WITH_RISK).risk_flags.get()


# Each list that carries its client's name: its URL, and how to put one record of a client on
# it (returning that record).
LISTS = {
    "homework": ("/api/v1/homework/", lambda client: HomeworkFactory(client=client)),
    "assessments": ("/api/v1/assessments/", lambda client: AssessmentFactory(client=client)),
    "risk flags": ("/api/v1/risk-flags/", _risk_flag),
    "measure schedules": (
        "/api/v1/measure-schedules/",
        lambda client: MeasureScheduleFactory(client=client),
    ),
    "measure invitations": (
        "/api/v1/measure-invitations/",
        lambda client: MeasureInvitationFactory(client=client),
    ),
}


@pytest.fixture(params=list(LISTS))
def a_list(request):
    """(url, make) for each list in turn."""
    return LISTS[request.param]


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def listed(api, url: str, **params) -> set[str]:
    return {row["id"] for row in rows(api.get(url, {"page_size": 200, **params}))}


def moment(when) -> str:
    """An RFC 3339 moment, as a front end sends it."""
    return when.isoformat()


def set_updated_at(record, when) -> None:
    """Store `when` as the record's last change (a queryset update leaves auto_now alone)."""
    type(record).objects.filter(pk=record.pk).update(updated_at=when)


def a_while_ago(minutes: int = 60):
    return timezone.now() - timedelta(minutes=minutes)
