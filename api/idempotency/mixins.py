"""Idempotency-Key for POSTs (draft-ietf-httpapi-idempotency-key-header).

The first request with a key runs and its response is kept for 24 hours. A retry with the same
key and body gets that response again and changes nothing, while the caller may still see the
record it holds (404 otherwise); the same key with another body is a 422; a retry while the
first is still running is a 409, until the first answers or, if its process died with it, for a
minute at most. Keys are scoped per user.

Two stores, each for what it does best. The claim that a request is running lives in the shared
cache (Redis, or the database's cache table), where a concurrent retry sees it at once, before
the request's transaction commits. The response is kept in the database (`KeptResponse`,
encrypted like the records it holds): a successful write's in the write's own transaction, so
that the write and its kept answer commit together or not at all. A process killed after its
commit, before its answer left, thus leaves an answer to replay, and the retry after its claim
lapsed writes nothing twice. A refusal (4xx), which wrote nothing, is kept after its rollback.
"""

import hashlib
import json
import logging
import re

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response

from api.exceptions import SHARED_CACHE_UNAVAILABLE, Conflict
from api.idempotency.models import KeptResponse
from api.problems import PROBLEM_MEDIA_TYPE
from api.tenancy import practice_scope

logger = logging.getLogger("rootwise.errors")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# A claim lapses after this unless its request answered: longer than any request may run
# (gunicorn replaces a worker silent for 30 s), short enough that a key whose request died
# with its process (killed, out of memory) before its commit can be retried the same minute.
IN_FLIGHT_SECONDS = 60
STILL_RUNNING = "A request with this Idempotency-Key is still being processed."
ANSWERED_FIRST = (
    "Another request with this Idempotency-Key was answered first; send this one again for its "
    "answer."
)
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
    authentication and permissions; a successful response is kept in its write's transaction
    (`commit_with`, api/atomic.py), a refusal as it leaves."""

    _idempotency_claim = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return
        if not VALID_KEY.match(key):
            raise ValidationError({HEADER: ["Use 1 to 255 visible ASCII characters."]})
        claim = hashlib.sha256(f"{request.user.pk}:{key}".encode()).hexdigest()
        body = request._request.body  # the raw bytes, read before DRF parses them
        fingerprint = hashlib.sha256(request.path.encode() + b"\n" + body).hexdigest()
        # Claimed first, looked up second: a first request that answers in between has kept
        # its response before it let its claim go.
        claimed = cache.add(_cache_key(claim), fingerprint, IN_FLIGHT_SECONDS)
        kept = self._kept(claim)
        if kept is not None:
            if claimed:
                self._let_go(claim)
            if kept.fingerprint != fingerprint:
                raise IdempotencyKeyReused()
            raise _Replay(self._replay(kept))
        if claimed:
            self._idempotency_claim = (claim, fingerprint)
            return
        if cache.get(_cache_key(claim)) not in (None, fingerprint):
            raise IdempotencyKeyReused()
        raise Conflict(STILL_RUNNING)

    def _kept(self, claim: str) -> KeptResponse | None:
        with practice_scope(self.request.user.practice_id):
            kept = KeptResponse.objects.filter(key=claim).first()
            if kept is not None and kept.is_expired:
                kept.delete()  # the key may be used again
                return None
        return kept

    def _replay(self, kept: KeptResponse) -> Response:
        data = json.loads(kept.body)
        if kept.status < 300:
            self._refuse_replay_without_access(data)
        refusal = kept.status >= 400  # a kept problem document stays one
        replay = Response(
            data, status=kept.status, content_type=PROBLEM_MEDIA_TYPE if refusal else None
        )
        replay[REPLAYED_HEADER] = "true"
        return replay

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

    def commit_with(self, request, response) -> None:
        super().commit_with(request, response)
        if self._idempotency_claim is None:
            return
        try:
            self._keep(response)
        except IntegrityError:
            # This request outlived its claim and a retry, run meanwhile, committed first: the
            # key's one write is that retry's, and this one's is rolled back. The claim now is
            # not this request's to let go.
            self._idempotency_claim = None
            raise Conflict(ANSWERED_FIRST) from None

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._idempotency_claim is None:
            return response
        claim, _ = self._idempotency_claim
        if 400 <= response.status_code < 500:
            try:
                with practice_scope(request.user.practice_id):
                    self._keep(response)
            except DatabaseError:
                # A refusal changed nothing: its retry may as well run again.
                logger.exception("A refused request's response could not be kept")
        self._idempotency_claim = None
        self._let_go(claim)
        return response

    def _keep(self, response) -> None:
        claim, fingerprint = self._idempotency_claim
        KeptResponse.objects.create(
            key=claim,
            practice_id=self.request.user.practice_id,
            fingerprint=fingerprint,
            status=response.status_code,
            body=json.dumps(response.data, cls=DjangoJSONEncoder),
        )

    @staticmethod
    def _let_go(claim: str) -> None:
        try:
            cache.delete(_cache_key(claim))
        except SHARED_CACHE_UNAVAILABLE:
            # The answer is kept already: the claim lapses unanswered (IN_FLIGHT_SECONDS).
            logger.error("Shared cache unavailable: an Idempotency-Key claim was not let go")


def _cache_key(claim: str) -> str:
    return "idempotency:" + claim
