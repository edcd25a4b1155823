"""What Rootwise sends about measures. Nothing in a message names the client, gives a score or
says anything clinical: an invitation names the practice and carries the link; an alert says a
measure needs attention and where to sign in. Whoever reads the client's email or phone, or a
clinician's lock screen, learns no more than that."""

from django.conf import settings
from django.core.mail import send_mail

from api.auth.models import Practice
from assessments.measures.models import Channel
from assessments.measures.sms import send_sms


def measure_link(token: str) -> str:
    return f"{settings.ROOTWISE_PUBLIC_URL}/m/{token}/"


def invitation_text(practice: Practice, token: str, *, reminder: bool) -> tuple[str, str]:
    """The subject and body of an invitation (or its reminder)."""
    subject = f"{practice.name}: a short questionnaire"
    opening = (
        f"A reminder from {practice.name}: a short questionnaire is waiting for you."
        if reminder
        else f"{practice.name} asks you to complete a short questionnaire."
    )
    body = (
        f"{opening}\n\n{measure_link(token)}\n\n"
        "The link is for you alone and works once. If it has stopped working, please contact "
        "your clinician.\n"
    )
    if reminder:
        body += "Any earlier link for this questionnaire no longer works.\n"
    return subject, body


def send_invitation(
    *, practice: Practice, channel: str, address: str, token: str, reminder: bool
) -> None:
    subject, body = invitation_text(practice, token, reminder=reminder)
    if channel == Channel.SMS:
        send_sms(address, body)
    else:
        send_mail(subject, body, None, [address])


ALERT_SUBJECT = "A client's measure needs your attention"


def send_risk_alert(recipients: list[str], *, again: bool) -> None:
    body = (
        "A client's measure needs your attention"
        + (": it is still not acknowledged" if again else "")
        + f".\n\nSign in to Rootwise to see it: {settings.ROOTWISE_SIGN_IN_URL}\n"
    )
    subject = ALERT_SUBJECT + (" (reminder)" if again else "")
    send_mail(subject, body, None, recipients)
