"""Writes for assessments and risk flags. Each enforces the rules in its docstring."""

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from api.auth.models import User
from api.events.models import Topic
from api.events.outbox import emit, emit_many
from api.exceptions import CONFLICT, Conflict
from assessments.instruments import INSTRUMENTS
from assessments.models import Assessment, RiskFlag
from clients.access import require_write
from clients.models import Client


def _refuse_unexplained_same_day(
    client: Client, instrument: str, administered_on, same_day_reason: str
) -> None:
    """A second administration of an instrument on one day is an exception (a repeat after an
    interrupted one, say), never a silent duplicate: it needs a reason."""
    if same_day_reason:
        return
    same_day = Assessment.objects.filter(
        client=client,
        instrument=instrument,
        administered_on=administered_on,
        voided_at__isnull=True,
    ).order_by("created_at", "id")
    earlier = [str(pk) for pk in same_day.values_list("id", flat=True)]
    if not earlier:
        return
    name = INSTRUMENTS[instrument].name
    which = f"assessment {earlier[0]}" if len(earlier) == 1 else "assessments " + ", ".join(earlier)
    message = (
        f"{name} was already administered to this client on {administered_on.isoformat()} "
        f"({which}). Give a same_day_reason to record another that day, or void the earlier "
        "one if it was a mistake."
    )
    raise ValidationError({"same_day_reason": [message]}, CONFLICT)


@transaction.atomic
def assessment_record(
    *,
    by: User,
    client: Client,
    instrument: str,
    responses: list[int],
    administered_on,
    same_day_reason: str = "",
    **fields,
) -> Assessment:
    """Record and score an administration (responses already validated against the
    instrument). A second non-void administration of the instrument for the client on the
    same day needs a `same_day_reason` (400 without one). Each risk rule the answers meet opens
    a risk flag on the client."""
    require_write(by, client)
    # One writer per client at a time, so that two same-day administrations sent together
    # cannot both find the other missing.
    Client.objects.select_for_update().only("pk").get(pk=client.pk)
    _refuse_unexplained_same_day(client, instrument, administered_on, same_day_reason)
    return score_and_store(
        client=client,
        instrument=instrument,
        responses=responses,
        administered_on=administered_on,
        same_day_reason=same_day_reason,
        recorded_by=by,
        **fields,
    )


def score_and_store(*, client: Client, instrument: str, responses: list[int], **fields):
    """Score an administration (answers already validated), store it, and open a risk flag on
    the client for each risk rule the answers meet. Who may record it is the caller's rule."""
    definition = INSTRUMENTS[instrument]
    score = definition.score(responses)
    assessment = Assessment.objects.create(
        client=client,
        practice_id=client.practice_id,
        instrument=instrument,
        responses=responses,
        total_score=score.total,
        severity=score.severity or "",
        subscores=score.subscores,
        flags=score.flags,
        **fields,
    )
    flags = RiskFlag.objects.bulk_create(
        RiskFlag(
            client=client,
            practice_id=client.practice_id,
            assessment=assessment,
            flag=rule.flag,
            description=definition.risk_flag_description(rule, responses[rule.item - 1]),
            raised_on=assessment.administered_on,
        )
        for rule in definition.risk_rules
        if rule.flag in score.flags
    )
    emit(Topic.ASSESSMENT_RECORDED, assessment)
    emit_many(Topic.RISK_FLAG_RAISED, flags)
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
    emit(Topic.RISK_FLAG_ACKNOWLEDGED, flag)
    return flag
