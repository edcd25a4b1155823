from api.idempotency.models import KeptResponse
from api.tasks import periodic_task


@periodic_task
def purge():
    """Kept responses past their 24 hours (a lookup ignores them already)."""
    deleted, _ = KeptResponse.expired().delete()
    return {"purged": deleted}
