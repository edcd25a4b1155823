"""Every error the API returns, as RFC 9457 problem details.

DRF exceptions pass through `problem_exception_handler`; errors raised outside DRF views (unknown
URLs, oversized bodies, crashes in middleware) through the Django handlers at the bottom.
"""

import logging

import redis
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from api.problems import PROBLEM_MEDIA_TYPE, problem_body

logger = logging.getLogger("rootwise.errors")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the record."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record has changed since you last read it."
    default_code = "precondition_failed"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


# Codes of the field errors that refuse a request the schema allows, so that a client can tell
# them from malformed input:
# - CONFLICT: it collides with stored data (an id another client holds, a completion dated
#   before its assignment, a session moved to another client); a refusal whose every error is
#   a conflict is a 409.
# - FUTURE: a date or time after now, where only the past makes sense.
# - INCONSISTENT: fields (or list items) that cannot hold together, as the schema describes (a
#   discharge date before the intake date, a root listed twice).
# - PAST: a date before today, where only today or later makes sense (a measure sent once).
CONFLICT = "conflict"
FUTURE = "future"
INCONSISTENT = "inconsistent"
PAST = "past"


class FieldForbidden(exceptions.ValidationError):
    """The caller's role may not use these fields or parameters (an admin's clinical filter):
    a 403 naming them. Raise it outside serializer validation, which turns any
    ValidationError back into a 400."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = "forbidden"


class ServerError(exceptions.APIException):
    default_detail = "An unexpected error occurred; it has been logged."
    default_code = "server_error"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable; try again shortly."
    default_code = "service_unavailable"


MAX_LISTED_ERRORS = 20


def _flattened(detail, path: tuple = ()):
    if isinstance(detail, dict):
        for key, value in detail.items():
            step = () if key == api_settings.NON_FIELD_ERRORS_KEY else (str(key),)
            yield from _flattened(value, path + step)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            yield from _flattened(
                item, (*path, str(index)) if isinstance(item, dict | list) else path
            )
    else:
        yield {
            "field": ".".join(path) or None,
            "code": getattr(detail, "code", None) or "invalid",
            "message": str(detail),
        }


def _problem_kind(error: dict) -> tuple:
    # The same message at paths that differ only in list positions is one problem repeated.
    field = error["field"] and ".".join(
        "*" if step.isdigit() else step for step in error["field"].split(".")
    )
    return field, error["code"], error["message"]


def field_errors(detail) -> list[dict]:
    """Flatten DRF's nested error detail into `[{field, code, message}]` with dotted paths, one
    per distinct problem: a problem repeated down a list is listed once, at its first place."""
    distinct: dict[tuple, dict] = {}
    for error in _flattened(detail):
        distinct.setdefault(_problem_kind(error), error)
    return list(distinct.values())


def validation_detail(errors: list[dict]) -> str:
    if len(errors) == 1:
        return errors[0]["message"]
    if len(errors) > MAX_LISTED_ERRORS:
        return f"The request has {len(errors)} problems; the first {MAX_LISTED_ERRORS} are listed."
    return "The request has invalid fields."


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        # Raised by the ORM for a value it cannot use in a query: input is validated before it
        # gets there, so the value came from stored data (or a bug) and is never echoed.
        logger.warning("The database layer refused a value (%s).", type(exc).__name__)
        return exceptions.ValidationError("A value in the request cannot be used here.")
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError("The request could not be accepted.")
    if isinstance(exc, OperationalError) and _sqlstate(exc) in CONCURRENT_WRITE_CONFLICTS:
        # Not an outage: the database chose this transaction to undo so that a simultaneous
        # one could finish. Nothing was written; the same request again will do.
        logger.warning("A concurrent write conflicted: %s", database_message(exc))
        return Conflict("The change collided with a simultaneous one and was not saved; retry.")
    if isinstance(exc, OperationalError | InterfaceError):
        logger.error("Database unavailable: %s", database_message(exc))
        return ServiceUnavailable()
    if isinstance(exc, ProtectedError | RestrictedError | IntegrityError):
        # A database constraint caught what validation did not (usually a race between two
        # writers): the data is intact, and the client should re-read and retry.
        logger.warning("A database constraint refused a write (%s).", type(exc).__name__)
        return Conflict("The change conflicts with other records; reload and try again.")
    if isinstance(exc, SHARED_CACHE_UNAVAILABLE):
        logger.error("Shared cache unavailable: %s", type(exc).__name__)
        return ServiceUnavailable()
    return None


# The shared cache (Redis) cannot be reached. What must be counted or claimed in it before it
# runs (a password check against the lock-out, an Idempotency-Key) is refused, nothing done;
# rate throttles let requests pass instead (api/throttles/__init__.py).
SHARED_CACHE_UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

# SQLSTATEs of a transaction undone for another's sake: serialization failure, deadlock.
CONCURRENT_WRITE_CONFLICTS = {"40001", "40P01"}


def _sqlstate(exc: Exception) -> str | None:
    return getattr(exc.__cause__, "sqlstate", None)


def database_message(exc: Exception) -> str:
    """The database's own reason, for the operator: its type, SQLSTATE and first line ("database
    is locked", "sorry, too many clients already"). Never the statement or its parameters, and
    not the lines after the first, which can quote a row's values (a client's data)."""
    cause = exc.__cause__ or exc
    diagnostics = getattr(cause, "diag", None)
    message = getattr(diagnostics, "message_primary", None) or str(cause)
    first_line = message.strip().splitlines()[0] if message.strip() else "no message"
    sqlstate = _sqlstate(exc)
    return f"{type(cause).__name__}{f' [{sqlstate}]' if sqlstate else ''}: {first_line}"


def problem_exception_handler(exc: Exception, context: dict) -> Response:
    api_exc = _as_api_exception(exc)
    if api_exc is None:
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
        api_exc = ServerError()

    status_code = api_exc.status_code
    if isinstance(api_exc, exceptions.ValidationError):
        errors = field_errors(api_exc.detail)
        detail = validation_detail(errors)
        code = "permission_denied" if isinstance(api_exc, FieldForbidden) else "validation_error"
        if errors and all(error["code"] == CONFLICT for error in errors):
            status_code, code = Conflict.status_code, Conflict.default_code
        body = problem_body(status_code, code, detail, errors[:MAX_LISTED_ERRORS])
    else:
        body = problem_body(api_exc.status_code, api_exc.default_code, str(api_exc.detail))

    headers = {}
    if getattr(api_exc, "auth_header", None):
        headers["WWW-Authenticate"] = api_exc.auth_header
    if getattr(api_exc, "wait", None):
        headers["Retry-After"] = str(int(api_exc.wait))

    set_rollback()
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_MEDIA_TYPE)


def problem_response(status_code: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(
        problem_body(status_code, code, detail), status=status_code, content_type=PROBLEM_MEDIA_TYPE
    )


def bad_request(request, exception=None) -> JsonResponse:
    return problem_response(400, "bad_request", "The request could not be understood.")


def permission_denied(request, exception=None) -> JsonResponse:
    return problem_response(403, "permission_denied", "You do not have permission to do this.")


@csrf_exempt
def not_found(request, exception=None, path: str = "") -> JsonResponse:
    return problem_response(404, "not_found", "No such resource.")


def csrf_failure(request, reason: str = "") -> JsonResponse:
    return problem_response(403, "permission_denied", "The request was refused (CSRF check).")


def server_error(request) -> JsonResponse:
    return problem_response(500, ServerError.default_code, ServerError.default_detail)
