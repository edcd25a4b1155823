"""How clients keep up with measures sent between sessions: per client in the progress
endpoint and the PDF report, per clinician in a report of its own."""

import pytest

from tests.factories import ClientFactory, MeasureInvitationFactory
from tests.reports.conftest import report_url, text_of

pytestmark = pytest.mark.django_db

COMPLETION = "/api/v1/reports/measure-completion/"


def invitations(client, **counts):
    """`sent=2, completed=1, …`: that many invitations of each status for `client`."""
    for status, number in counts.items():
        for _ in range(number):
            MeasureInvitationFactory(client=client, practice=client.practice, status=status)


@pytest.fixture
def caseloads(clinician, colleague, supervisor):
    mine = ClientFactory(primary_clinician=clinician)
    theirs = ClientFactory(primary_clinician=colleague)
    invitations(mine, sent=1, completed=2, expired=1)
    invitations(theirs, completed=1)
    return mine, theirs


def test_progress_counts_the_clients_measures_sent_completed_and_expired(
    caseloads, clinician, as_user
):
    mine, _ = caseloads
    response = as_user(clinician).get(f"/api/v1/clients/{mine.pk}/progress/")

    assert response.status_code == 200
    assert response.json()["measures"] == {"sent": 4, "completed": 2, "expired": 1}


def test_a_client_never_sent_a_measure_has_zero_counts(client_record, clinician, as_user):
    response = as_user(clinician).get(f"/api/v1/clients/{client_record.pk}/progress/")

    assert response.json()["measures"] == {"sent": 0, "completed": 0, "expired": 0}


def test_the_report_counts_per_clinician_over_the_clients_the_caller_may_see(
    caseloads, clinician, colleague, supervisor, as_user
):
    mine = as_user(clinician).get(COMPLETION)
    supervised = as_user(supervisor).get(COMPLETION)

    assert mine.status_code == 200
    assert mine.json() == [
        {"clinician": str(clinician.pk), "sent": 4, "completed": 2, "expired": 1}
    ]
    # The supervisor supervises `clinician` only; the colleague's clients are not theirs.
    assert supervised.json() == mine.json()


def test_the_report_shows_admins_and_other_practices_nothing(caseloads, admin, outsider, as_user):
    for caller in (admin, outsider):
        response = as_user(caller).get(COMPLETION)
        assert response.status_code == 200
        assert response.json() == []


def test_the_report_reads_in_one_query_however_many_clinicians(
    caseloads, clinician, supervisor, as_user, django_assert_num_queries
):
    api = as_user(supervisor)
    with django_assert_num_queries(2):  # the counts, and the read's audit event
        api.get(COMPLETION)
    for _ in range(3):
        invitations(ClientFactory(primary_clinician=clinician), completed=1)
    with django_assert_num_queries(2):
        api.get(COMPLETION)


def test_the_pdf_report_says_how_the_client_kept_up_with_measures(history, clinician, as_user):
    api = as_user(clinician)
    before = text_of(api.get(report_url(history.client, format="pdf")))
    invitations(history.client, sent=1, completed=3, expired=1)
    after = text_of(api.get(report_url(history.client, format="pdf")))

    assert "Measures sent" not in before
    assert (
        "Measures sent to complete between sessions: 5 sent, 3 completed, 1 expired unanswered."
    ) in after
