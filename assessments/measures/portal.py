"""What a client does with a measure link: open it, answer, submit. The token is the only
credential: it is looked up by its digest across practices (the one lookup that must, as a
sign-in's is), and everything after runs in the invitation's practice's scope.

A link that is unknown, used, expired or revoked is one answer, `LinkClosed`: whoever holds a
dead link learns nothing, not even whether it ever existed."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from rest_framework.exceptions import ValidationError

from api.audit.services import audit_record
from api.events.models import Topic
from api.events.outbox import emit
from api.secret_tokens import digest, is_token_shaped
from api.tenancy import all_practices
from api.timezones import practice_today
from assessments.instruments import INSTRUMENTS
from assessments.measures.models import OPEN_INVITATION, InvitationStatus, MeasureInvitation
from assessments.measures.tasks import alert_risk
from assessments.models import AssessmentSource, RiskFlag
from assessments.services import score_and_store

# A submission repeated this soon after the one that used the link (a double tap, a retry
# after a lost answer) gets the first one's answer again, crisis text included, not a dead link.
REPLAY_WINDOW = timedelta(minutes=30)


def audit_link_use(request, invitation, status_code: int, action: str) -> None:
    """A use of a measure link in the audit trail, the invitation as the actor (none for an
    unknown link); call it in the invitation's practice's scope."""
    audit_record(
        request=request,
        action=action,
        status_code=status_code,
        invitation=invitation,
        object_type="measure_invitation",
        object_id=invitation.pk if invitation else None,
        client_id=invitation.client_id if invitation else None,
    )


class LinkClosed(Exception):
    """The link opens nothing: unknown, answered, expired or revoked."""


@dataclass
class Submission:
    invitation: MeasureInvitation
    at_risk: bool  # an answer raised a risk flag: the client reads the practice's crisis text
    replayed: bool = False


def find_invitation(token: str) -> MeasureInvitation:
    """The invitation whose link carries `token`, open or not; LinkClosed if none."""
    if not isinstance(token, str) or not is_token_shaped(token):
        raise LinkClosed
    with all_practices():
        invitation = (
            MeasureInvitation.objects.select_related("practice")
            .filter(token_digest=digest(token))
            .first()
        )
    if invitation is None:
        raise LinkClosed
    return invitation


def is_open(invitation: MeasureInvitation) -> bool:
    return invitation.status in OPEN_INVITATION and invitation.expires_at > timezone.now()


def open_link(invitation: MeasureInvitation) -> MeasureInvitation:
    """The questionnaire is shown: the first time is recorded. Run in the invitation's scope."""
    if not is_open(invitation):
        raise LinkClosed
    if invitation.opened_at is None:
        invitation.opened_at = timezone.now()
        MeasureInvitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=invitation.opened_at, updated_at=invitation.opened_at
        )
    return invitation


def answer_errors(invitation: MeasureInvitation, answers: dict) -> dict:
    """Field errors for `answers` (instrument code → one answer per item): every instrument of
    the invitation answered, and no other; each answer one of its item's options. An error of
    one item is under its index (from 0), its message naming it as the client counts (from 1)."""
    errors: dict = {}
    for code in sorted(answers.keys() - set(invitation.instruments)):
        errors[code] = ["This questionnaire does not include this instrument."]
    for code in invitation.instruments:
        responses = answers.get(code)
        if not isinstance(responses, list):
            errors[code] = ["Please answer every question."]
            continue
        problems = INSTRUMENTS[code].validation_errors(responses)
        if None in problems:
            errors[code] = [problems[None]]
        elif problems:
            errors[code] = {
                index: [f"Question {index + 1}: {message}"] for index, message in problems.items()
            }
    return errors


def submit(invitation_id, answers: dict) -> Submission:
    """Score and store the answers as the client's own (`client_self_report`), one assessment
    per instrument, then close the link. Risk flags alert the clinicians once this commits.
    Run in the invitation's practice's scope."""
    invitation = (
        MeasureInvitation.objects.select_for_update(of=("self",))
        .select_related("client__practice")
        .get(pk=invitation_id)
    )
    if invitation.status == InvitationStatus.COMPLETED:
        return _replay(invitation, answers)
    if not is_open(invitation):
        raise LinkClosed
    errors = answer_errors(invitation, answers)
    if errors:
        raise ValidationError(errors)
    client = invitation.client
    today = practice_today(client.practice)
    assessments = [
        score_and_store(
            client=client,
            instrument=code,
            responses=answers[code],
            administered_on=today,
            source=AssessmentSource.CLIENT_SELF_REPORT,
            invitation=invitation,
        )
        for code in invitation.instruments
    ]
    invitation.status = InvitationStatus.COMPLETED
    invitation.completed_at = timezone.now()
    invitation.remind_at = None
    invitation.save(update_fields=["status", "completed_at", "remind_at", "updated_at"])
    emit(Topic.MEASURE_COMPLETED, invitation)
    flags = list(RiskFlag.objects.filter(assessment__in=assessments).values_list("pk", flat=True))
    for flag in flags:
        alert_risk.delay_on_commit(str(invitation.practice_id), str(flag))
    return Submission(invitation=invitation, at_risk=bool(flags))


def _replay(invitation: MeasureInvitation, answers: dict) -> Submission:
    stored = {a.instrument: a.responses for a in invitation.assessments.all()}
    if stored != answers or timezone.now() - invitation.completed_at > REPLAY_WINDOW:
        raise LinkClosed
    at_risk = RiskFlag.objects.filter(assessment__invitation=invitation).exists()
    return Submission(invitation=invitation, at_risk=at_risk, replayed=True)
