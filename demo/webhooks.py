"""The demo practice's webhook endpoint, switched off: it shows what an admin registers and
its delivery log (every event so far, held while it is off), and sends nothing anywhere (point
it at a receiver of your own and turn it on)."""

from datetime import UTC, datetime

from api.events.models import Topic, WebhookEndpoint
from api.events.services import new_secret, replay_since


def load_webhooks(practice_id) -> None:
    if WebhookEndpoint.objects.filter(practice_id=practice_id).exists():
        return
    endpoint = WebhookEndpoint.objects.create(
        practice_id=practice_id,
        url="https://hooks.example.org/rootwise",
        topics=[Topic.RISK_FLAG_RAISED, Topic.ASSESSMENT_RECORDED],
        enabled=False,
        secret=new_secret(),
    )
    replay_since(endpoint, datetime(2000, 1, 1, tzinfo=UTC))
