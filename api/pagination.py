import hashlib
import json

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.utils.urls import replace_query_param

from api.encryption import DecryptionError, decrypt, encrypt

FOREIGN_CURSOR = "Not a cursor this list gave you: start again from the first page."
CURSOR_LIFETIME_SECONDS = 24 * 60 * 60  # a cursor is for paging now, not a bookmark


class CursorPage(CursorPagination):
    """Keyset pagination: page 1,000 costs what page 1 costs, and rows never shift between pages.

    The order is the view's `ordering` (or the `?ordering=` a view's OrderingFilter accepts),
    always ending in `id`, so that rows which tie on the ordering keep one stable order and the
    cursor neither repeats nor skips them. Views without an ordering list newest first.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "id")

    def get_page_size(self, request):
        """`page_size` must be a whole number from 1; above the maximum it is capped."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        # Only ASCII digits: str.isdigit() also accepts "¹" and "٣", and int() chokes on the one
        # and on numbers longer than 4,300 digits.
        digits = raw.lstrip("0") if raw.isascii() and raw.isdigit() else None
        if not digits:
            raise ValidationError({"page_size": ["Give a whole number from 1 (at most 200)."]})
        if len(digits) > len(str(self.max_page_size)):
            return self.max_page_size
        return min(int(digits), self.max_page_size)

    # A cursor holds the last row's sort value, a client's family name say: it is encrypted, so
    # no name ends up in a URL, a log or a browser's history. It is bound to who received it and
    # for which list and order, so that nobody can replay it elsewhere and have its value
    # compared with another column (and echoed in an error).
    def decode_cursor(self, request):
        self._binding = self._binding_for(request)
        token = request.query_params.get(self.cursor_query_param)
        if token is None:
            return None
        try:
            plain = decrypt(token, "a cursor", max_age=CURSOR_LIFETIME_SECONDS)
            offset, reverse, position, binding = json.loads(plain)
            if not (isinstance(offset, int) and 0 <= offset <= self.offset_cutoff):
                raise ValueError(offset)
            if binding != self._binding:
                raise ValueError("another list, order or user")
        except (DecryptionError, ValueError, TypeError) as error:
            raise ValidationError({"cursor": [FOREIGN_CURSOR]}) from error
        return Cursor(offset=offset, reverse=bool(reverse), position=position)

    def encode_cursor(self, cursor):
        token = encrypt(json.dumps([cursor.offset, cursor.reverse, cursor.position, self._binding]))
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def _binding_for(self, request) -> str:
        scope = f"{request.user.pk}|{request.path}|{','.join(self.ordering)}"
        return hashlib.sha256(scope.encode()).hexdigest()[:32]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = "Rows per page (default 50); above 200 is capped."
        return parameters

    def get_ordering(self, request, queryset, view):
        has_ordering_filter = any(
            hasattr(backend, "get_ordering") for backend in getattr(view, "filter_backends", [])
        )
        ordering = super().get_ordering(request, queryset, view) if has_ordering_filter else None
        ordering = tuple(ordering or getattr(view, "ordering", None) or self.ordering)
        if not {"id", "-id", "pk", "-pk"} & set(ordering):
            ordering += ("id",)
        return ordering
