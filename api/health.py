"""Liveness and readiness for orchestrators and load balancers: public, and holding no data."""

from django.db import connection
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import ServiceUnavailable
from api.schema import problem

HealthSerializer = inline_serializer("Health", {"status": serializers.CharField()})


class PublicView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]


@extend_schema_view(
    get=extend_schema(tags=["health"], operation_id="health_live", responses=HealthSerializer)
)
class LiveView(PublicView):
    """The process is up and answering (checks nothing else)."""

    def get(self, request):
        return Response({"status": "ok"})


@extend_schema_view(
    get=extend_schema(
        tags=["health"],
        operation_id="health_ready",
        responses={200: HealthSerializer, **problem(503, "The database cannot be reached.")},
    )
)
class ReadyView(PublicView):
    """Ready to serve: the database answers. 503 otherwise, within the connect timeout."""

    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as error:
            raise ServiceUnavailable("The database cannot be reached.") from error
        return Response({"status": "ok"})
