"""Demo clients, drawn from the source text's examples, with several weeks of sessions.

Idempotent: a client whose external id already exists is left as it is.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from api.auth.models import User
from api.timezones import practice_today
from api.vocabulary import Root
from assessments.instruments import INSTRUMENTS
from assessments.services import assessment_record
from clients.models import Client
from clients.services import client_create
from sessions.homework.library import BUILTIN_TEMPLATES, builtin_template_id
from sessions.homework.models import HomeworkStatus, HomeworkTemplate
from sessions.homework.services import homework_assign, homework_close
from sessions.models import Modality, SessionKind, SessionStatus
from sessions.services import session_create, session_sign

CLINICIAN = "clinician@demo.rootwise.test"
CLINICIAN_2 = "clinician2@demo.rootwise.test"
SUPERVISOR = "supervisor@demo.rootwise.test"

CLIENTS = [
    # external id, given, family, born, clinician, care team, presenting roots (root, severity)
    ("DEMO-001", "Ethan", "Marsh", date(1996, 3, 14), CLINICIAN, [],
     [(Root.EARLY_CHILDHOOD, 4), (Root.PAST_FAILURES, 2)]),
    ("DEMO-002", "Charlotte", "Abbey", date(1989, 7, 2), CLINICIAN, [CLINICIAN_2],
     [(Root.SOCIAL_COMPARISON, 4), (Root.PERFECTIONISM, 2)]),
    ("DEMO-003", "Kyle", "Donovan", date(1993, 11, 23), CLINICIAN, [],
     [(Root.PAST_FAILURES, 5)]),
    ("DEMO-004", "Madeline", "Ortiz", date(1985, 5, 30), CLINICIAN_2, [],
     [(Root.RELATIONSHIP_DYNAMICS, 4), (Root.EARLY_CHILDHOOD, 2)]),
    ("DEMO-005", "Hailey", "Brooks", date(2004, 1, 9), CLINICIAN_2, [],
     [(Root.PERFECTIONISM, 5), (Root.SOCIAL_COMPARISON, 3)]),
    ("DEMO-006", "Noah", "Fairweather", date(1978, 9, 17), SUPERVISOR, [],
     [(Root.PAST_FAILURES, 3)]),
]  # fmt: skip

NOTES = [
    {"format": "dap", "data": "Described recent events where {focus} showed up; distress 6/10.",
     "assessment": "Pattern consistent with the presenting concern; engaged and reflective.",
     "plan": "Continue weekly; review homework next session."},
    {"format": "soap", "subjective": "Reports a difficult week linked to {focus}.",
     "objective": "Calm, good eye contact, speech normal in rate and tone.",
     "assessment": "Some progress in noticing automatic thoughts.",
     "plan": "Practise the thought record daily."},
    {"format": "birp", "behavior": "Arrived on time; initially guarded when discussing {focus}.",
     "intervention": "Socratic questioning and a values exercise.",
     "response": "Identified two alternative explanations; mood lifted by the end.",
     "plan": "Set one realistic goal for the week."},
    {"format": "narrative",
     "text": "We explored how {focus} shapes the client's self-talk and agreed next steps."},
]  # fmt: skip

WEEKS_OF_SESSIONS = 16
ASSESSMENT_WEEKS = (16, 12, 8, 4, 0)

# Totals at ASSESSMENT_WEEKS for each client: improvement, no change, deterioration (with a
# risk flag at the last PHQ-9), and a client with a single administration.
TRAJECTORIES = {
    "DEMO-001": {
        "phq9": [18, 15, 12, 9, 8], "gad7": [12, 11, 10, 10, 9], "rses": [11, 13, 15, 17, 19],
    },
    "DEMO-002": {"phq9": [12, 12, 11, 13, 11], "gad7": [14, 12, 10, 8, 7]},
    "DEMO-003": {"phq9": [9, 11, 13, 15, 17], "rses": [16, 14, 13, 12, 10]},
    "DEMO-004": {"gad7": [15, 13, 10, 8, 6], "phq9": [10, 9, 8, 6, 5]},
    "DEMO-005": {"rses": [9, 10, 12, 14, 16], "phq9": [11, 10, 9, 9, 8]},
    "DEMO-006": {"phq9": [None, None, None, None, 14]},
}  # fmt: skip
RISK_AT = {("DEMO-003", "phq9"): 4}


def _note(week: int, focus: str) -> dict:
    template = NOTES[week % len(NOTES)]
    sections = {key: value.format(focus=focus) for key, value in template.items()}
    return {"note_format": sections.pop("format"), "note_sections": sections}


# (weeks ago assigned, outcome, helpfulness): one of each status, and one overdue.
HOMEWORK_OUTCOMES = [
    (7, HomeworkStatus.COMPLETED, 8),
    (6, HomeworkStatus.PARTIALLY_COMPLETED, 5),
    (5, HomeworkStatus.NOT_COMPLETED, None),
    (4, HomeworkStatus.COMPLETED, 6),
    (3, HomeworkStatus.CANCELLED, None),
    (2, HomeworkStatus.ASSIGNED, None),
    (1, HomeworkStatus.ASSIGNED, None),
]


def _templates_for(roots: list[str]) -> list[HomeworkTemplate]:
    keys = [key for key, _, _, targets, _ in BUILTIN_TEMPLATES if set(targets) & set(roots)]
    return list(HomeworkTemplate.objects.filter(id__in=map(builtin_template_id, keys)))


def _homework(client: Client, clinician: User, roots: list[str], today: date) -> None:
    templates = _templates_for(roots)
    for index, (weeks_ago, outcome, helpfulness) in enumerate(HOMEWORK_OUTCOMES):
        template = templates[index % len(templates)]
        assigned_on = today - timedelta(weeks=weeks_ago) + timedelta(days=1)
        homework = homework_assign(
            by=clinician,
            client=client,
            strategy=template.strategy,
            template=template,
            assigned_on=assigned_on,
            due_on=assigned_on + timedelta(days=6),
        )
        if outcome != HomeworkStatus.ASSIGNED:
            homework_close(
                homework=homework,
                by=clinician,
                status=outcome,
                completed_on=assigned_on + timedelta(days=5) if helpfulness else None,
                helpfulness=helpfulness,
            )


def _sessions(client: Client, clinician: User, roots: list[str], today: date, slot: int) -> None:
    """Weekly sessions, the last one upcoming; `slot` staggers one clinician's clients."""
    zone = ZoneInfo(client.practice.time_zone)
    for week in range(WEEKS_OF_SESSIONS, -1, -1):
        day = today - timedelta(weeks=week) + timedelta(days=1)
        starts_at = datetime.combine(day, time(9 + (slot + week) % 9), tzinfo=zone)
        upcoming = week == 0
        focus = Root(roots[week % len(roots)]).label.lower()
        session = session_create(
            by=clinician,
            client=client,
            starts_at=starts_at,
            duration_minutes=60 if week == WEEKS_OF_SESSIONS else 50,
            modality=[Modality.IN_PERSON, Modality.VIDEO][week % 2],
            kind=SessionKind.INTAKE if week == WEEKS_OF_SESSIONS else SessionKind.INDIVIDUAL,
            status=SessionStatus.SCHEDULED if upcoming else SessionStatus.COMPLETED,
            roots_addressed=[] if upcoming else roots[: 1 + week % 2],
            **({} if upcoming else _note(week, focus)),
        )
        if week > 1:  # the most recent completed note is left for the clinician to sign
            session_sign(session=session, by=clinician)


