"""Everything a client's progress report shows, gathered in a fixed number of queries."""

from dataclasses import dataclass

from django.utils import timezone

from assessments.models import Assessment
from assessments.progress import client_progress
from clients.models import Client
from sessions.models import Homework, Session


@dataclass
class ReportData:
    client: Client
    progress: dict
    administrations: list[Assessment]
    sessions: list[Session]
    homework: list[Homework]
    include_notes: bool
    generated_at: object

    @property
    def period(self) -> tuple:
        dates = [a.administered_on for a in self.administrations] + [
            s.starts_at.date() for s in self.sessions
        ]
        return (min(dates), max(dates)) if dates else (None, None)


def report_data(client_id, *, include_notes: bool = False) -> ReportData:
    client = (
        Client.objects.select_related("primary_clinician", "practice")
        .prefetch_related("presenting_roots")
        .get(pk=client_id)
    )
    return ReportData(
        client=client,
        progress=client_progress(client),
        administrations=list(
            Assessment.objects.filter(client=client, voided_at__isnull=True).order_by(
                "administered_on", "created_at", "id"
            )
        ),
        sessions=list(
            Session.objects.filter(client=client)
            .select_related("clinician")
            .prefetch_related("roots", "addenda")
            .order_by("starts_at", "id")
        ),
        homework=list(Homework.objects.filter(client=client).order_by("assigned_on", "id")),
        include_notes=include_notes,
        generated_at=timezone.now(),
    )
