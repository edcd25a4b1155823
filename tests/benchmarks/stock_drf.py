"""A stock DRF baseline for the client list: ModelViewSet, ModelSerializer and page-number
pagination over Rootwise's tables, the way the DRF tutorial would write it. Not product code.

Served with `DJANGO_SETTINGS_MODULE=tests.benchmarks.stock_drf_settings` at
`/api/v1/clients/`. It keeps Rootwise's middleware, JWT authentication and access rule (the
same rows) and a `prefetch_related` for the two nested lists (without it, 20 rows cost 40 more
queries and the comparison means nothing); it has no annotations (sessions count, last
session, open risk flags), no audit event, no ETags, idempotency or filters, and page-number
pagination counts the rows on every page.
"""

from django.urls import include, path
from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import SimpleRouter

from clients.access import client_access
from clients.models import Client, PresentingRoot


class StockPresentingRootSerializer(serializers.ModelSerializer):
    class Meta:
        model = PresentingRoot
        fields = ["root", "severity", "is_primary", "note"]


class StockClientSerializer(serializers.ModelSerializer):
    presenting_roots = StockPresentingRootSerializer(many=True, read_only=True)

    class Meta:
        model = Client
        exclude = ["practice"]


class StockPage(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200


class StockClientViewSet(viewsets.ModelViewSet):
    serializer_class = StockClientSerializer
    pagination_class = StockPage

    def get_queryset(self):
        return (
            Client.objects.filter(client_access(self.request.user))
            .prefetch_related("care_team", "presenting_roots")
            .order_by("family_name", "given_name", "id")
        )


router = SimpleRouter()
router.register("clients", StockClientViewSet, basename="stock-client")

urlpatterns = [path("api/v1/", include(router.urls))]
