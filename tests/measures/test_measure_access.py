"""Who may see and change measure schedules and invitations: the client's clinicians (primary
and care team) read and write; the primary clinician's supervisor reads and is refused every
write (403); the practice's admin, a colleague with no link to the client, another supervisor
and anyone of another practice get exactly the 404 of an id that does not exist, and lists
leave the records out (an admin's lists are empty)."""

import pytest

from assessments.measures.models import MeasureInvitation, MeasureSchedule
from clients.models import Client
from tests.access import (
    CLINICAL_READERS,
    NO_CLINICAL_ACCESS,
    Create,
    CreateAccess,
    ListAccess,
    ReadAccess,
    Write,
    WriteAccess,
    own_record_keys,
)
from tests.factories import MeasureInvitationFactory, MeasureScheduleFactory
from tests.measures.conftest import INVITATIONS, SCHEDULES

pytestmark = pytest.mark.django_db

SCHEDULE = SCHEDULES + "{id}/"
INVITATION = INVITATIONS + "{id}/"
WRITERS = ("clinician", "care_team_member")


@pytest.fixture
def reachable(client_record):
    """`client_record`, with an email address for measures to be sent to."""
    Client.objects.filter(pk=client_record.pk).update(email="client.record@example.test")
    client_record.refresh_from_db()
    return client_record


def weekly_body(client_id) -> dict:
    return {
        "client": str(client_id),
        "instruments": ["gad7"],
        "kind": "every",
        "starts_on": "2099-01-05",
        "interval": 1,
        "interval_unit": "weeks",
    }


class TestScheduleAccess(ListAccess, ReadAccess, WriteAccess, CreateAccess):
    models = (MeasureSchedule, MeasureInvitation)
    no_access = NO_CLINICAL_ACCESS
    readers = CLINICAL_READERS
    lists = {SCHEDULES: "id", SCHEDULES + "?client={client}": "id"}
    reads = {"schedule": SCHEDULE}
    writes = {
        "pause": Write("patch", SCHEDULE, {"status": "paused"}),
        "change": Write("patch", SCHEDULE, {"instruments": ["phq9", "gad7"]}),
        "stop": Write("patch", SCHEDULE, {"status": "stopped"}),
    }
    create = Create(SCHEDULES, weekly_body)
    may_write = {writer: {"pause", "change", "stop", "create"} for writer in WRITERS}

    @pytest.fixture
    def record(self, reachable):
        return MeasureScheduleFactory(client=reachable)

    def own_keys(self, person):
        return own_record_keys(person, MeasureScheduleFactory)


def send_now_body(client_id) -> dict:
    return {"client": str(client_id), "instruments": ["phq9"]}


class TestInvitationAccess(ListAccess, ReadAccess, WriteAccess, CreateAccess):
    models = (MeasureInvitation,)
    no_access = NO_CLINICAL_ACCESS
    readers = CLINICAL_READERS
    lists = {INVITATIONS: "id", INVITATIONS + "?client={client}": "id"}
    reads = {"invitation": INVITATION}
    writes = {"revoke": Write("post", INVITATION + "revoke/")}
    create = Create(INVITATIONS, send_now_body)
    may_write = {writer: {"revoke", "create"} for writer in WRITERS}

    @pytest.fixture
    def record(self, reachable):
        return MeasureInvitationFactory(client=reachable)

    def own_keys(self, person):
        return own_record_keys(person, MeasureInvitationFactory)
