"""Schemathesis hooks for tests/fuzz/run (loaded through SCHEMATHESIS_HOOKS).

`schema_valid_request_accepted` is schemathesis's positive-data check, less the refusals that
no OpenAPI 3.0 schema can rule out. A request the schema allows may still:
- name a record that does not exist, or that the caller may not see (`does_not_exist`);
- hand back a cursor this list never gave out (`cursor`), give a wrong current password, or a
  wrong two-factor code or recovery code;
- give a date after today where only the past makes sense (`future`: a schema holds no clock),
  or before today where only today or later does (`past`),
  or a date-time whose offset puts it outside the years 1 to 9999 in UTC (`overflow`);
- break a rule between two fields, or between list items, that the schema describes in words
  but JSON Schema cannot compare (`inconsistent`: a discharge before the intake).
Every other refusal of a schema-valid request fails the run. A collision with stored data (an
id another client holds) is a 409, which the check accepts as the answer it is; beside one of
the refusals above it is listed in that 400 (`conflict`).
"""

import json

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

UNDECLARABLE_CODES = {
    "does_not_exist",
    "future",
    "past",
    "overflow",
    "inconsistent",
    "conflict",
}
UNDECLARABLE_FIELDS = {
    ("cursor", "invalid"),
    ("old_password", "invalid"),
    ("password", "invalid"),
    ("code", "invalid"),
    ("recovery_code", "invalid"),
}


def _undeclarable(error: dict) -> bool:
    return (
        error.get("code") in UNDECLARABLE_CODES
        or (error.get("field"), error.get("code")) in UNDECLARABLE_FIELDS
    )


@schemathesis.check
def schema_valid_request_accepted(ctx, response, case):
    """A request the schema allows is accepted, unless refused for a reason above."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if response.status_code == 400:
            try:
                errors = json.loads(response.content).get("errors") or []
            except ValueError:
                errors = []
            if errors and all(_undeclarable(error) for error in errors):
                return None
        raise
