"""Creating a practice from the command line, and the demo data behind `make run`."""

import pytest
from django.core.management import CommandError, call_command

from api.auth.models import Practice, Role, User
from clients.models import Client
from demo.clinical import CLIENTS
from demo.staff import PASSWORD, STAFF
from sessions.homework.models import HomeworkStatus
from sessions.models import Session

pytestmark = pytest.mark.django_db


def login(api_client, email: str, password: str):
    return api_client.post(
        "/api/v1/auth/token/", {"email": email, "password": password}, format="json"
    )


def test_create_practice_makes_a_practice_and_an_admin_who_can_sign_in(api_client):
    call_command(
        "create_practice",
        name="Harbour Therapy",
        admin_email="Owner@Harbour.example",
        admin_password="a-long-enough-passphrase",
    )
    admin = User.objects.get(email="owner@harbour.example")
    assert admin.role == Role.ADMIN
    assert admin.practice.name == "Harbour Therapy"
    assert login(api_client, "owner@harbour.example", "a-long-enough-passphrase").status_code == 200


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("owner@harbour.example", "short", "admin_password"),
        ("not-an-email", "a-long-enough-passphrase", "email"),
    ],
)
def test_create_practice_refuses_bad_input_and_stores_nothing(email, password, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_practice", name="Harbour", admin_email=email, admin_password=password)
    assert not Practice.objects.exists()
    assert not User.objects.exists()


def test_create_practice_refuses_an_email_already_in_use():
    call_command(
        "create_practice", name="One", admin_email="a@x.example", admin_password="passphrase-one-1"
    )
    with pytest.raises(CommandError, match="email"):
        call_command(
            "create_practice",
            name="Two",
            admin_email="A@X.example",
            admin_password="passphrase-two-2",
        )
    assert list(Practice.objects.values_list("name", flat=True)) == ["One"]


def test_demo_data_is_idempotent_and_its_logins_work(api_client):
    call_command("load_demo", even_without_debug=True)
    counts = (Client.objects.count(), Session.objects.count())
    call_command("load_demo", even_without_debug=True)
    assert (Client.objects.count(), Session.objects.count()) == counts
    assert User.objects.count() == len(STAFF)
    assert Practice.objects.count() == 1
    for email, _, role, _ in STAFF:
        response = login(api_client, email, PASSWORD)
        assert response.status_code == 200, email
        assert User.objects.get(email=email).role == role
    supervised = User.objects.get(email="clinician@demo.rootwise.test")
    assert supervised.supervisor.email == "supervisor@demo.rootwise.test"


def test_demo_data_is_refused_with_debug_off():
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("load_demo")
    assert not User.objects.exists()


def test_demo_clients_have_roots_and_signed_and_unsigned_sessions(as_user):
    call_command("load_demo", even_without_debug=True)
    assert Client.objects.count() == len(CLIENTS)
    clinician = User.objects.get(email="clinician@demo.rootwise.test")
    clients = as_user(clinician).get("/api/v1/clients/").json()["results"]
    assert {client["external_id"] for client in clients} == {"DEMO-001", "DEMO-002", "DEMO-003"}
    assert all(client["presenting_roots"] for client in clients)
    sessions = as_user(clinician).get("/api/v1/sessions/", {"page_size": 200}).json()["results"]
    signed = [session for session in sessions if session["signed_at"]]
    unsigned_notes = [s for s in sessions if s["note"] and not s["signed_at"]]
    assert signed and unsigned_notes
    assert {session["note"]["format"] for session in signed} == {"dap", "soap", "birp", "narrative"}
    homework = as_user(clinician).get("/api/v1/homework/", {"page_size": 200}).json()["results"]
    assert {item["status"] for item in homework} == set(HomeworkStatus.values)
