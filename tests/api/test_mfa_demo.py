"""The demo practice has a clinician who signs in with a second factor, whose documented TOTP
secret gives working codes (tests/fuzz/run signs in as them through both steps)."""

import pyotp
import pytest
from django.core.management import call_command

from api.auth.models import TotpDevice, User
from demo.staff import MFA_SECRETS, PASSWORD
from tests.helpers import bearer, login, second_step

pytestmark = pytest.mark.django_db

DEMO_CLINICIAN = "clinician2@demo.rootwise.test"


def test_the_demo_clinician_signs_in_with_the_documented_secret():
    call_command("load_demo", even_without_debug=True, verbosity=0)
    call_command("load_demo", even_without_debug=True, verbosity=0)  # idempotent

    challenge = login(DEMO_CLINICIAN, PASSWORD).json()["challenge"]
    code = pyotp.TOTP("ROOTWISEDEMOTOTPSECRETPRIYANATAR").now()
    response = second_step(challenge, code=code)

    assert MFA_SECRETS == {DEMO_CLINICIAN: "ROOTWISEDEMOTOTPSECRETPRIYANATAR"}
    assert response.status_code == 200, response.content
    clients = bearer(response.json()["access"]).get("/api/v1/clients/").json()["results"]
    assert {client["external_id"] for client in clients} == {"DEMO-002", "DEMO-004", "DEMO-005"}
    assert TotpDevice.objects.filter(confirmed_at__isnull=False).count() == 1
    assert set(login("clinician@demo.rootwise.test", PASSWORD).json()) == {"access", "refresh"}
    assert User.objects.get(email=DEMO_CLINICIAN).totp_device.secret == MFA_SECRETS[DEMO_CLINICIAN]
