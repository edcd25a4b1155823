"""Writes for therapy sessions and their notes. Each enforces the rules in its docstring."""

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied, ValidationError

from api.access import require_write, writable_clients
from api.auth.models import User
from api.exceptions import Conflict
from clients.models import Client
from sessions.models import Addendum, Session, SessionRoot

UNCHANGED = object()


def _roots_replace(session: Session, roots: list[str]) -> None:
    session.roots.all().delete()
    SessionRoot.objects.bulk_create(SessionRoot(session=session, root=root) for root in roots)


def _locked(session_id) -> Session:
    return Session.objects.select_for_update().get(pk=session_id)


def _refuse_unless_own(session: Session, by: User) -> None:
    if session.clinician_id != by.pk:
        raise PermissionDenied("Only the session's clinician may change it.")


def _refuse_if_signed(session: Session) -> None:
    if session.is_signed:
        raise Conflict("The note is signed and locked; add an addendum instead.")


@transaction.atomic
def session_create(
    *, by: User, client: Client, clinician: User | None = None, roots_addressed=(), **fields
) -> Session:
    """Record a session. You need write access to the client; the clinician (you, unless
    given) must be on the client's caseload too."""
    require_write(by, client)
    clinician = clinician or by
    if clinician != by and not writable_clients(clinician).filter(pk=client.pk).exists():
        raise ValidationError(
            {
                "clinician": [
                    "This clinician is not the client's primary clinician or on its care team."
                ]
            }
        )
    session = Session.objects.create(client=client, clinician=clinician, **fields)
    _roots_replace(session, roots_addressed)
    return session


@transaction.atomic
def session_update(*, session: Session, by: User, roots_addressed=UNCHANGED, **fields) -> Session:
    """Change a session: only its clinician, only while unsigned (409 once signed)."""
    session = _locked(session.pk)
    _refuse_unless_own(session, by)
    _refuse_if_signed(session)
    fields.pop("client", None)
    if "clinician" in fields and fields["clinician"] != session.clinician:
        raise ValidationError({"clinician": ["A session's clinician cannot change."]})
    for field, value in fields.items():
        setattr(session, field, value)
    session.save()
    if roots_addressed is not UNCHANGED:
        _roots_replace(session, roots_addressed)
    return session


@transaction.atomic
def session_delete(*, session: Session, by: User) -> None:
    """Delete a session recorded by mistake: only its clinician, never once signed."""
    session = _locked(session.pk)
    _refuse_unless_own(session, by)
    _refuse_if_signed(session)
    session.delete()


@transaction.atomic
def session_sign(*, session: Session, by: User) -> Session:
    """The session's clinician signs the note, which locks it. Signing twice, or signing
    with no note written, is a conflict (409)."""
    session = _locked(session.pk)
    if session.clinician_id != by.pk:
        raise PermissionDenied("Only the session's clinician may sign its note.")
    if session.is_signed:
        raise Conflict("The note is already signed.")
    if not session.note_format:
        raise Conflict("There is no note to sign yet.")
    session.signed_at = timezone.now()
    session.signed_by = by
    session.save(update_fields=["signed_at", "signed_by", "updated_at"])
    return session


@transaction.atomic
def session_cosign(*, session: Session, by: User) -> Session:
    """The clinician's supervisor co-signs a signed note, once."""
    session = _locked(session.pk)
    if session.clinician.supervisor_id != by.pk:
        raise PermissionDenied("Only the clinician's supervisor may co-sign this note.")
    if not session.is_signed:
        raise Conflict("The note must be signed before it is co-signed.")
    if session.cosigned_at is not None:
        raise Conflict("The note is already co-signed.")
    session.cosigned_at = timezone.now()
    session.cosigned_by = by
    session.save(update_fields=["cosigned_at", "cosigned_by", "updated_at"])
    return session


@transaction.atomic
def addendum_create(*, session: Session, by: User, text: str) -> Addendum:
    """Append a dated, authored addendum to a signed note (an unsigned note is simply
    edited: 409). Anyone with write access to the client may add one; none is ever changed."""
    session = _locked(session.pk)
    require_write(by, session.client)
    if not session.is_signed:
        raise Conflict("The note is not signed yet; edit it instead.")
    return Addendum.objects.create(session=session, author=by, text=text)
