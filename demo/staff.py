"""The demo practice and its staff. Idempotent: running it again changes nothing."""

from django.utils import timezone

from api.auth.models import Practice, Role, TotpDevice, User

PRACTICE_NAME = "Rootwise Demo Practice"
PASSWORD = "rootwise-demo-2026"  # noqa: S105 (demo logins are public by design)

STAFF = [
    # email, full name, role, supervisor's email
    ("admin@demo.rootwise.test", "Avery Admin", Role.ADMIN, None),
    ("supervisor@demo.rootwise.test", "Dr Sam Okafor", Role.SUPERVISOR, None),
    (
        "clinician@demo.rootwise.test",
        "Jordan Reyes",
        Role.CLINICIAN,
        "supervisor@demo.rootwise.test",
    ),
    ("clinician2@demo.rootwise.test", "Priya Natarajan", Role.CLINICIAN, None),
]


# Demo staff who sign in with a second factor, and their authenticator secrets: public by
# design, so that anyone can compute the codes (`pyotp.TOTP(secret).now()`, or add the secret
# to an authenticator app). tests/fuzz/run signs in as this clinician through both steps.
MFA_SECRETS = {"clinician2@demo.rootwise.test": "ROOTWISEDEMOTOTPSECRETPRIYANATAR"}


def load_staff() -> dict[str, User]:
    practice, _ = Practice.objects.get_or_create(name=PRACTICE_NAME)
    users: dict[str, User] = {}
    for email, full_name, role, supervisor_email in STAFF:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                PASSWORD,
                full_name=full_name,
                role=role,
                practice=practice,
                supervisor=users.get(supervisor_email),
            )
        users[email] = user
        if email in MFA_SECRETS:
            TotpDevice.objects.get_or_create(
                user=user,
                defaults={"secret": MFA_SECRETS[email], "confirmed_at": timezone.now()},
            )
    return users
