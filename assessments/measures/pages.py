"""The client's pages of a measure link (/m/<token>/): the questionnaire, the thank-you, and one
calm page for a link that opens nothing. The flow is portal_views' JSON flow as HTML: the same
lookups (assessments/measures/portal.py), the same audit events with the invitation as the
actor, the same limits per address and per link, the same single answer for a link unknown,
used, expired or revoked.

The pages hold no script, load nothing from elsewhere and work in any browser: their only
style is inline, allowed by its hash in the Content-Security-Policy."""

import base64
import functools
import hashlib
import math
from pathlib import Path
from types import SimpleNamespace

from django.http import HttpResponse
from django.template import Context, Engine
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from rest_framework import status
from rest_framework.exceptions import ValidationError

from api.audit.models import AuditAction
from api.tenancy import practice_scope
from assessments.instruments import INSTRUMENTS
from assessments.measures import portal
from assessments.measures.throttles import link_wait

TEMPLATES = Path(__file__).parent / "templates"
# The pages' templates sit beside this module, not in an app's templates directory (the app is
# `assessments`): an engine of their own finds them, autoescaping as Django's does.
_ENGINE = Engine(dirs=[TEMPLATES])
STYLE = (TEMPLATES / "measures" / "page.css").read_text()
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()

PAGE_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",  # the address holds the token
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
}


def _with_page_headers(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        for header, value in PAGE_HEADERS.items():
            response[header] = value
        return response

    return wrapped


def _page(template: str, context: dict, status_code: int):
    style = mark_safe(STYLE)  # noqa: S308 (the file beside this one, never input)
    page = _ENGINE.get_template(f"measures/{template}").render(Context({**context, "style": style}))
    return HttpResponse(page, status=status_code)


# No CSRF token: the page is no cookie-authenticated surface. Its only credential is the token
# in its address, which a forging site cannot know, and the page sets no cookie a forged form
# could ride on; a CSRF cookie would be a cookie for nothing. (Nor could the origin be checked:
# with no referrer sent, a browser posts the form with `Origin: null`.)
@csrf_exempt
@_with_page_headers
@require_http_methods(["GET", "POST"])
def measure_link_page(request, token: str):
    wait = link_wait(request, SimpleNamespace(kwargs={"token": token}))
    if wait is not None:
        response = _page("wait.html", {}, status.HTTP_429_TOO_MANY_REQUESTS)
        response["Retry-After"] = str(math.ceil(wait))
        return response
    try:
        invitation = portal.find_invitation(token)
    except portal.LinkClosed:
        return _closed(request, None)
    if request.method == "POST":
        return _submit(request, invitation)
    with practice_scope(invitation.practice_id):
        try:
            portal.open_link(invitation)
        except portal.LinkClosed:
            pass
        else:
            response = _questionnaire(invitation, {}, {}, status.HTTP_200_OK)
            _audit(request, invitation, status.HTTP_200_OK)
            return response
    return _closed(request, invitation)


def _submit(request, invitation):
    answers, chosen, unanswered = _read_answers(invitation, request.POST)
    try:
        with practice_scope(invitation.practice_id):
            submission = portal.submit(invitation.pk, answers)
            replay = AuditAction.REPLAY if submission.replayed else None
            _audit(request, submission.invitation, status.HTTP_200_OK, action=replay)
    except portal.LinkClosed:
        return _closed(request, invitation)
    except ValidationError:
        # Only an open link's answers are checked: a closed one is closed, whatever was sent.
        # Refused answers store nothing; the trail keeps the attempt.
        with practice_scope(invitation.practice_id):
            _audit(request, invitation, status.HTTP_400_BAD_REQUEST)
        return _questionnaire(invitation, chosen, unanswered, status.HTTP_400_BAD_REQUEST)
    crisis_text = invitation.practice.crisis_message if submission.at_risk else ""
    context = {"practice_name": invitation.practice.name, "crisis_text": crisis_text}
    return _page("thanks.html", context, status.HTTP_200_OK)


def _read_answers(invitation, form) -> tuple[dict, dict, dict]:
    """The answers sent (None where an item has no valid answer), the choices to show again,
    and the unanswered items (field name → where it is, and the id of its first option, which
    the error summary links to)."""
    answers, chosen, unanswered = {}, {}, {}
    for code in invitation.instruments:
        instrument = INSTRUMENTS[code]
        allowed = {str(value): value for value in instrument.option_values}
        answers[code] = []
        for index, item in enumerate(instrument.items):
            field = _field(code, index)
            value = allowed.get(form.get(field, ""))
            answers[code].append(value)
            if value is None:
                unanswered[field] = {
                    "where": f"{instrument.name}, question {item.number}",
                    "first_option": _option_id(field, instrument.options[0].value),
                }
            else:
                chosen[field] = value
    return answers, chosen, unanswered


def _field(code: str, index: int) -> str:
    return f"{code}-{index}"


def _option_id(field: str, value: int) -> str:
    return f"{field}-{value}"


def _questionnaire(invitation, chosen: dict, unanswered: dict, status_code: int):
    instruments = []
    for code in invitation.instruments:
        instrument = INSTRUMENTS[code]
        items = []
        for index, item in enumerate(instrument.items):
            field = _field(code, index)
            items.append(
                {
                    "field": field,
                    "number": item.number,
                    "text": item.text,
                    "error": field in unanswered,
                    "options": [
                        {
                            "id": _option_id(field, option.value),
                            "value": option.value,
                            "label": option.label,
                            "checked": chosen.get(field) == option.value,
                        }
                        for option in instrument.options
                    ],
                }
            )
        instruments.append({"name": instrument.name, "stem": instrument.stem, "items": items})
    context = {
        "practice_name": invitation.practice.name,
        "instruments": instruments,
        "errors": list(unanswered.values()),
    }
    return _page("questionnaire.html", context, status_code)


def _closed(request, invitation):
    """The one answer for a link that opens nothing; audited in the invitation's practice when
    there is one (a link used, expired or revoked), with no practice when there is none."""
    with practice_scope(invitation.practice_id if invitation else None):
        _audit(request, invitation, status.HTTP_404_NOT_FOUND)
    return _page("closed.html", {}, status.HTTP_404_NOT_FOUND)


def _audit(request, invitation, status_code: int, action=None) -> None:
    default = AuditAction.CREATE if request.method == "POST" else AuditAction.READ
    portal.audit_link_use(request, invitation, status_code, action or default)
