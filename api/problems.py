"""RFC 9457 problem details: the one error format of the Rootwise API."""

from http import HTTPStatus

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:rootwise:problem:"


def problem_body(status: int, code: str, detail: str, errors: list[dict] | None = None) -> dict:
    """The problem document; `code` names the problem type (e.g. `not_found`)."""
    return {
        "type": PROBLEM_TYPE_PREFIX + code.replace("_", "-"),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "errors": errors or [],
    }
