"""Who has two-factor sign-in, and the practice policy that requires it.

With `Practice.mfa_required` on, a member of staff without a confirmed authenticator is held to
the views marked `open_before_mfa_enrolment` (their own two-factor status and enrolment, and
`/auth/me/`); every other authenticated request answers 403 `mfa-enrolment-required`. The
check runs in the bearer authentication (`api.auth.authentication`), the one step every
authenticated request passes, on the state read with the user in the same query: a policy
switched on, or an enrolment confirmed, applies from the next request.
"""

from django.db.models import Exists, OuterRef, QuerySet

from api.auth.exceptions import MfaEnrolmentRequired
from api.auth.models import TotpDevice, User
from api.compiled_once import CompiledOnce

OPEN_BEFORE_ENROLMENT = "open_before_mfa_enrolment"


# Compiled once (api/compiled_once.py): every authenticated request reads it.
MFA_CONFIRMED = CompiledOnce(
    User,
    Exists(TotpDevice.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False)),
)


def with_mfa_state(users: QuerySet) -> QuerySet:
    """`users`, each with `mfa_confirmed`: whether they have a confirmed authenticator."""
    return users.annotate(mfa_confirmed=MFA_CONFIRMED)


def users_with_mfa_state() -> QuerySet:
    """Users with their practice and their two-factor state, in one query."""
    return with_mfa_state(User.objects.select_related("practice"))


def confirmed_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def is_enabled(user: User) -> bool:
    """Whether `user` signs in with a second factor."""
    known = getattr(user, "mfa_confirmed", None)
    if known is not None:
        return known
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def enrolment_required(user: User) -> bool:
    """Whether the practice's policy holds `user` to the enrolment endpoints."""
    return user.practice.mfa_required and not is_enabled(user)


def enforce(request, user: User) -> None:
    """Refuse (403) a request of a user held to enrolment, unless its view is open to them."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    if getattr(view, OPEN_BEFORE_ENROLMENT, False):
        return
    if enrolment_required(user):
        raise MfaEnrolmentRequired()
