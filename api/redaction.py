"""Paths that carry a secret: a client's measure link holds its token, which opens the link to
whoever reads it, and a clinician's calendar feed its own. Wherever a path is written down (the
audit trail, the logs, the access log), the token's segment is replaced."""

import logging
import re

# The page a measure link opens, and the same flow's JSON endpoints (assessments/measures); a
# calendar feed's address (sessions/calendar), whose `<token>.ics` segment goes whole.
_SECRET_SEGMENT = re.compile(r"(/m/|/client-portal/invitations/|/calendar/)[^/?#]+")
REDACTED = "[token]"


def redact_path(text: str) -> str:
    return _SECRET_SEGMENT.sub(rf"\g<1>{REDACTED}", text)


class RedactSecretPaths(logging.Filter):
    """A logging filter that redacts the message and its string arguments (Django's request
    and server loggers pass the path, or the request line, as an argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_path(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
