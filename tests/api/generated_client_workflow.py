"""A clinician's day through the Python client that openapi-python-client generates from
docs/openapi.yaml (package `rootwise_client`), written as an integrator would write it.

tests/api/test_python_client.py generates the package, checks this module and the package
with `mypy --strict`, and runs `clinician_workflow` against a live server."""

import datetime
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from rootwise_client import AuthenticatedClient, Client
from rootwise_client.api.assessments import assessments_create
from rootwise_client.api.auth import auth_login
from rootwise_client.api.clients import clients_create, clients_progress
from rootwise_client.api.homework import homework_create
from rootwise_client.api.reports import clients_report
from rootwise_client.api.sessions import sessions_create, sessions_sign
from rootwise_client.models import (
    Assessment,
    AssessmentRequest,
    ClientRecord,
    ClientRequest,
    ClientsReportFormat,
    DapNote,
    DapNoteFormatEnum,
    DapNoteRequest,
    Homework,
    HomeworkRequest,
    InstrumentCodeEnum,
    ModalityEnum,
    Problem,
    Progress,
    RootCodeEnum,
    Session,
    SessionKindEnum,
    SessionRequest,
    SessionStatusEnum,
    StrategyCodeEnum,
    TokenObtainPair,
    TokenObtainPairRequest,
)
from rootwise_client.types import File

PHQ9_SCORING_14 = [2, 2, 2, 2, 2, 2, 1, 1, 0]

T = TypeVar("T")


class UnexpectedAnswer(Exception):
    """The API answered with a problem document (or nothing) where a record was expected."""


def expect(answer: T | Problem | None, kind: type[T]) -> T:
    if isinstance(answer, Problem):
        raise UnexpectedAnswer(f"{answer.status} {answer.title}: {answer.detail}")
    if not isinstance(answer, kind):
        raise UnexpectedAnswer(f"expected {kind.__name__}, got {answer!r}")
    return answer


@dataclass(frozen=True)
class Outcome:
    refused_sign_in: Problem
    client: ClientRecord
    signed_session: Session
    homework: Homework
    assessment: Assessment
    progress: Progress
    report: bytes


def clinician_workflow(base_url: str, email: str, password: str) -> Outcome:
    anonymous = Client(base_url=base_url)
    refused = auth_login.sync(
        client=anonymous, body=TokenObtainPairRequest(email=email, password=password + "-typo")
    )
    if not isinstance(refused, Problem):
        raise UnexpectedAnswer(f"a wrong password was accepted: {refused!r}")
    signed_in = auth_login.sync(
        client=anonymous, body=TokenObtainPairRequest(email=email, password=password)
    )
    # A user with two-factor sign-in gets an MfaChallenge to send with a code: this one has none.
    if not isinstance(signed_in, TokenObtainPair):
        raise UnexpectedAnswer(f"expected tokens, got {signed_in!r}")
    tokens = signed_in
    api = AuthenticatedClient(base_url=base_url, token=tokens.access)

    client = expect(
        clients_create.sync(
            client=api,
            body=ClientRequest(
                given_name="Tess",
                family_name="Okafor",
                intake_date=datetime.date.today(),
            ),
        ),
        ClientRecord,
    )
    session = _record_session(api, client.id)
    signed = expect(sessions_sign.sync(session.id, client=api), Session)
    homework = expect(
        homework_create.sync(
            client=api,
            body=HomeworkRequest(
                client=client.id,
                session=session.id,
                strategy=StrategyCodeEnum.REALISTIC_GOALS,
                title="One good-enough draft",
                target_roots=[RootCodeEnum.PERFECTIONISM],
                due_on=datetime.date.today() + datetime.timedelta(days=7),
            ),
        ),
        Homework,
    )
    assessment = expect(
        assessments_create.sync(
            client=api,
            body=AssessmentRequest(
                client=client.id,
                instrument=InstrumentCodeEnum.PHQ9,
                administered_on=datetime.date.today(),
                responses=PHQ9_SCORING_14,
                session=session.id,
            ),
        ),
        Assessment,
    )
    progress = expect(clients_progress.sync(client.id, client=api), Progress)
    report = expect(
        clients_report.sync(client.id, client=api, format_=ClientsReportFormat.PDF), File
    )
    return Outcome(
        refused_sign_in=refused,
        client=client,
        signed_session=signed,
        homework=homework,
        assessment=assessment,
        progress=progress,
        report=report.payload.read(),
    )


def _record_session(api: AuthenticatedClient, client_id: UUID) -> Session:
    """A completed 50-minute session with a DAP note, read back as a DAP note."""
    session = expect(
        sessions_create.sync(
            client=api,
            body=SessionRequest(
                client=client_id,
                starts_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=2),
                duration_minutes=50,
                modality=ModalityEnum.IN_PERSON,
                kind=SessionKindEnum.INDIVIDUAL,
                status=SessionStatusEnum.COMPLETED,
                roots_addressed=[RootCodeEnum.PERFECTIONISM],
                note=DapNoteRequest(
                    format_=DapNoteFormatEnum.DAP,
                    data="Rewrote a report three times before sending it.",
                    assessment="All-or-nothing standards at work.",
                    plan="Send one draft at 'good enough'; review next week.",
                ),
            ),
        ),
        Session,
    )
    if not isinstance(session.note, DapNote):
        raise UnexpectedAnswer(f"the DAP note came back as {session.note!r}")
    return session
