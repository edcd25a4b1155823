"""Build a large synthetic practice in bulk, for benchmarks. Never run against real data.

    manage.py seed_scale --clinicians 100 --clients 20000 \
        --sessions-per-client 25 --assessments-per-client 12.5

The practice is named (`--practice`, default "Scale practice") and the command is idempotent:
if a practice of that name exists, nothing is written and its logins are printed. Every row is
written with `bulk_create` in batches; encrypted fields are encrypted by their own
`get_prep_value` as the rows are saved, and assessments are scored by the instrument itself.
Figures are deterministic for a given `--seed`.
"""

import random
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from api.auth.models import Practice, Role, User
from api.tenancy import all_practices
from api.vocabulary import Root
from assessments.instruments import INSTRUMENTS
from assessments.models import Assessment, RiskFlag
from clients.models import Client, PresentingRoot
from sessions.models import (
    Modality,
    NoteFormat,
    RiskLevel,
    Session,
    SessionKind,
    SessionRoot,
    SessionStatus,
)

PASSWORD = "rootwise-scale-2026"  # noqa: S105 (synthetic benchmark staff only)
ROOTS = list(Root.values)
GIVEN = "Ava Ben Cara Dev Ella Finn Gia Hugo Ines Jack Kira Leo Mia Nico Ola Pia Rafe Sara Theo Uma"
FAMILY = (
    "Abbott Baker Chen Diaz Evans Fischer Garcia Hughes Ito Jensen Khan Lopez Murphy Novak "
    "Okafor Patel Quinn Rossi Silva Tanaka Usman Vance Walsh Xu Young Zhang"
)
NOTES = {
    NoteFormat.DAP: {
        "data": "Described recent events where {focus} showed up; distress {n}/10.",
        "assessment": "Pattern consistent with the presenting concern; engaged and reflective.",
        "plan": "Continue weekly; review homework next session.",
    },
    NoteFormat.SOAP: {
        "subjective": "Reports a difficult week linked to {focus}.",
        "objective": "Calm, good eye contact, speech normal in rate and tone.",
        "assessment": "Some progress in noticing automatic thoughts ({n} examples).",
        "plan": "Practise the thought record daily.",
    },
    NoteFormat.BIRP: {
        "behavior": "Arrived on time; initially guarded when discussing {focus}.",
        "intervention": "Socratic questioning and a values exercise.",
        "response": "Identified {n} alternative explanations; mood lifted by the end.",
        "plan": "Set one realistic goal for the week.",
    },
    NoteFormat.NARRATIVE: {
        "text": "We explored how {focus} shapes the client's self-talk ({n}) and agreed next steps."
    },
}


def spread(total_per_item: float, index: int) -> int:
    """How many of something item `index` gets so that items average `total_per_item`
    (12.5 per client gives 12, 13, 12, 13, ...)."""
    return int((index + 1) * total_per_item) - int(index * total_per_item)


class Timer:
    def __init__(self, out):
        self.out = out
        self.started = self.last = time.perf_counter()

    def lap(self, what: str, rows: int) -> None:
        now = time.perf_counter()
        elapsed = now - self.last
        rate = rows / elapsed if elapsed else 0
        self.out.write(f"  {what:<16} {rows:>10,} rows  {elapsed:7.1f} s  ({rate:,.0f} rows/s)")
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.started


class Batches:
    """Rows of a model, and of the models whose rows point at them (listed after it), written
    together with `bulk_create` once the first holds `size`: a parent is always written before
    its children."""

    def __init__(self, size: int, *models):
        self.size = size
        self.models = models
        self.pending: list[list] = [[] for _ in models]
        self.written = [0 for _ in models]

    def flush_when_full(self) -> None:
        if len(self.pending[0]) >= self.size:
            self.flush()

    def flush(self) -> tuple[int, ...]:
        """Write what is pending; the counts written so far, per model."""
        for number, (model, rows) in enumerate(zip(self.models, self.pending, strict=True)):
            model.objects.bulk_create(rows, batch_size=self.size)
            self.written[number] += len(rows)
            rows.clear()
        return tuple(self.written)


