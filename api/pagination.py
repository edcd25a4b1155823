from rest_framework.pagination import CursorPagination


class CursorPage(CursorPagination):
    """Keyset pagination: page 1,000 costs what page 1 costs, and rows never shift between pages.

    A view may set `cursor_ordering`; otherwise lists run newest first.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "id")

    def get_ordering(self, request, queryset, view):
        return getattr(view, "cursor_ordering", None) or super().get_ordering(
            request, queryset, view
        )
