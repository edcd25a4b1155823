"""Lost-update protection: ETags on records, and writes conditional on If-Match.

A write with If-Match locks the record's row for the rest of the request and compares its
current ETag; a mismatch answers 412 and changes nothing. Of two concurrent writers holding the
same ETag, the second waits for the first's lock, then sees a new ETag: exactly one wins.
Writes without If-Match keep working. Comparison is strong (RFC 9110): a weak `W/` tag never
matches, since a weak tag does not promise the bytes the caller read.
"""

import hashlib

from rest_framework.fields import DateTimeField
from rest_framework.permissions import SAFE_METHODS

from api.exceptions import PreconditionFailed

_timestamp = DateTimeField()


def etag_for(pk, updated_at) -> str:
    """A strong ETag from the record's id and its last change, as the API shows them."""
    stamp = updated_at if isinstance(updated_at, str) else _timestamp.to_representation(updated_at)
    return '"' + hashlib.sha256(f"{pk}:{stamp}".encode()).hexdigest()[:32] + '"'


def _matches(if_match: str, etag: str) -> bool:
    """RFC 9110's strong comparison: a weak tag (`W/"…"`) never matches."""
    candidates = {tag.strip() for tag in if_match.split(",")}
    return "*" in candidates or etag in candidates


class ConditionalWriteMixin:
    """Needs the write's transaction (`api/atomic.py`) for its row lock."""

    def get_object(self):
        obj = super().get_object()
        if_match = self.request.headers.get("If-Match")
        if if_match and self.request.method not in SAFE_METHODS:
            # A row the caller reads but may not write (a built-in template, shared by every
            # practice) cannot be locked here; its write is refused after this check anyway.
            obj = type(obj).objects.select_for_update().filter(pk=obj.pk).first() or obj
            if not _matches(if_match, etag_for(obj.pk, obj.updated_at)):
                refusal = PreconditionFailed(
                    "The record has changed since you read it: reload it and try again."
                )
                refusal.record = obj
                raise refusal
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if response.status_code < 300 and isinstance(data, dict) and "updated_at" in data:
            response["ETag"] = etag_for(data["id"], data["updated_at"])
        return response
