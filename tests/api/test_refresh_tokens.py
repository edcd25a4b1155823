"""A stolen refresh token: it works once, a second use revokes every token of its sign-in, and
every refresh and sign-out is on the audit trail."""

from unittest import mock

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from api.audit.models import AuditEvent
from api.auth import tokens
from tests.factories import UserFactory
from tests.hardening.conftest import postgresql_only, run_together
from tests.helpers import assert_problem, login, refresh

LOGOUT_URL = "/api/v1/auth/logout/"
REVOKED = "urn:rootwise:problem:token-revoked"


def signed_in(user) -> dict:
    response = login(user.email)
    assert response.status_code == 200, response.content
    return response.json()


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("at"))


def logout(token: str):
    return APIClient().post(LOGOUT_URL, {"refresh": token}, format="json")


@pytest.mark.django_db
def test_a_used_refresh_token_presented_again_revokes_every_token_of_its_sign_in(clinician):
    first = signed_in(clinician)
    second = refresh(first["refresh"]).json()  # the victim refreshes...
    third = refresh(second["refresh"]).json()

    stolen_use = refresh(first["refresh"])  # ...and the thief replays the first token

    assert assert_problem(stolen_use, 401)["type"] == REVOKED
    assert_problem(refresh(third["refresh"]), 401)  # the victim's live token is revoked too
    [event] = events("refresh_reused")
    assert (event.actor, event.outcome, event.status_code) == (clinician, "denied", 401)


@pytest.mark.django_db
def test_the_thief_cannot_keep_a_session_by_refreshing_first(clinician):
    issued = signed_in(clinician)
    thief = refresh(issued["refresh"]).json()  # the thief refreshes before the victim

    victim = refresh(issued["refresh"])

    assert_problem(victim, 401)
    assert_problem(refresh(thief["refresh"]), 401)


@pytest.mark.django_db
def test_reuse_revokes_only_that_sign_in(clinician):
    phone, laptop = signed_in(clinician), signed_in(clinician)
    refresh(phone["refresh"])

    refresh(phone["refresh"])  # replayed

    assert refresh(laptop["refresh"]).status_code == 200


@pytest.mark.django_db
def test_a_refresh_that_read_the_token_before_another_rotated_it_still_loses(clinician):
    """The interleaving of two concurrent refreshes, forced on either database: the second has
    already found the token unused when the first rotates it."""
    issued = signed_in(clinician)
    real = tokens._live_member
    stale = []

    def read_then_let_the_other_rotate(raw):
        member = real(raw)
        if not stale:
            stale.append(member)
            assert refresh(issued["refresh"]).status_code == 200  # the other request wins
        return member

    with mock.patch.object(tokens, "_live_member", read_then_let_the_other_rotate):
        late = refresh(issued["refresh"])

    assert assert_problem(late, 401)["type"] == REVOKED
    assert OutstandingToken.objects.filter(user=clinician).count() == 2  # sign-in, one successor


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_of_concurrent_refreshes_of_one_token_exactly_one_succeeds():
    user = UserFactory()
    issued = signed_in(user)

    responses = run_together(*[lambda: refresh(issued["refresh"])] * 6)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [401] * 5, statuses
    assert OutstandingToken.objects.filter(user=user).count() == 2  # sign-in, one successor
    [winner] = [response.json() for response in responses if response.status_code == 200]
    assert_problem(refresh(winner["refresh"]), 401)  # the losers' replays revoked the family


@pytest.mark.django_db
def test_every_refresh_is_audited_with_its_outcome(clinician):
    issued = signed_in(clinician)

    refresh(issued["refresh"])
    refresh("not-a-token")

    assert [(e.actor, e.outcome, e.status_code) for e in events("refresh")] == [
        (clinician, "success", 200),
        (None, "denied", 401),
    ]


@pytest.mark.django_db
def test_sign_out_is_audited_and_ends_the_sign_in(clinician):
    issued = signed_in(clinician)

    assert logout(issued["refresh"]).status_code == 204
    assert_problem(logout(issued["refresh"]), 401)

    assert [(e.actor, e.outcome, e.status_code) for e in events("logout")] == [
        (clinician, "success", 204),
        (clinician, "denied", 401),
    ]
    assert_problem(refresh(issued["refresh"]), 401)


@pytest.mark.django_db
def test_signing_out_with_an_old_token_of_the_sign_in_revokes_the_live_one(clinician):
    issued = signed_in(clinician)
    live = refresh(issued["refresh"]).json()

    assert_problem(logout(issued["refresh"]), 401)

    assert_problem(refresh(live["refresh"]), 401)
