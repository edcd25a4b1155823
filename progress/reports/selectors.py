"""Reads behind the exports: the outcomes of a caseload, grouped by client."""

import itertools
from collections.abc import Iterable, Iterator

from assessments.models import Assessment
from assessments.outcomes import instrument_outcomes, paired_outcome
from clients.models import Client


def caseload_outcomes(clients: Iterable[Client], **administered) -> tuple[list, Iterator[tuple]]:
    """The ids of the `clients` with non-void administrations matching the `administered`
    lookups (read at once: they are the clients whose data is served), and for each of them,
    read lazily in one streamed query, `(client, outcomes per instrument, paired outcome)`."""
    by_id = {client.pk: client for client in clients}
    assessments = Assessment.objects.filter(
        client_id__in=list(by_id), voided_at__isnull=True, **administered
    ).order_by("client_id", "administered_on", "created_at", "id")
    reported = list(assessments.order_by().values_list("client_id", flat=True).distinct())
    grouped = itertools.groupby(assessments.iterator(), key=lambda a: a.client_id)
    outcomes = (_client_outcomes(by_id[client_id], list(group)) for client_id, group in grouped)
    return reported, outcomes


def _client_outcomes(client: Client, administrations: list[Assessment]) -> tuple:
    return client, instrument_outcomes(administrations), paired_outcome(administrations)
