"""Sending what measures send, each step safe to run twice (a retried or duplicated task): it
locks its row and does nothing if the step is already done."""

import logging
from datetime import timedelta

from django.utils import timezone

from api.auth.models import Role, User
from api.secret_tokens import new_token
from assessments.measures import messages
from assessments.measures.models import Channel, InvitationStatus, MeasureInvitation
from assessments.models import RiskFlag

logger = logging.getLogger(__name__)


def _address(invitation: MeasureInvitation) -> str:
    client = invitation.client
    return client.phone if invitation.channel == Channel.SMS else client.email


def deliver_invitation(invitation_id, *, reminder: bool = False) -> bool:
    """Send an invitation's link, or its reminder with a new link (the old one stops working:
    only digests are kept, so no earlier link can be sent again). False when there was nothing
    to do: sent already, reminded already, or no longer open."""
    invitation = (
        MeasureInvitation.objects.select_for_update(of=("self",))
        .select_related("client", "practice")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return False
    now = timezone.now()
    expected = InvitationStatus.SENT if reminder else InvitationStatus.PENDING
    if invitation.status != expected or invitation.expires_at <= now:
        return False
    if reminder and invitation.reminded_at is not None:
        return False
    address = _address(invitation)
    if not address:
        # The client's address was removed after the invitation was made: it expires unsent.
        logger.warning("Measure invitation %s has no address to send to", invitation.pk)
        return False
    token, invitation.token_digest = new_token()
    if reminder:
        invitation.reminded_at = now
        invitation.remind_at = None
        fields = ["token_digest", "reminded_at", "remind_at", "updated_at"]
    else:
        invitation.status = InvitationStatus.SENT
        invitation.sent_at = now
        fields = ["token_digest", "status", "sent_at", "remind_at", "updated_at"]
        if invitation.schedule_id and invitation.schedule.reminder_after_days:
            invitation.remind_at = now + timedelta(days=invitation.schedule.reminder_after_days)
    # Saved before sending: should the send fail, the transaction rolls back and a retry sends
    # with another token; should it succeed, only this token's digest is ever committed.
    invitation.save(update_fields=fields)
    messages.send_invitation(
        practice=invitation.practice,
        channel=invitation.channel,
        address=address,
        token=token,
        reminder=reminder,
    )
    return True


def alert_risk(flag_id, *, again: bool = False) -> bool:
    """Email a risk flag's alert to the client's primary clinician and their supervisor; when
    `again` (still unacknowledged after the practice's hours), send it once more, escalated to
    every supervisor of the practice if the clinician has none. False when already done."""
    flag = (
        RiskFlag.objects.select_for_update(of=("self",))
        .select_related("client__primary_clinician__supervisor", "practice")
        .filter(pk=flag_id)
        .first()
    )
    if flag is None or not flag.is_open:
        return False
    done = flag.alert_escalated_at if again else flag.alert_sent_at
    if done is not None:
        return False
    clinician = flag.client.primary_clinician
    supervisors = [clinician.supervisor] if clinician.supervisor else []
    if again and not supervisors:
        # Escalation needs someone above the clinician: without a supervisor of their own,
        # every supervisor of the practice.
        supervisors = list(User.objects.filter(practice_id=flag.practice_id, role=Role.SUPERVISOR))
    recipients = [user.email for user in [clinician, *supervisors] if user.is_active]
    now = timezone.now()
    if again:
        flag.alert_escalated_at = now
        flag.alert_escalate_at = None
    else:
        flag.alert_sent_at = now
        flag.alert_escalate_at = now + timedelta(hours=flag.practice.risk_alert_escalation_hours)
    flag.save(
        update_fields=["alert_sent_at", "alert_escalate_at", "alert_escalated_at", "updated_at"]
    )
    if recipients:
        messages.send_risk_alert(recipients, again=again)
    return True
