"""Everything a client's progress report shows, gathered in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from api.timezones import local_date
from assessments.instruments import INSTRUMENTS
from assessments.models import Assessment, RiskFlag
from clients.models import Client
from progress.selectors import client_progress
from sessions.homework.models import Homework
from sessions.models import Session, SessionStatus


@dataclass(frozen=True)
class RiskAnswer:
    """An answer that met an instrument's risk rule, in the words of the flag it raises."""

    item: int
    value: int
    label: str  # the option's label, e.g. "More than half the days"
    description: str


def _answers(assessment: Assessment) -> list[tuple]:
    instrument = INSTRUMENTS[assessment.instrument]
    return [
        (
            rule,
            RiskAnswer(
                rule.item,
                value,
                instrument.option_label(value),
                instrument.risk_flag_description(rule, value),
            ),
        )
        for rule in instrument.risk_rules
        if (value := assessment.responses[rule.item - 1]) >= rule.min_value
    ]


def flag_answer(flag: RiskFlag) -> RiskAnswer | None:
    """The answer that raised `flag`, read from its administration (so a flag recorded before
    descriptions named the answer reads the same as a new one)."""
    return next((a for rule, a in _answers(flag.assessment) if rule.flag == flag.flag), None)


@dataclass
class ReportData:
    client: Client
    progress: dict
    administrations: list[Assessment]  # non-void, oldest first
    sessions: list[Session]
    homework: list[Homework]
    risk_flags: list[RiskFlag]  # every flag, open or acknowledged, oldest first
    include_notes: bool
    generated_at: object

    def local(self, moment: datetime) -> datetime:
        """`moment` on the practice's clock: the report's dates and times are the practice's."""
        return moment.astimezone(ZoneInfo(self.client.practice.time_zone))

    def local_date(self, moment: datetime | None) -> date | None:
        return local_date(moment, self.client.practice)

    @property
    def period(self) -> tuple:
        """From the first to the last completed session or administration: a scheduled
        session is not yet part of the record."""
        dates = [a.administered_on for a in self.administrations] + [
            self.local_date(s.starts_at)
            for s in self.sessions
            if s.status == SessionStatus.COMPLETED
        ]
        return (min(dates), max(dates)) if dates else (None, None)

    def risk_answers_by_administration(self) -> dict:
        """Assessment id -> the risk answers it gave, for the non-void administrations."""
        return {
            a.pk: [answer for _, answer in answers]
            for a in self.administrations
            if (answers := _answers(a))
        }


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
            Assessment.objects.filter(client=client, voided_at__isnull=True)
            .select_related("client")
            .order_by("administered_on", "created_at", "id")
        ),
        sessions=list(
            Session.objects.filter(client=client)
            .select_related("clinician")
            .prefetch_related("roots", "addenda")
            .order_by("starts_at", "id")
        ),
        homework=list(Homework.objects.filter(client=client).order_by("assigned_on", "id")),
        risk_flags=list(
            RiskFlag.objects.filter(client=client)
            .select_related("assessment__voided_by", "acknowledged_by")
            .order_by("raised_on", "created_at", "id")
        ),
        include_notes=include_notes,
        generated_at=timezone.now(),
    )
