import json

from django.conf import settings
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

NOT_A_NUMBER = "NaN and Infinity are not numbers JSON allows; send a number."


class _NonFinite:
    """Where a body said NaN, Infinity or -Infinity: kept as a marker, so that the refusal can
    name its field rather than the body as a whole."""


class StrictJSONParser(JSONParser):
    """JSON bodies only. A body nested deeper than Python's parser can follow, or with a string
    that is not Unicode text (a lone surrogate escape such as `"\\ud800"`, which JSON's grammar
    admits but UTF-8 cannot encode), is a 400, not a crash further in. NaN and Infinity, which
    JSON does not allow, are a 400 naming the field that held them."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(stream.read().decode(encoding), parse_constant=_non_finite)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply.") from error
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from error
        problem = _first_problem(data)
        if problem is None:
            return data
        path, value = problem
        if isinstance(value, _NonFinite):
            raise ValidationError(_nested(path, [NOT_A_NUMBER]))
        raise ParseError("JSON parse error - a string holds an unpaired surrogate escape.")


def _non_finite(name: str) -> _NonFinite:
    return _NonFinite()


def _first_problem(data):
    """The path to the first NaN/Infinity, or to a string (key or value) that does not encode
    as UTF-8, with the value; None if there is none. Iterative: the body may be nested nearly
    as deep as the parser allows."""
    pending = [((), data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict):
            pending.extend(((*path, "key"), key) for key in value)
            pending.extend(((*path, str(key)), item) for key, item in value.items())
        elif isinstance(value, list):
            pending.extend(((*path, str(index)), item) for index, item in enumerate(value))
        elif isinstance(value, _NonFinite):
            return path, value
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return path, value
    return None


def _nested(path: tuple, errors: list) -> dict | list:
    """`errors` at `path`, shaped as DRF nests field errors (dotted by the problem handler)."""
    for step in reversed(path):
        errors = {step: errors}
    return errors