class Command(BaseCommand):
    help = "Build a large synthetic practice in bulk for benchmarks. Never run in production."

    def add_arguments(self, parser):
        parser.add_argument("--clinicians", type=int, default=100)
        parser.add_argument("--clients", type=int, default=20_000)
        parser.add_argument(
            "--sessions-per-client", type=float, default=25, help="Average (may be fractional)."
        )
        parser.add_argument(
            "--assessments-per-client", type=float, default=12.5, help="Average per client."
        )
        parser.add_argument("--practice", default="Scale practice", help="The practice's name.")
        parser.add_argument("--batch-size", type=int, default=5_000)
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")
        parser.add_argument(
            "--even-without-debug",
            action="store_true",
            help="Seed even though DEBUG is off (a benchmark server, never real client data).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["even_without_debug"]:
            raise CommandError("Refusing to seed synthetic data with DEBUG off.")
        if options["clinicians"] < 1 or options["clients"] < 0:
            raise CommandError("Give at least one clinician and no negative counts.")
        self.batch = options["batch_size"]
        self.rng = random.Random(options["seed"])  # noqa: S311 (synthetic data, not secrets)
        domain = f"{slugify(options['practice']) or 'scale'}.scale.rootwise.test"
        existing = Practice.objects.filter(name=options["practice"]).first()
        if existing is not None:
            self.stdout.write(f"Practice {existing.name!r} exists already; nothing written.")
        else:
            timer = Timer(self.stdout)
            self.stdout.write(f"Seeding {options['practice']!r}:")
            with all_practices():
                self.seed(options, domain, timer)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # fresh statistics, or the planner guesses
                timer.lap("analyze", 0)
            self.stdout.write(f"  {'total':<16} {'':>10}       {timer.total():7.1f} s")
        self.stdout.write(f"Logins (password for all: {PASSWORD}):")
        self.stdout.write(f"  admin      admin@{domain}")
        self.stdout.write(
            f"  clinician  clinician001@{domain} … clinician{options['clinicians']:03d}"
        )

    def seed(self, options: dict, domain: str, timer: Timer) -> None:
        practice = Practice.objects.create(name=options["practice"])
        password = make_password(PASSWORD)  # hashed once: hashing per user would take minutes
        admin = User(
            email=f"admin@{domain}",
            full_name="Scale Admin",
            role=Role.ADMIN,
            practice=practice,
            password=password,
        )
        clinicians = [
            User(
                email=f"clinician{number:03d}@{domain}",
                full_name=f"Clinician {number:03d}",
                role=Role.CLINICIAN,
                practice=practice,
                password=password,
            )
            for number in range(1, options["clinicians"] + 1)
        ]
        User.objects.bulk_create([admin, *clinicians])
        timer.lap("staff", len(clinicians) + 1)

        clients = self.seed_clients(practice, clinicians, options["clients"])
        timer.lap("clients", len(clients))
        count = self.seed_care_teams(clients, clinicians)
        timer.lap("care team", count)
        count = self.seed_presenting_roots(clients)
        timer.lap("presenting roots", count)
        sessions, roots = self.seed_sessions(clients, options["sessions_per_client"])
        timer.lap("sessions", sessions)
        self.stdout.write(f"  {'(session roots)':<16} {roots:>10,} rows")
        assessments, flags = self.seed_assessments(clients, options["assessments_per_client"])
        timer.lap("assessments", assessments)
        self.stdout.write(f"  {'(risk flags)':<16} {flags:>10,} rows")

    def seed_clients(self, practice, clinicians, count: int) -> list[Client]:
        given, family = GIVEN.split(), FAMILY.split()
        today = timezone.localdate()
        clients = [
            Client(
                practice=practice,
                given_name=self.rng.choice(given),
                family_name=self.rng.choice(family),
                date_of_birth=date(1960, 1, 1) + timedelta(days=self.rng.randrange(365 * 45)),
                email=f"client{index:06d}@example.test",
                intake_date=today - timedelta(days=365 + self.rng.randrange(365)),
                # Round-robin, so that every clinician has the same caseload.
                primary_clinician=clinicians[index % len(clinicians)],
                external_id=f"SCALE-{index:06d}",
            )
            for index in range(count)
        ]
        Client.objects.bulk_create(clients, batch_size=self.batch)
        return clients

    def seed_care_teams(self, clients, clinicians) -> int:
        """One client in four has a colleague on the care team."""
        if len(clinicians) < 2:
            return 0
        through = Client.care_team.through
        rows = [
            through(
                client_id=client.pk,
                practice_id=client.practice_id,
                user_id=clinicians[(index + 1) % len(clinicians)].pk,
            )
            for index, client in enumerate(clients)
            if index % 4 == 0
        ]
        through.objects.bulk_create(rows, batch_size=self.batch)
        return len(rows)

    def seed_presenting_roots(self, clients) -> int:
        rows = []
        for client in clients:
            for position, root in enumerate(self.rng.sample(ROOTS, self.rng.randint(1, 3))):
                rows.append(
                    PresentingRoot(
                        client=client,
                        practice_id=client.practice_id,
                        root=root,
                        severity=self.rng.randint(1, 5),
                        is_primary=position == 0,
                        note="Noted at intake." if position == 0 else "",
                    )
                )
        PresentingRoot.objects.bulk_create(rows, batch_size=self.batch)
        return len(rows)

    def seed_sessions(self, clients, per_client: float) -> tuple[int, int]:
        """Weekly sessions up to last week, with a note (signed) and the roots addressed;
        the most recent one is scheduled for tomorrow."""
        formats = list(NOTES)
        tomorrow = timezone.localdate() + timedelta(days=1)
        batches = Batches(self.batch, Session, SessionRoot)
        sessions, roots = batches.pending

        for index, client in enumerate(clients):
            count = spread(per_client, index)
            clinician = client.primary_clinician
            hour = clock(9 + index % 8)
            for week in range(count - 1, -1, -1):
                day = tomorrow - timedelta(weeks=week)
                starts_at = timezone.make_aware(datetime.combine(day, hour))
                scheduled = week == 0
                session = Session(
                    client=client,
                    practice_id=client.practice_id,
                    clinician=clinician,
                    starts_at=starts_at,
                    duration_minutes=50,
                    modality=Modality.VIDEO if week % 3 == 0 else Modality.IN_PERSON,
                    kind=SessionKind.INTAKE if week == count - 1 else SessionKind.INDIVIDUAL,
                    status=SessionStatus.SCHEDULED if scheduled else SessionStatus.COMPLETED,
                    risk_level=RiskLevel.LOW if self.rng.random() < 0.05 else RiskLevel.NONE,
                )
                if not scheduled:
                    focus = self.rng.choice(ROOTS)
                    note_format = formats[week % len(formats)]
                    session.note_format = note_format
                    session.note_sections = {
                        key: text.format(focus=focus.replace("_", " "), n=week % 10)
                        for key, text in NOTES[note_format].items()
                    }
                    session.signed_at = starts_at + timedelta(hours=2)
                    session.signed_by = clinician
                    roots.append(
                        SessionRoot(session=session, practice_id=client.practice_id, root=focus)
                    )
                sessions.append(session)
            batches.flush_when_full()
        return batches.flush()

    def seed_assessments(self, clients, per_client: float) -> tuple[int, int]:
        """Administrations every four weeks, rotating through the instruments, scored by the
        instrument; a PHQ-9 item 9 above 0 (about 1 in 50) raises a risk flag, as on the API."""
        codes = list(INSTRUMENTS)
        today = timezone.localdate()
        batches = Batches(self.batch, Assessment, RiskFlag)
        assessments, flags = batches.pending

        for index, client in enumerate(clients):
            for number in range(spread(per_client, index)):
                code = codes[(index + number) % len(codes)]
                instrument = INSTRUMENTS[code]
                values = instrument.option_values
                responses = [self.rng.choice(values) for _ in instrument.items]
                risk_items = {rule.item - 1 for rule in instrument.risk_rules}
                for item in risk_items:
                    responses[item] = values[1] if self.rng.random() < 0.02 else min(values)
                score = instrument.score(responses)
                assessment = Assessment(
                    client=client,
                    practice_id=client.practice_id,
                    instrument=code,
                    administered_on=today - timedelta(weeks=4 * number),
                    recorded_by=client.primary_clinician,
                    responses=responses,
                    total_score=score.total,
                    severity=score.severity or "",
                    subscores=score.subscores,
                    flags=score.flags,
                )
                assessments.append(assessment)
                flags.extend(
                    RiskFlag(
                        client=client,
                        practice_id=client.practice_id,
                        assessment=assessment,
                        flag=rule.flag,
                        description=instrument.risk_flag_description(
                            rule, responses[rule.item - 1]
                        ),
                        raised_on=assessment.administered_on,
                    )
                    for rule in instrument.risk_rules
                    if rule.flag in score.flags
                )
            batches.flush_when_full()
        return batches.flush()
