"""Writes for client records. Each enforces the rules in its docstring."""

from django.db import transaction
from rest_framework.exceptions import PermissionDenied, ValidationError

from api.auth.models import Practice, User
from api.events.models import Topic
from api.events.outbox import emit
from api.exceptions import INCONSISTENT, Conflict
from api.timezones import practice_today
from clients.models import Client, ClientStatus, PresentingRoot

UNCHANGED = object()


def _presenting_roots_replace(client: Client, items: list[dict]) -> None:
    client.presenting_roots.all().delete()
    PresentingRoot.objects.bulk_create(
        PresentingRoot(client=client, practice_id=client.practice_id, **item) for item in items
    )


def _discharge_date(status: str, discharged_on, previous_status: str | None, practice: Practice):
    if status == ClientStatus.ACTIVE:
        return None
    if discharged_on is not None:
        return discharged_on
    if previous_status == ClientStatus.DISCHARGED:
        return UNCHANGED
    return practice_today(practice)


def _refuse_clinical_fields_from_admins(by: User, presenting_roots) -> None:
    if by.is_admin and presenting_roots is not UNCHANGED:
        raise PermissionDenied("Administrators do not record clinical content.")


@transaction.atomic
def client_create(
    *,
    practice: Practice,
    by: User,
    primary_clinician: User | None = None,
    care_team: list[User] = (),
    presenting_roots=UNCHANGED,
    **fields,
) -> Client:
    """Create a client. The primary clinician defaults to the clinician creating; an admin must
    name one, and a clinician creating for a colleague joins the care team. Admins may not
    record presenting roots. Intake is today unless given, and a discharged client gets a
    discharge date (today unless given): the practice's local dates."""
    _refuse_clinical_fields_from_admins(by, presenting_roots)
    if primary_clinician is None:
        if not by.is_clinical:
            raise ValidationError({"primary_clinician": ["This field is required."]})
        primary_clinician = by
    if by.is_clinical and by != primary_clinician and by not in care_team:
        raise ValidationError(
            {"care_team": ["Add yourself to the care team, or you could not see the client."]},
            INCONSISTENT,
        )
    fields.setdefault("intake_date", practice_today(practice))
    status = fields.get("status", ClientStatus.ACTIVE)
    discharged_on = _discharge_date(status, fields.pop("discharged_on", None), None, practice)
    client = Client.objects.create(
        practice=practice,
        primary_clinician=primary_clinician,
        discharged_on=discharged_on,
        **fields,
    )
    client.care_team.set(care_team, through_defaults={"practice_id": client.practice_id})
    if presenting_roots is not UNCHANGED:
        _presenting_roots_replace(client, presenting_roots)
    return client


@transaction.atomic
def client_update(
    *, client: Client, by: User, care_team=UNCHANGED, presenting_roots=UNCHANGED, **fields
) -> Client:
    """Change a client. Lists given (care team, presenting roots) replace the stored ones whole.
    Discharging sets the discharge date (the practice's today unless given); re-admitting
    clears it."""
    _refuse_clinical_fields_from_admins(by, presenting_roots)
    client = Client.objects.select_for_update().get(pk=client.pk)
    previous_status = client.status
    for field, value in fields.items():
        setattr(client, field, value)
    discharged_on = _discharge_date(
        client.status, fields.get("discharged_on"), previous_status, client.practice
    )
    if discharged_on is not UNCHANGED:
        client.discharged_on = discharged_on
    client.save()
    if previous_status != ClientStatus.DISCHARGED == client.status:
        emit(Topic.CLIENT_DISCHARGED, client, client_id=client.pk)
    if care_team is not UNCHANGED:
        client.care_team.set(care_team, through_defaults={"practice_id": client.practice_id})
    if presenting_roots is not UNCHANGED:
        _presenting_roots_replace(client, presenting_roots)
    return client


# The records that point at a client and keep it (its apps' models name it, with PROTECT).
CLINICAL_RECORDS = (
    "sessions",
    "appointment_series",
    "homework",
    "assessments",
    "measure_schedules",
    "measure_invitations",
)


def client_has_clinical_records(client: Client) -> bool:
    return any(getattr(client, records).exists() for records in CLINICAL_RECORDS)


@transaction.atomic
def client_delete(*, client: Client) -> None:
    """Delete a client created by mistake. A client with clinical records is never deleted:
    discharge them instead (409). The refusal does not say why, because an admin, who may
    delete clients, may not learn what clinical records a client has."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client_has_clinical_records(client):
        raise Conflict("This client cannot be deleted; discharge them instead.")
    client.delete()
