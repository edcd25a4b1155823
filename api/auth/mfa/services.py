"""Two-factor sign-in: enrolment, the second step of a sign-in, turning it off, recovery codes
and an admin's reset. Each enforces the rules in its docstring.

Every check of a code (authenticator or recovery) counts like a password check: it reserves an
attempt against the account's and the address's lock-out first (`api.throttles.lockout`), so
wrong codes and wrong passwords share one limit, and a locked account has no code checked at
all (429). A code is spent by a conditional update, so of concurrent uses exactly one wins.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from api.auth import services as staff_services
from api.auth import tokens
from api.auth.exceptions import SecondFactorRefused
from api.auth.mfa import challenge, recovery, totp
from api.auth.mfa.policy import confirmed_device
from api.auth.models import RecoveryCode, TotpDevice, User
from api.exceptions import Conflict
from api.throttles import lockout

WRONG_CODE = "The code is not correct, or has been used already."
WRONG_RECOVERY_CODE = "The recovery code is not correct, or has been used already."


def _touch(user: User) -> None:
    """Two-factor state is part of the user's record: its ETag changes with it."""
    user.save(update_fields=["updated_at"])


def _spend_totp(device: TotpDevice, code: str, sign_ins: int | None) -> bool:
    step = totp.matching_step(device.secret, code, after_step=device.last_used_step)
    if step is None:
        return False
    unspent = TotpDevice.objects.filter(pk=device.pk, last_used_step__lt=step)
    changes = {"last_used_step": step}
    if sign_ins is not None:
        unspent = unspent.filter(sign_ins=sign_ins)
        changes["sign_ins"] = F("sign_ins") + 1
    return unspent.update(**changes) == 1


def _spend_recovery_code(device: TotpDevice, code: str, sign_ins: int | None) -> bool:
    with transaction.atomic():
        if not recovery.use(user=device.user, code=code):
            return False
        if sign_ins is not None:
            unused = TotpDevice.objects.filter(pk=device.pk, sign_ins=sign_ins)
            if not unused.update(sign_ins=F("sign_ins") + 1):
                transaction.set_rollback(True)
                return False
        return True


def _second_factor_passes(
    *,
    device: TotpDevice,
    address: str | None,
    code: str | None = None,
    recovery_code: str | None = None,
    sign_ins: int | None = None,
) -> bool:
    """Check and spend one code, counted against the lock-out (see the module docstring).
    With `sign_ins`, the device's sign-in count must still be that, and moves on with it."""
    email = device.user.email
    lockout.reserve(email=email, address=address)
    if code is not None:
        passed = _spend_totp(device, code, sign_ins)
    else:
        passed = _spend_recovery_code(device, recovery_code or "", sign_ins)
    if passed:
        lockout.passed(email=email, address=address)
    return passed


def _refused(code: str | None) -> ValidationError:
    if code is not None:
        return ValidationError({"code": [WRONG_CODE]})
    return ValidationError({"recovery_code": [WRONG_RECOVERY_CODE]})


def _confirmed_device_or_conflict(user: User) -> TotpDevice:
    device = confirmed_device(user)
    if device is None:
        raise Conflict("Two-factor sign-in is not on for your account.")
    return device


