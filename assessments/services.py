"""Writes for assessments and risk flags. Each enforces the rules in its docstring."""

from django.db import transaction
from django.utils import timezone

from api.access import require_write
from api.auth.models import User
from api.exceptions import Conflict
from assessments.instruments import INSTRUMENTS
from assessments.models import Assessment, RiskFlag
from clients.models import Client


@transaction.atomic
def assessment_record(
    *, by: User, client: Client, instrument: str, responses: list[int], **fields
) -> Assessment:
    """Record and score an administration (responses already validated against the
    instrument). Each risk rule the answers meet opens a risk flag on the client."""
    require_write(by, client)
    definition = INSTRUMENTS[instrument]
    score = definition.score(responses)
    assessment = Assessment.objects.create(
        client=client,
        instrument=instrument,
        responses=responses,
        recorded_by=by,
        total_score=score.total,
        severity=score.severity or "",
        subscores=score.subscores,
        flags=score.flags,
        **fields,
    )
    RiskFlag.objects.bulk_create(
        RiskFlag(
            client=client,
            assessment=assessment,
            flag=rule.flag,
            description=definition.risk_flag_description(rule, responses[rule.item - 1]),
            raised_on=assessment.administered_on,
        )
        for rule in definition.risk_rules
        if rule.flag in score.flags
    )
    return assessment


@transaction.atomic
def assessment_void(*, assessment: Assessment, by: User, reason: str) -> Assessment:
    """Void an administration: kept on record with who, when and why, left out of progress.
    Voiding twice is a conflict (409). Its risk flags stay open until acknowledged."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    require_write(by, assessment.client)
    if assessment.is_void:
        raise Conflict("This assessment is already void.")
    assessment.voided_at = timezone.now()
    assessment.voided_by = by
    assessment.void_reason = reason
    assessment.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    return assessment


@transaction.atomic
def risk_flag_acknowledge(*, flag: RiskFlag, by: User, note: str) -> RiskFlag:
    """A clinician of the client (primary or care team) acknowledges a risk flag with a note;
    who and when are kept. Acknowledging twice is a conflict (409)."""
    flag = RiskFlag.objects.select_for_update().get(pk=flag.pk)
    require_write(by, flag.client)
    if not flag.is_open:
        raise Conflict("This risk flag is already acknowledged.")
    flag.acknowledged_at = timezone.now()
    flag.acknowledged_by = by
    flag.acknowledgement_note = note
    flag.save(
        update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note", "updated_at"]
    )
    return flag
