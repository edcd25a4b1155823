"""Annotations compiled once (api/compiled_once.py) give what compiling them every time gives,
in a query of their own and nested in another, and are not compiled again."""

from unittest import mock

import pytest
from django.db.models import Subquery

from api.tenancy import practice_scope
from clients.models import Client
from clients.selectors import CLINICAL_SUMMARY, PRESENTING_ROOTS, clients_for_reading
from tests.factories import ClientFactory, SessionFactory

pytestmark = pytest.mark.django_db

EXPRESSIONS = {**CLINICAL_SUMMARY, PRESENTING_ROOTS.annotation: PRESENTING_ROOTS.expression}
SUMMARY = tuple(EXPRESSIONS)


@pytest.fixture
def caseload(clinician):
    seen = ClientFactory(practice=clinician.practice, primary_clinician=clinician)
    for day in (3, 10):
        SessionFactory(client=seen, clinician=clinician, starts_at=f"2026-01-{day:02}T10:00Z")
    unseen = ClientFactory(practice=clinician.practice, primary_clinician=clinician)
    return seen, unseen


def summaries(queryset) -> dict:
    return {client.pk: tuple(getattr(client, name) for name in SUMMARY) for client in queryset}


def test_the_summary_is_what_the_expressions_compute(clinician, caseload):
    seen, unseen = caseload
    with practice_scope(clinician.practice_id):
        read = summaries(clients_for_reading(Client.objects.all(), clinician))
        compiled_each_time = summaries(
            Client.objects.annotate(
                **{name: compiled.expression for name, compiled in EXPRESSIONS.items()}
            )
        )

    assert read == compiled_each_time
    assert read[seen.pk][SUMMARY.index("sessions_count")] == 2
    assert read[unseen.pk][SUMMARY.index("last_session_at")] is None


def test_a_second_query_does_not_compile_the_annotations_again(clinician, caseload):
    with practice_scope(clinician.practice_id):
        list(clients_for_reading(Client.objects.all(), clinician))
        with mock.patch.object(Subquery, "as_sql", autospec=True) as compile_subquery:
            list(clients_for_reading(Client.objects.all(), clinician))

    compile_subquery.assert_not_called()


def test_nested_in_another_query_they_are_computed_for_the_inner_row(clinician, caseload):
    seen, unseen = caseload
    with practice_scope(clinician.practice_id):
        list(clients_for_reading(Client.objects.all(), clinician))  # compiled once, unnested
        unseens_count = clients_for_reading(Client.objects.all(), clinician).filter(pk=unseen.pk)
        nested = Client.objects.filter(pk=seen.pk).annotate(
            other=Subquery(unseens_count.values("sessions_count"))
        )
        (other,) = nested.values_list("other", flat=True)

    assert other == 0  # the unseen client's count, not the seen one's (2)
