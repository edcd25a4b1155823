"""Idempotency-Key for POSTs (draft-ietf-httpapi-idempotency-key-header).

The first request with a key runs and its response is kept for 24 hours. A retry with the same
key and body gets that response again and changes nothing, while the caller may still see the
record it holds (404 otherwise); the same key with another body is a
422; a retry while the first is still running is a 409, until the first answers or, if its
process died with it, for a minute at most. Keys are scoped per user. Records live
in the shared cache (the database or Redis), so every app process sees them; the stored
response body is encrypted with the field encryption keys.
"""

import hashlib
import json
import logging
import re

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response

from api.encryption import decrypt, encrypt
from api.exceptions import SHARED_CACHE_UNAVAILABLE, Conflict
from api.problems import PROBLEM_MEDIA_TYPE
from api.tenancy import practice_scope

logger = logging.getLogger("rootwise.errors")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
LIFETIME_SECONDS = 24 * 60 * 60
# A claim lapses after this unless its request answered: longer than any request may run
# (gunicorn replaces a worker silent for 30 s), short enough that a key whose request died
# with its process (killed, out of memory) can be retried the same minute.
IN_FLIGHT_SECONDS = 60
VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was used with a different request body."
    default_code = "idempotency_key_reused"


class _Replay(Exception):
    def __init__(self, response: Response):
        self.response = response


class IdempotencyMixin:
    """Honours Idempotency-Key on every POST of the view. The key is claimed after
    authentication and permissions, and the response stored as it leaves."""

    _idempotency_claim = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return
        if not VALID_KEY.match(key):
            raise ValidationError({HEADER: ["Use 1 to 255 visible ASCII characters."]})
        claim = "idempotency:" + hashlib.sha256(f"{request.user.pk}:{key}".encode()).hexdigest()
        body = request._request.body  # the raw bytes, read before DRF parses them
        fingerprint = hashlib.sha256(request.path.encode() + b"\n" + body).hexdigest()
        if cache.add(claim, {"fingerprint": fingerprint, "done": False}, IN_FLIGHT_SECONDS):
            self._idempotency_claim = (claim, fingerprint)
            return
        record = cache.get(claim)
        if record is not None and record["fingerprint"] != fingerprint:
            raise IdempotencyKeyReused()
        if record is None or not record["done"]:
            raise Conflict("A request with this Idempotency-Key is still being processed.")
        data = json.loads(decrypt(record["data"]))
        if record["status"] < 300:
            self._refuse_replay_without_access(data)
        refusal = record["status"] >= 400  # a kept problem document stays one
        replay = Response(
            data, status=record["status"], content_type=PROBLEM_MEDIA_TYPE if refusal else None
        )
        replay[REPLAYED_HEADER] = "true"
        raise _Replay(replay)

    def _refuse_replay_without_access(self, data) -> None:
        """A kept response holds the record as it was written: it is replayed only while the
        caller may still see that record (or the record the action was on), else 404."""
        pk = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if pk is None and isinstance(data, dict):
            pk = data.get("id")
        if pk is None:
            raise NotFound()
        with practice_scope(self.request.user.practice_id):  # before the handler's own
            visible = self.get_queryset().filter(pk=pk).exists()
        if not visible:
            raise NotFound()

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._idempotency_claim is not None:
            claim, fingerprint = self._idempotency_claim
            self._idempotency_claim = None
            try:
                if response.status_code >= 500:
                    cache.delete(claim)  # nothing happened: the key may be used again
                else:
                    record = {
                        "fingerprint": fingerprint,
                        "done": True,
                        "status": response.status_code,
                        # The body may hold clinical text: encrypted like the records it came from.
                        "data": encrypt(json.dumps(response.data, cls=DjangoJSONEncoder)),
                    }
                    cache.set(claim, record, LIFETIME_SECONDS)
            except SHARED_CACHE_UNAVAILABLE:
                # The work is done and committed: answering it beats a 500 that invites a
                # retry. The claim lapses unanswered (IN_FLIGHT_SECONDS).
                logger.error("Shared cache unavailable: an idempotent response was not kept")
        return response