@transaction.atomic
def totp_enrolment_start(*, user: User) -> dict:
    """Start setting up an authenticator app: a new secret, pending until a code from it
    confirms it (`totp_enrolment_confirm`). Starting again replaces a pending secret. Someone
    whose two-factor sign-in is on must turn it off first (409)."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise Conflict("Two-factor sign-in is already on: turn it off first to replace it.")
    secret = totp.new_secret()
    TotpDevice.objects.update_or_create(
        user=user,
        defaults={"secret": secret, "confirmed_at": None, "last_used_step": 0, "sign_ins": 0},
    )
    uri = totp.provisioning_uri(secret, user.email)
    return {"secret": secret, "otpauth_uri": uri, "qr_code": totp.qr_code_data_uri(uri)}


def totp_enrolment_confirm(*, user: User, code: str, password: str, address: str | None) -> dict:
    """Turn two-factor sign-in on with a first code from the pending authenticator and the
    current password (so that a stolen access token alone cannot bind an attacker's device;
    checked like a sign-in, against the lock-out). Every refresh token the user held is revoked
    (those sessions began with a password alone); the answer holds the recovery codes, shown
    this once, and a new access and refresh token."""
    lockout.reserve(email=user.email, address=address)
    if not user.check_password(password):
        raise ValidationError({"password": ["The password is not correct."]})
    lockout.passed(email=user.email, address=address)
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            raise Conflict("There is no enrolment to confirm: start one first.")
        if device.confirmed_at is not None:
            raise Conflict("Two-factor sign-in is already on.")
        step = totp.matching_step(device.secret, code, after_step=device.last_used_step)
        if step is None:
            raise ValidationError(
                {
                    "code": [
                        "The code is not correct: enter the code your authenticator app shows "
                        "now, and check that the phone's clock is right."
                    ]
                }
            )
        device.confirmed_at = timezone.now()
        device.last_used_step = step
        device.save(update_fields=["confirmed_at", "last_used_step", "updated_at"])
        codes = recovery.replace_all(user=user)
        _touch(user)
        staff_services.refresh_tokens_revoke(user=user)
        pair = tokens.pair_issue(user=user)
    return {"recovery_codes": codes, **pair}


def sign_in_complete(
    *, raw_challenge: str, code: str | None, recovery_code: str | None, address: str | None
) -> tuple[User, dict]:
    """The second step of a sign-in: a challenge from the password step and a code from the
    authenticator (or a recovery code) give an access and a refresh token. The challenge works
    once and for five minutes (401 token-expired or token-invalid: sign in again); a wrong or
    already used code is a 401 and counts toward the account's lock-out."""
    found = challenge.read(raw_challenge)
    if not _second_factor_passes(
        device=found.device,
        address=address,
        code=code,
        recovery_code=recovery_code,
        sign_ins=found.sign_ins,
    ):
        detail = WRONG_CODE if code is not None else WRONG_RECOVERY_CODE
        raise SecondFactorRefused(detail, user=found.user)
    return found.user, tokens.pair_issue(user=found.user)


def mfa_disable(
    *, user: User, code: str | None, recovery_code: str | None, address: str | None
) -> None:
    """Turn one's own two-factor sign-in off, with a current code or a recovery code (counted
    against the lock-out): the authenticator and the recovery codes are forgotten. In a
    practice that requires two-factor sign-in, the user is then held to enrolment again."""
    device = _confirmed_device_or_conflict(user)
    if not _second_factor_passes(
        device=device, address=address, code=code, recovery_code=recovery_code
    ):
        raise _refused(code)
    with transaction.atomic():
        _forget(user)
        _touch(user)


def recovery_codes_regenerate(*, user: User, code: str, address: str | None) -> list[str]:
    """New recovery codes, replacing every earlier one, for a current authenticator code
    (counted against the lock-out)."""
    device = _confirmed_device_or_conflict(user)
    if not _second_factor_passes(device=device, address=address, code=code):
        raise _refused(code)
    return recovery.replace_all(user=user)


@transaction.atomic
def mfa_reset(*, user: User, by: User) -> User:
    """An admin's reset of a colleague's two-factor sign-in (a lost phone): the authenticator,
    a pending enrolment and the recovery codes are forgotten and every refresh token revoked,
    so the user signs in again with the password alone and sets up a new authenticator. Admins
    cannot reset their own (409): they turn it off with a code like anyone else."""
    if user.pk == by.pk:
        raise Conflict(
            "You cannot reset your own two-factor sign-in: turn it off with a code, or ask "
            "another admin."
        )
    _forget(user)
    staff_services.refresh_tokens_revoke(user=user)
    _touch(user)
    return User.objects.get(pk=user.pk)


def _forget(user: User) -> None:
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
