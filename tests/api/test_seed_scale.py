"""`manage.py seed_scale` at a tiny scale: what it writes, that it is idempotent, and that it
refuses to run with DEBUG off."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from api.auth.models import Practice, Role, User
from assessments.instruments import INSTRUMENTS
from assessments.models import Assessment
from clients.models import Client
from sessions.models import Session, SessionStatus

pytestmark = pytest.mark.django_db

TINY = {
    "clinicians": 2,
    "clients": 6,
    "sessions_per_client": 3,
    "assessments_per_client": 1.5,
    "practice": "Tiny scale",
}


@override_settings(DEBUG=True)  # pytest-django runs with DEBUG off
def test_seeds_a_practice_with_scored_assessments_and_encrypted_notes(capsys):
    call_command("seed_scale", **TINY)

    practice = Practice.objects.get(name="Tiny scale")
    assert User.objects.filter(practice=practice, role=Role.CLINICIAN).count() == 2
    assert User.objects.filter(practice=practice, role=Role.ADMIN).count() == 1
    clients = Client.objects.filter(practice=practice)
    assert clients.count() == 6
    assert all(client.presenting_roots.filter(is_primary=True).count() == 1 for client in clients)
    sessions = Session.objects.filter(client__practice=practice)
    assert sessions.count() == 18
    completed = sessions.filter(status=SessionStatus.COMPLETED)
    assert completed.count() == 12
    assert all(session.note_sections and session.roots.exists() for session in completed)
    assessments = Assessment.objects.filter(client__practice=practice)
    assert assessments.count() == 9  # 1.5 per client on average
    for assessment in assessments:
        score = INSTRUMENTS[assessment.instrument].score(assessment.responses)
        assert assessment.total_score == score.total
    assert "clinician001@tiny-scale.scale.rootwise.test" in capsys.readouterr().out


@override_settings(DEBUG=True)
def test_a_second_run_writes_nothing():
    call_command("seed_scale", **TINY)
    call_command("seed_scale", **TINY)

    assert Practice.objects.filter(name="Tiny scale").count() == 1
    assert Client.objects.filter(practice__name="Tiny scale").count() == 6


@override_settings(DEBUG=False)
def test_refuses_with_debug_off_unless_told():
    with pytest.raises(CommandError):
        call_command("seed_scale", **TINY)
    assert not Practice.objects.filter(name="Tiny scale").exists()

    call_command("seed_scale", even_without_debug=True, **TINY)
    assert Practice.objects.filter(name="Tiny scale").exists()
