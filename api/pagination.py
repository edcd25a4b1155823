from rest_framework.pagination import CursorPagination


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

    def get_ordering(self, request, queryset, view):
        has_ordering_filter = any(
            hasattr(backend, "get_ordering") for backend in getattr(view, "filter_backends", [])
        )
        ordering = super().get_ordering(request, queryset, view) if has_ordering_filter else None
        ordering = tuple(ordering or getattr(view, "ordering", None) or self.ordering)
        if not {"id", "-id", "pk", "-pk"} & set(ordering):
            ordering += ("id",)
        return ordering
