"""What is due is taken once, however many schedulers tick at once (api/tasks.py's
`claim_due`): two transactions claiming from the same rows at the same time take none twice,
and rows made no longer due before the commit are not taken again."""

import threading

import pytest
from django.db import connection

from api.tasks import claim_due
from api.tenancy import all_practices
from clients.models import Client
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks: its transactions take the write lock when they begin, "
    "so claims run one after the other",
)


def due():
    return Client.objects.filter(preferred_name="").order_by("created_at", "id")


def claim(name: str, both_holding: threading.Barrier, claimed: dict) -> None:
    """A scheduler's tick in a connection of its own: claim, wait until the other has claimed
    too (so both hold their rows at once), mark the rows no longer due, commit."""
    try:
        with all_practices():
            rows = claim_due(due(), limit=3)
            both_holding.wait()
            Client.objects.filter(pk__in=[row.pk for row in rows]).update(preferred_name=name)
        claimed[name] = {row.pk for row in rows}
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_claim_each_due_row_once(practice, other_practice):
    for each in (practice, other_practice):
        ClientFactory.create_batch(3, primary_clinician=UserFactory(practice=each))
    both_holding = threading.Barrier(2, timeout=10)  # broken if one waited for the other's lock
    claimed: dict[str, set] = {}
    schedulers = [
        threading.Thread(target=claim, args=(name, both_holding, claimed)) for name in "AB"
    ]

    for scheduler in schedulers:
        scheduler.start()
    for scheduler in schedulers:
        scheduler.join()

    assert len(claimed["A"]) == len(claimed["B"]) == 3
    assert claimed["A"].isdisjoint(claimed["B"])
    assert claimed["A"] | claimed["B"] == set(Client.objects.values_list("pk", flat=True))
    for name in "AB":
        assert (
            set(Client.objects.filter(preferred_name=name).values_list("pk", flat=True))
            == (claimed[name])
        )
    with all_practices():
        assert claim_due(due()) == []  # nothing is due any more
