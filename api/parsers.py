from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    """JSON bodies only. A body nested deeper than Python's parser can follow, or with a string
    that is not Unicode text (a lone surrogate escape such as `"\\ud800"`, which JSON's grammar
    admits but UTF-8 cannot encode), is a 400, not a crash further in."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply.") from error
        if not _is_unicode_text(data):
            raise ParseError("JSON parse error - a string holds an unpaired surrogate escape.")
        return data


def _is_unicode_text(data) -> bool:
    """Whether every string in parsed JSON, keys included, encodes as UTF-8 (iteratively: the
    body may be nested nearly as deep as the parser allows)."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True
