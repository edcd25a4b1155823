"""Writes for practices and staff. Each enforces the rules in its docstring."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from rest_framework.exceptions import ValidationError
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from api.auth import tokens
from api.auth.calendar.models import CalendarFeed
from api.auth.models import Practice, Role, User
from api.exceptions import Conflict
from api.throttles import lockout
from api.timezones import default_time_zone, is_time_zone


def _validate_password(password: str, user: User, field: str) -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as error:
        raise ValidationError({field: list(error.messages)}) from error


def _validate_email_free(email: str, user: User | None = None, field: str = "email") -> str:
    """The address, normalised to lower case, if it is valid and no other user has it."""
    try:
        validate_email(email)
    except DjangoValidationError as error:
        raise ValidationError({field: list(error.messages)}) from error
    email = User.objects.normalize_email(email).lower()
    taken = User.objects.filter(email=email)
    if user is not None:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        raise ValidationError({field: ["A user with this email address already exists."]})
    return email


def _validate_supervision(user: User, role: str, supervisor: User | None) -> None:
    """A supervisor is an active supervisor of the same practice, never oneself nor a cycle;
    admins have none."""
    if supervisor is None:
        return
    if role == Role.ADMIN:
        raise ValidationError({"supervisor": ["Administrators do not have a supervisor."]})
    if supervisor.practice_id != user.practice_id:
        raise ValidationError({"supervisor": ["No such user in this practice."]})
    if supervisor.pk == user.pk:
        raise ValidationError({"supervisor": ["A user cannot supervise themselves."]})
    if supervisor.role != Role.SUPERVISOR or not supervisor.is_active:
        raise ValidationError({"supervisor": ["The supervisor must be an active supervisor."]})
    above = supervisor.supervisor
    while above is not None:
        if above.pk == user.pk:
            raise ValidationError({"supervisor": ["This would make a supervision cycle."]})
        above = above.supervisor


def _validate_time_zone(name: str) -> str:
    if not is_time_zone(name):
        raise ValidationError(
            {
                "time_zone": [
                    f"Unknown time zone {name!r}: give an IANA name such as Europe/London or "
                    "America/New_York."
                ]
            }
        )
    return name


@transaction.atomic
def practice_create(
    *,
    name: str,
    admin_email: str,
    admin_password: str,
    admin_full_name: str = "Administrator",
    time_zone: str | None = None,
) -> User:
    """Create a practice and its first admin; the password passes the password validators and
    the time zone (settings.PRACTICE_TIME_ZONE unless given) is a known IANA name."""
    time_zone = _validate_time_zone(time_zone if time_zone is not None else default_time_zone())
    practice = Practice.objects.create(name=name, time_zone=time_zone)
    admin = User(practice=practice, role=Role.ADMIN, full_name=admin_full_name)
    admin.email = _validate_email_free(admin_email, field="admin_email")
    _validate_password(admin_password, admin, "admin_password")
    admin.set_password(admin_password)
    admin.save()
    return admin


@transaction.atomic
def practice_update(*, practice: Practice, **changes) -> Practice:
    """Change the practice's name, time zone (a known IANA name) or two-factor policy. A new
    time zone moves "today" and the dates derived from moments from then on; stored dates stay
    as they are. Requiring two-factor sign-in holds staff without it to enrolment from their
    next request (`api.auth.mfa.policy`)."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if "time_zone" in changes:
        _validate_time_zone(changes["time_zone"])
    for field, value in changes.items():
        setattr(practice, field, value)
    practice.save()
    return practice


@transaction.atomic
def user_create(
    *,
    practice: Practice,
    email: str,
    full_name: str,
    role: str,
    password: str,
    supervisor: User | None = None,
) -> User:
    """Add a member of staff to a practice. Email unique (case-insensitive), password
    validated, supervision rules as `_validate_supervision`."""
    user = User(practice=practice, full_name=full_name, role=role, supervisor=supervisor)
    user.email = _validate_email_free(email)
    _validate_supervision(user, role, supervisor)
    _validate_password(password, user, "password")
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def user_update(*, user: User, by: User, **changes) -> User:
    """Change a member's email, name, role or supervisor. A supervisor who still supervises
    someone keeps the supervisor role; nobody changes their own role (an admin could otherwise
    leave the practice with no one to manage staff). Supervision is checked only when the role
    or supervisor changes, so a supervisor's later deactivation never blocks other edits."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if "email" in changes:
        changes["email"] = _validate_email_free(changes["email"], user)
    role = changes.get("role", user.role)
    if user.pk == by.pk and role != user.role:
        raise Conflict("You cannot change your own role; ask another admin.")
    supervisor = changes.get("supervisor", user.supervisor)
    if role != Role.SUPERVISOR and user.role == Role.SUPERVISOR and user.supervisees.exists():
        raise ValidationError({"role": ["This user still supervises others; reassign them first."]})
    if role != user.role or supervisor != user.supervisor:
        _validate_supervision(user, role, supervisor)
    for field, value in changes.items():
        setattr(user, field, value)
    user.save()
    return user


def refresh_tokens_revoke(*, user: User) -> int:
    """Blacklist every refresh token the user still holds; returns how many were revoked."""
    return tokens.tokens_revoke(OutstandingToken.objects.filter(user=user))


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """Deactivate a member: no more logins or refreshes, and their calendar feed's address
    stops working for good (reactivated, they make a new one). Nothing else is deleted,
    because clinical records point at their authors. Admins cannot deactivate themselves."""
    if user.pk == by.pk:
        raise Conflict("You cannot deactivate your own account.")
    user.is_active = False
    user.save(update_fields=["is_active", "updated_at"])
    refresh_tokens_revoke(user=user)
    CalendarFeed.objects.filter(user=user).delete()
    return user


def user_reactivate(*, user: User) -> User:
    user.is_active = True
    user.save(update_fields=["is_active", "updated_at"])
    return user


def password_change(
    *, user: User, old_password: str, new_password: str, address: str | None
) -> None:
    """Change one's own password: the old one must match, the new one pass the validators, and
    every outstanding refresh token is revoked. Checking the old password is a password check
    like a sign-in: it counts toward the account's and the address's lock-out (`lockout`), and
    once either is locked the old password is not checked at all (429)."""
    lockout.reserve(email=user.email, address=address)
    if not user.check_password(old_password):
        raise ValidationError({"old_password": ["The current password is not correct."]})
    lockout.passed(email=user.email, address=address)
    with transaction.atomic():
        _validate_password(new_password, user, "new_password")
        user.set_password(new_password)
        user.save(update_fields=["password", "updated_at"])
        refresh_tokens_revoke(user=user)
