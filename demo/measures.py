"""The demo practice's measures between sessions: a schedule, and an open link anyone trying
Rootwise can open at /m/<DEMO_MEASURE_TOKEN>/ to see what a client sees."""

from datetime import timedelta

from django.utils import timezone

from api.secret_tokens import digest
from assessments.measures.models import InvitationStatus, MeasureInvitation, MeasureSchedule
from assessments.measures.services import schedule_create
from clients.models import Client

# A demo's link is public knowledge: demo data only, never in a real practice.
DEMO_MEASURE_TOKEN = "demo-measure-link-try-the-client-page-00001"  # noqa: S105
DEMO_CLIENT = "DEMO-001"


def load_measures(practice_id) -> None:
    client = Client.objects.get(practice_id=practice_id, external_id=DEMO_CLIENT)
    if MeasureSchedule.objects.filter(client=client).exists():
        return
    if not client.email:
        client.email = "ethan.marsh@example.test"
        client.save(update_fields=["email", "updated_at"])
    schedule_create(
        by=client.primary_clinician,
        client=client,
        instruments=["phq9", "gad7"],
        kind="every",
        starts_on=timezone.localdate() + timedelta(days=7),
        interval=2,
        interval_unit="weeks",
        reminder_after_days=2,
    )
    MeasureInvitation.objects.create(
        client=client,
        practice_id=practice_id,
        instruments=["phq9", "gad7"],
        status=InvitationStatus.SENT,
        token_digest=digest(DEMO_MEASURE_TOKEN),
        sent_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=30),
        created_by=client.primary_clinician,
    )
