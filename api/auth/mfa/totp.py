"""Time-based one-time passwords (RFC 6238): 6 digits, a new code every 30 seconds.

A code is accepted for the current time step and one step either side, so a phone whose clock
is up to 30 seconds off still works; which step it matched is returned, so that the caller can
refuse that step and every earlier one from then on (each code works once).
"""

import base64
import hmac
import time

import pyotp
import segno

ISSUER = "Rootwise"
DIGITS = 6
STEP_SECONDS = 30
TOLERANCE_STEPS = 1


def new_secret() -> str:
    """160 random bits in base32, the length RFC 4226 recommends."""
    return pyotp.random_base32(32)


def current_step() -> int:
    return int(time.time() // STEP_SECONDS)


def provisioning_uri(secret: str, account: str) -> str:
    """The `otpauth://` URI authenticator apps read from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=ISSUER
    )


def qr_code_data_uri(uri: str) -> str:
    """The URI as a QR code: an SVG image in a `data:` URI, ready for an `<img src>`."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def matching_step(secret: str, code: str, *, after_step: int) -> int | None:
    """The time step, later than `after_step`, whose code `code` is; None if none is."""
    now = current_step()
    for step in range(now - TOLERANCE_STEPS, now + TOLERANCE_STEPS + 1):
        if step > after_step and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None
