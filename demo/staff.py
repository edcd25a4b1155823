"""The demo practice and its staff. Idempotent: running it again changes nothing."""

from api.auth.models import Practice, Role, User

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
    return users
