"""Writes for therapy sessions and their notes. Each enforces the rules in its docstring."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied, ValidationError

from api.auth.models import User
from api.events.models import Topic
from api.events.outbox import emit
from api.exceptions import CONFLICT, FUTURE, INCONSISTENT, Conflict
from clients.access import require_write, writable_clients
from clients.models import Client
from sessions.appointments import conflicts
from sessions.models import Addendum, Session, SessionRoot, SessionStatus

UNCHANGED = object()
TAKEN_PLACE = (SessionStatus.COMPLETED, SessionStatus.NO_SHOW)


def _roots_replace(session: Session, roots: list[str]) -> None:
    session.roots.all().delete()
    SessionRoot.objects.bulk_create(
        SessionRoot(session=session, practice_id=session.practice_id, root=root) for root in roots
    )


def _locked(session_id) -> Session:
    return Session.objects.select_for_update().get(pk=session_id)


def refuse_unless_own(session: Session, by: User) -> None:
    if session.clinician_id != by.pk:
        raise PermissionDenied("Only the session's clinician may change it.")


def _refuse_if_signed(session: Session) -> None:
    if session.is_signed:
        raise Conflict("The note is signed and locked; add an addendum instead.")


def refuse_clinician_off_caseload(clinician: User, by: User, client: Client) -> None:
    if clinician != by and not writable_clients(clinician).filter(pk=client.pk).exists():
        message = "This clinician is not the client's primary clinician or on its care team."
        raise ValidationError({"clinician": [message]})


def _double_booked(session: Session, *, allowed: bool) -> bool:
    """Whether a scheduled session overlaps another of its clinician's (409 unless allowed)."""
    if session.status != SessionStatus.SCHEDULED:
        return False
    end = session.starts_at + timedelta(minutes=session.duration_minutes)
    found = conflicts.clashes(
        session.clinician_id, [(session.starts_at, end)], ignoring=[session.pk]
    )
    conflicts.refuse_unless_allowed(found, allowed=allowed)
    return bool(found)


def _settle_cancellation(session: Session, changed: set[str], given: set[str]) -> None:
    """A cancelled session says why (`cancellation_reason`) and when; no other has either. A
    session reinstated without a word on the reason forgets it."""
    if session.status != SessionStatus.CANCELLED:
        if "status" in changed and "cancellation_reason" not in given:
            session.cancellation_reason = ""
        if session.cancellation_reason:
            message = "Only a cancelled session has a cancellation reason."
            raise ValidationError({"cancellation_reason": [message]}, INCONSISTENT)
        session.cancelled_at = None
        return
    if not session.cancellation_reason:
        message = "Say why the session is cancelled."
        raise ValidationError({"cancellation_reason": [message]}, INCONSISTENT)
    if "status" in changed:
        session.cancelled_at = timezone.now()


def _refuse_future_attendance(session: Session, changed: set[str]) -> None:
    """Whether a client attended (completed) or not (no-show) is known once the session has
    started, not before: such a session cannot start in the future. The error names
    `starts_at` when the request set it, and the status otherwise."""
    if session.status not in TAKEN_PLACE or session.starts_at <= timezone.now():
        return
    status = SessionStatus(session.status).label.lower()
    if "starts_at" in changed:
        message = f"A {status} session cannot start in the future; schedule it instead."
        raise ValidationError({"starts_at": [message]}, FUTURE)
    message = (
        f"This session starts in the future ({session.starts_at.isoformat()}): it can be "
        f"marked {status} once its time has come."
    )
    raise ValidationError({"status": [message]}, FUTURE)


@transaction.atomic
def session_create(
    *,
    by: User,
    client: Client,
    clinician: User | None = None,
    roots_addressed=(),
    allow_double_booking: bool = False,
    **fields,
) -> Session:
    """Record a session. You need write access to the client; the clinician (you, unless
    given) must be on the client's caseload too. A completed or no-show session cannot start
    in the future (400); a scheduled one may, but not over another scheduled session of the
    clinician's (409) unless `allow_double_booking`."""
    require_write(by, client)
    clinician = clinician or by
    refuse_clinician_off_caseload(clinician, by, client)
    session = Session(client=client, practice_id=client.practice_id, clinician=clinician, **fields)
    _refuse_future_attendance(session, set(fields))
    _settle_cancellation(session, {"status"}, set(fields))
    session.double_booked = _double_booked(session, allowed=allow_double_booking)
    session.save()
    _roots_replace(session, roots_addressed)
    return session


@transaction.atomic
def session_update(
    *,
    session: Session,
    by: User,
    roots_addressed=UNCHANGED,
    allow_double_booking: bool = False,
    **fields,
) -> Session:
    """Change a session: only its clinician, only while unsigned (409 once signed). A
    completed or no-show session cannot be moved into the future, nor a future one marked
    completed or no-show (400). A scheduled one moved over another scheduled session of the
    clinician's is a 409 unless `allow_double_booking`. Cancelling needs a
    `cancellation_reason`, which only a cancelled session has."""
    session = _locked(session.pk)
    refuse_unless_own(session, by)
    _refuse_if_signed(session)
    fields.pop("client", None)
    if "clinician" in fields and fields["clinician"] != session.clinician:
        raise ValidationError({"clinician": ["A session's clinician cannot change."]}, CONFLICT)
    changed = {field for field, value in fields.items() if getattr(session, field) != value}
    for field, value in fields.items():
        setattr(session, field, value)
    _refuse_future_attendance(session, changed)
    _settle_cancellation(session, changed, set(fields))
    if changed & {"starts_at", "duration_minutes", "status"}:
        session.double_booked = _double_booked(session, allowed=allow_double_booking)
    session.save()
    if roots_addressed is not UNCHANGED:
        _roots_replace(session, roots_addressed)
    return session


@transaction.atomic
def session_delete(*, session: Session, by: User) -> None:
    """Delete a session recorded by mistake: only its clinician, never once signed."""
    session = _locked(session.pk)
    refuse_unless_own(session, by)
    _refuse_if_signed(session)
    session.delete()


@transaction.atomic
def session_sign(*, session: Session, by: User) -> Session:
    """The session's clinician signs the note, which locks it. Signing twice, or signing
    with no note written, is a conflict (409), and so is signing the note of a session that
    has not started yet."""
    session = _locked(session.pk)
    if session.clinician_id != by.pk:
        raise PermissionDenied("Only the session's clinician may sign its note.")
    if session.is_signed:
        raise Conflict("The note is already signed.")
    if not session.note_format:
        raise Conflict("There is no note to sign yet.")
    if session.starts_at > timezone.now():
        message = (
            f"This session starts in the future ({session.starts_at.isoformat()}): its note "
            "can be signed once the session has taken place."
        )
        raise ValidationError({"starts_at": [message]}, CONFLICT)
    session.signed_at = timezone.now()
    session.signed_by = by
    session.save(update_fields=["signed_at", "signed_by", "updated_at"])
    emit(Topic.SESSION_SIGNED, session)
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
    emit(Topic.SESSION_COSIGNED, session)
    return session


@transaction.atomic
def addendum_create(*, session: Session, by: User, text: str) -> Addendum:
    """Append a dated, authored addendum to a signed note (an unsigned note is simply
    edited: 409). Anyone with write access to the client may add one; none is ever changed."""
    session = _locked(session.pk)
    require_write(by, session.client)
    if not session.is_signed:
        raise Conflict("The note is not signed yet; edit it instead.")
    session.save(update_fields=["updated_at"])  # the session reads differently from now on
    return Addendum.objects.create(
        session=session, practice_id=session.practice_id, author=by, text=text
    )
