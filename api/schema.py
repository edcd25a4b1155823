"""OpenAPI generation: every operation documents its problem responses."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated

from api.problems import PROBLEM_MEDIA_TYPE

PROBLEM_DESCRIPTIONS = {
    400: "The request is invalid; `errors` names each field.",
    401: (
        "Missing, invalid or expired credentials. A refused token's `type` says why: "
        "`urn:rootwise:problem:token-expired`, `urn:rootwise:problem:token-revoked` (sign in "
        "again) or `urn:rootwise:problem:token-invalid`."
    ),
    403: "Your role may not do this.",
    404: "No such resource, or not one you may see.",
    406: "None of the requested media types can be produced.",
    409: "The request conflicts with the record's current state.",
    412: "The record changed since the ETag given in If-Match.",
    413: "The request body is too large.",
    415: "The request body must be application/json.",
    429: "Too many requests; retry after the number of seconds in Retry-After.",
    503: "Temporarily unavailable (the database cannot be reached); retry shortly.",
}


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


class ProblemAutoSchema(AutoSchema):
    """Adds the problem responses any operation can give, from what the view declares."""

    STANDARD_ACTIONS = frozenset(
        {"list", "retrieve", "create", "update", "partial_update", "destroy", None}
    )

    def get_operation_id(self) -> str:
        """`users_deactivate` rather than `users_deactivate_create` for extra actions."""
        operation_id = super().get_operation_id()
        if getattr(self.view, "action", None) not in self.STANDARD_ACTIONS:
            operation_id = operation_id.rsplit("_", 1)[0]
        return operation_id

    def _may_forbid(self) -> bool:
        """Writes may be refused by role or by read-only access; reads by special permissions."""
        if self.method != "GET" and not self._is_public():
            return True
        return any(
            not isinstance(permission, (AllowAny, IsAuthenticated))
            for permission in self.view.get_permissions()
        )

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
        if "{" in self.path:
            statuses.append(404)
        if has_body:
            statuses.append(415)
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
                responses[str(status)] = self._get_response_for_code(
                    OpenApiResponse(ProblemSerializer, description=PROBLEM_DESCRIPTIONS[status]),
                    str(status),
                    media_types=[PROBLEM_MEDIA_TYPE],
                )
        return dict(sorted(responses.items()))

    def _map_basic_serializer(self, serializer, direction):
        """Fields a serializer omits for some callers (`clinical_fields`, hidden from admins)
        are documented as optional in responses."""
        schema = super()._map_basic_serializer(serializer, direction)
        omitted = getattr(serializer, "clinical_fields", ())
        if direction == "response" and omitted and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in omitted]
        return schema


def add_links(result, generator, request, public):
    """OpenAPI links from each create to the operations on what it created, so generated
    clients and stateful testers can follow `id` from one call to the next."""
    paths = result.get("paths", {})
    for path, operations in paths.items():
        created = operations.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        links = {}
        for detail_path, detail_operations in paths.items():
            if not detail_path.startswith(path + "{id}/"):
                continue
            for operation in detail_operations.values():
                operation_id = operation["operationId"]
                links[operation_id] = {
                    "operationId": operation_id,
                    "parameters": {"id": "$response.body#/id"},
                }
        if links:
            created["links"] = dict(sorted(links.items()))
    return result