def _responses(code: str, total: int, risk: bool = False) -> list[int]:
    """An answer vector with the given total (item 9 answered 1 when `risk`, else 0)."""
    instrument = INSTRUMENTS[code]
    top = max(instrument.option_values)
    scores = [0] * len(instrument.items)
    remaining = total
    if instrument.risk_rules:  # keep risk items at 0 unless a flag is wanted
        risky = {rule.item - 1 for rule in instrument.risk_rules}
        for index in risky:
            scores[index] = 1 if risk else 0
        remaining -= sum(scores)
        fillable = [i for i in range(len(scores)) if i not in risky]
    else:
        fillable = list(range(len(scores)))
    for index in fillable:
        scores[index] = min(top, remaining)
        remaining -= scores[index]
    return [
        instrument.item_score(item.number, score)
        for item, score in zip(instrument.items, scores, strict=True)
    ]


def _assessments(client: Client, clinician: User, roots: list[str], today: date) -> None:
    external_id = client.external_id
    for code, totals in TRAJECTORIES[external_id].items():
        for index, (weeks_ago, total) in enumerate(zip(ASSESSMENT_WEEKS, totals, strict=True)):
            if total is None:
                continue
            assessment_record(
                by=clinician,
                client=client,
                instrument=code,
                administered_on=today - timedelta(weeks=weeks_ago),
                responses=_responses(code, total, RISK_AT.get((external_id, code)) == index),
            )
    for step, weeks_ago in enumerate(ASSESSMENT_WEEKS):
        assessment_record(
            by=clinician,
            client=client,
            instrument="roots5",
            administered_on=today - timedelta(weeks=weeks_ago),
            responses=[max(0, (8 if root in roots else 3) - step) for root in Root.values],
        )


def load_clinical(staff: dict[str, User]) -> None:
    for slot, (external_id, given, family, born, clinician_email, team, roots) in enumerate(
        CLIENTS
    ):
        clinician = staff[clinician_email]
        today = practice_today(clinician.practice)
        if Client.objects.filter(practice=clinician.practice, external_id=external_id).exists():
            continue
        client = client_create(
            practice=clinician.practice,
            by=clinician,
            given_name=given,
            family_name=family,
            date_of_birth=born,
            external_id=external_id,
            intake_date=today - timedelta(weeks=WEEKS_OF_SESSIONS) + timedelta(days=1),
            care_team=[staff[email] for email in team],
            presenting_roots=[
                {"root": root, "severity": severity, "is_primary": index == 0, "note": ""}
                for index, (root, severity) in enumerate(roots)
            ],
        )
        _sessions(client, clinician, [root for root, _ in roots], today, slot)
        _homework(client, clinician, [root for root, _ in roots], today)
        _assessments(client, clinician, [root for root, _ in roots], today)
