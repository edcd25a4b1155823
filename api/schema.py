"""OpenAPI generation: every operation documents its summary, the headers it honours and
sends, and its problem responses."""

from django.core.validators import RegexValidator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance, get_doc, is_serializer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated

from api.concurrency import ConditionalWriteMixin
from api.idempotency.mixins import HEADER as IDEMPOTENCY_KEY
from api.idempotency.mixins import REPLAYED_HEADER, IdempotencyMixin
from api.middleware import REQUEST_ID_HEADER
from api.problems import PROBLEM_MEDIA_TYPE

# DRF refuses NUL characters in every text field, and trims a required one before refusing it
# blank: such a field needs one character that is neither NUL nor what Python's str.strip()
# removes (not quite JSON Schema's \s, which lacks \x1c-\x1f and \x85 and adds \ufeff).
NO_NUL_CHARACTERS = "^[^\\u0000]*$"
_STRIPPED = (
    "\\t\\n\\u000b\\u000c\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000"
)
NOT_BLANK = f"^[^\\u0000]*[^\\u0000{_STRIPPED}][^\\u0000]*$"
# The addresses Django's EmailValidator accepts, less what a person would not type (quoted
# local parts, IP literals, internationalised domains): `format: email` alone admits `a@b.c`,
# which the validator refuses for its one-letter top-level domain.
_EMAIL_ATOM = "[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+"
_EMAIL_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = f"^{_EMAIL_ATOM}(\\.{_EMAIL_ATOM})*@{_EMAIL_LABEL}(\\.{_EMAIL_LABEL})*\\.[A-Za-z]{{2,63}}$"
PROBLEM_DESCRIPTIONS = {
    400: "The request is invalid; `errors` names each field.",
    401: (
        "Missing, invalid or expired credentials. A refused token's `type` says why: "
        "`urn:rootwise:problem:token-expired`, `urn:rootwise:problem:token-revoked` (sign in "
        "again) or `urn:rootwise:problem:token-invalid`."
    ),
    403: "Your role may not do this; `errors` names the parameter or field when one is why.",
    404: "No such resource, or not one you may see.",
    406: "None of the requested media types can be produced.",
    409: (
        "The request conflicts with the record's current state, or with other stored data "
        "(`errors` names the field: an id another record holds, a date before the stored one)."
    ),
    412: "The record changed since the ETag given in If-Match.",
    413: "The request body is too large.",
    415: "The request body must be application/json.",
    422: "This Idempotency-Key was used with a different request body.",
    429: "Too many requests; retry after the number of seconds in Retry-After.",
    503: "Temporarily unavailable (the database cannot be reached); retry shortly.",
}
MFA_ENROLMENT_REFUSAL = (
    "Also `urn:rootwise:problem:mfa-enrolment-required`: your practice requires two-factor "
    "sign-in and you have not set it up; until you do, only `/auth/me/` and `/auth/mfa/` with "
    "the enrolment at `/auth/mfa/totp/` answer."
)


class ProblemFieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text="Dotted path of the offending field; null for the whole body."
    )
    code = serializers.CharField(help_text="Machine-readable reason, e.g. `required`, `invalid`.")
    message = serializers.CharField(help_text="A sentence a person can read next to the field.")


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem document, served as application/problem+json."""

    type = serializers.CharField(help_text="URI naming the problem type.")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, for a person.")
    errors = ProblemFieldErrorSerializer(many=True)


def problem(status: int, description: str | None = None) -> dict:
    """An `@extend_schema(responses=...)` entry documenting a problem response."""
    return {
        (status, PROBLEM_MEDIA_TYPE): OpenApiResponse(
            ProblemSerializer, description=description or PROBLEM_DESCRIPTIONS[status]
        )
    }


STANDARD_SUMMARIES = {
    "list": "List {plural}",
    "create": "Create {article} {singular}",
    "retrieve": "Read {article} {singular}",
    "update": "Replace {article} {singular}",
    "partial_update": "Change {article} {singular}",
    "destroy": "Delete {article} {singular}",
}

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "The ETag you last read: the write happens only if the record is unchanged (412 "
        "otherwise). Without it the write is unconditional."
    ),
)
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_KEY,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    pattern=r"^[!-~]{1,255}$",
    description=(
        "1 to 255 visible ASCII characters, new for each intended write. A retry with the "
        "same key and body within 24 hours replays the first response and changes nothing; "
        "the same key with another body is a 422."
    ),
)


def response_header(name: str, description: str, statuses: list[int] | bool = True):
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description=description,
        response=statuses,
    )


REQUEST_ID = response_header(
    REQUEST_ID_HEADER,
    "This request's id, as in the server's logs and audit trail (yours if you sent a valid one).",
)
RETRY_AFTER = response_header("Retry-After", "Seconds to wait before trying again.", [429])
REPLAYED = response_header(
    REPLAYED_HEADER, "`true` when this is the kept response of an earlier request with this key."
)
ETAG_DESCRIPTION = "The record's version: send it back in If-Match to write only over it."


def _has_pattern(field, schema: dict) -> bool:
    """A pattern of its own (a RegexField's, which refuses NUL already) stands as it is."""
    return "pattern" in schema or any(
        isinstance(validator, RegexValidator) for validator in field.validators
    )


def first_sentence(text: str) -> str:
    sentence = " ".join(text.split()).split(". ")[0].split("; ")[0]
    return sentence.rstrip(".")


class ProblemAutoSchema(AutoSchema):
    """Adds to every operation a summary, the headers it honours and sends, and the problem
    responses it can give, from what the view declares."""

    STANDARD_ACTIONS = frozenset(
        {"list", "retrieve", "create", "update", "partial_update", "destroy", None}
    )

    def get_operation_id(self) -> str:
        """`users_deactivate` rather than `users_deactivate_create` for extra actions."""
        operation_id = super().get_operation_id()
        if getattr(self.view, "action", None) not in self.STANDARD_ACTIONS:
            operation_id = operation_id.rsplit("_", 1)[0]
        return operation_id

    def get_summary(self) -> str | None:
        """Standard actions are named after their model (`List sessions`); any other
        operation by the first clause of its own docstring, unless it declares a summary."""
        action = getattr(self.view, "action", None)
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        if action in STANDARD_SUMMARIES and model is not None:
            singular = str(model._meta.verbose_name)
            return STANDARD_SUMMARIES[action].format(
                plural=model._meta.verbose_name_plural,
                singular=singular,
                article="an" if singular[0] in "aeio" else "a",
            )
        own_doc = get_doc(getattr(self.view, action or self.method.lower(), None))
        return first_sentence(own_doc or get_doc(type(self.view)))

    def get_override_parameters(self):
        parameters = [*super().get_override_parameters(), REQUEST_ID]
        if self._honours_if_match():
            parameters.append(IF_MATCH)
        if self._honours_idempotency_key():
            parameters += [IDEMPOTENCY_KEY_PARAMETER, REPLAYED]
        if self.view.get_throttles():
            parameters.append(RETRY_AFTER)
        return parameters

    def _honours_if_match(self) -> bool:
        """ConditionalWriteMixin checks If-Match on every write to one record."""
        return (
            isinstance(self.view, ConditionalWriteMixin)
            and self.method in ("PUT", "PATCH", "DELETE", "POST")
            and "{" in self.path
        )

    def _honours_idempotency_key(self) -> bool:
        return isinstance(self.view, IdempotencyMixin) and self.method == "POST"

    def _held_by_mfa_policy(self) -> bool:
        """Every authenticated view refuses staff whom their practice holds to two-factor
        enrolment, but those open to them (`api.auth.mfa.policy`)."""
        return bool(self.view.get_authenticators()) and not getattr(
            self.view, "open_before_mfa_enrolment", False
        )

    def _may_forbid(self) -> bool:
        """Writes may be refused by role or by read-only access; reads by special permissions
        or by the practice's two-factor policy."""
        if self._held_by_mfa_policy() and not self._is_public():
            return True
        if self.method != "GET" and not self._is_public():
            return True
        if self._has_clinical_parameters():
            return True
        return any(
            not isinstance(permission, (AllowAny, IsAuthenticated))
            for permission in self.view.get_permissions()
        )

    def _has_clinical_parameters(self) -> bool:
        """A list whose clinical filters or orderings refuse administrators (403)."""
        filterset = getattr(self.view, "filterset_class", None)
        clinical = getattr(filterset, "clinical_filters", ()) + getattr(
            filterset, "clinical_orderings", ()
        )
        return self._is_list_view() and bool(clinical)

    def _is_public(self) -> bool:
        return all(isinstance(permission, AllowAny) for permission in self.view.get_permissions())

    def _error_statuses(self) -> list[int]:
        statuses = []
        has_body = self.method in ("POST", "PUT", "PATCH")
        if has_body or self._has_query_parameters():
            statuses.append(400)
        statuses.append(401)
        if self._may_forbid():
            statuses.append(403)
        if "{" in self.path or self._honours_idempotency_key():
            statuses.append(404)
        if has_body or self._honours_idempotency_key():
            statuses.append(409)
        if self._honours_if_match():
            statuses.append(412)
        if has_body:
            statuses += [413, 415]
        if self._honours_idempotency_key():
            statuses.append(422)
        if self.view.get_throttles():
            statuses.append(429)
        return statuses

    def _has_query_parameters(self) -> bool:
        declared = [
            parameter
            for parameter in self.get_override_parameters()
            if getattr(parameter, "location", None) == "query"
        ]
        return bool(declared) or any(
            parameter.get("in") == "query"
            for parameter in self._get_filter_parameters() + self._get_pagination_parameters()
        )

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in self._error_statuses():
            if str(status) not in responses:
                description = PROBLEM_DESCRIPTIONS[status]
                if status == 403 and self._held_by_mfa_policy():
                    description = f"{description} {MFA_ENROLMENT_REFUSAL}"
                responses[str(status)] = self._get_response_for_code(
                    OpenApiResponse(ProblemSerializer, description=description),
                    str(status),
                    media_types=[PROBLEM_MEDIA_TYPE],
                )
            elif status == 409 and self._honours_idempotency_key():
                responses["409"]["description"] += (
                    " Or a request with this Idempotency-Key is still being processed."
                )
            if status == 404 and self._honours_idempotency_key():
                responses["404"]["description"] += (
                    " A retry with an Idempotency-Key is replayed only while you may still see"
                    " the record the first request wrote: after that, 404."
                )
        return dict(sorted(responses.items()))

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if self._carries_etag(serializer, status_code):
            response.setdefault("headers", {})["ETag"] = {
                "schema": {"type": "string"},
                "description": ETAG_DESCRIPTION,
            }
        return response

    def _carries_etag(self, serializer, status_code) -> bool:
        """ConditionalWriteMixin tags every successful response holding one record."""
        if isinstance(serializer, OpenApiResponse):
            serializer = serializer.response
        serializer = force_instance(serializer)
        return (
            isinstance(self.view, ConditionalWriteMixin)
            and str(status_code).startswith("2")
            and is_serializer(serializer)
            and not self._is_list_view(serializer)
            and {"id", "updated_at"} <= set(getattr(serializer, "fields", {}))
        )

    def _get_filter_parameters(self):
        """Free-text query parameters (`?search=`) refuse NUL characters, as text fields do."""
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") == "string" and not ({"enum", "format", "pattern"} & set(schema)):
                schema["pattern"] = NO_NUL_CHARACTERS
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """Declare what the fields refuse: repeated items where a list takes each value once
        (`unique_items`), NUL characters in text, text that is blank once trimmed where a
        value is required, and addresses the email validator refuses."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if getattr(field, "unique_items", False):
            schema["uniqueItems"] = True
        text = isinstance(field, serializers.CharField) and schema.get("type") == "string"
        if direction == "request" and isinstance(field, serializers.EmailField):
            schema["pattern"] = EMAIL
        elif direction == "request" and text and not _has_pattern(field, schema):
            trimmed_then_required = field.trim_whitespace and not field.allow_blank
            schema["pattern"] = NOT_BLANK if trimmed_then_required else NO_NUL_CHARACTERS
        return schema

    def _map_basic_serializer(self, serializer, direction):
        """In responses every field is present, so required, except those a serializer leaves
        out for some callers (`response_optional_fields`, e.g. clinical fields for admins)."""
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response":
            omitted = getattr(serializer, "response_optional_fields", ())
            required = [name for name in schema["properties"] if name not in omitted]
            schema.pop("required", None)
            if required:
                schema["required"] = required
        return schema
