"""One's own calendar feed: read its settings, create it, change its title, rotate its address,
revoke it. Clinicians and supervisors have appointments; administrators have none and are
refused (403). Every request is audited (`calendar_feed`), never with the token.

No Idempotency-Key here, unlike other POSTs: a kept response would hold the feed's address,
which is shown once and stored nowhere."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.atomic import AtomicRequestMixin
from api.audit.mixins import AuditedViewMixin
from api.audit.models import AuditAction
from api.auth.calendar import services
from api.auth.calendar.models import CalendarFeed
from api.auth.calendar.serializers import CalendarFeedSerializer, IssuedCalendarFeedSerializer
from api.schema import problem

# The route of the feed itself (sessions/calendar/urls.py), outside /api/.
FEED_ROUTE = "calendar-feed-ics"
NO_FEED = "You have no calendar feed."


class HasAppointments(BasePermission):
    message = "Administrators have no appointments, so no calendar feed."

    def has_permission(self, request, view) -> bool:
        return request.user.is_clinical


class OwnFeedMixin(AuditedViewMixin, AtomicRequestMixin):
    permission_classes = [IsAuthenticated, HasAppointments]
    audit_object_type = "calendar_feed"
    _feed_id = None  # kept apart from the feed, which forgets its id once deleted

    def own_feed(self) -> CalendarFeed:
        feed = CalendarFeed.objects.filter(user=self.request.user).first()
        if feed is None:
            raise NotFound(NO_FEED)
        self._feed_id = feed.pk
        return feed

    def issued(self, feed: CalendarFeed, token: str, status_code: int) -> Response:
        feed.url = self.request.build_absolute_uri(reverse(FEED_ROUTE, kwargs={"token": token}))
        return Response(IssuedCalendarFeedSerializer(feed).data, status=status_code)

    def _audit_object_id(self, response):
        return self._feed_id


@extend_schema(tags=["calendar"])
@extend_schema_view(
    get=extend_schema(
        operation_id="calendar_feed_retrieve",
        summary="Read your calendar feed",
        responses={200: CalendarFeedSerializer, **problem(404, NO_FEED)},
    ),
    post=extend_schema(
        operation_id="calendar_feed_create",
        summary="Create your calendar feed",
        request=CalendarFeedSerializer,
        responses={201: IssuedCalendarFeedSerializer},
    ),
    patch=extend_schema(
        operation_id="calendar_feed_partial_update",
        summary="Change your calendar feed's titles",
        request=CalendarFeedSerializer,
        responses={200: CalendarFeedSerializer, **problem(404, NO_FEED)},
    ),
    delete=extend_schema(
        operation_id="calendar_feed_destroy",
        summary="Revoke your calendar feed",
        responses={204: None, **problem(404, NO_FEED)},
    ),
)
class CalendarFeedView(OwnFeedMixin, APIView):
    """Your private calendar feed: an iCalendar address of your appointments (your sessions
    from 90 days ago to a year ahead) for Google, Outlook or Apple Calendar. Creating it answers
    its address, once (201; a second feed is a 409: rotate instead); reading it answers its
    settings only. Events carry the time, the modality and, as their title, the feed's label or
    the client's initials (`event_title`): never a name, a note or anything clinical. Revoking it
    (DELETE, 204) stops its address at once. No feed: 404. Administrators: 403."""

    def get(self, request):
        return Response(CalendarFeedSerializer(self.own_feed()).data)

    def post(self, request):
        serializer = CalendarFeedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feed, token = services.feed_create(user=request.user, **serializer.validated_data)
        self._feed_id = feed.pk
        return self.issued(feed, token, status.HTTP_201_CREATED)

    def patch(self, request):
        feed = self.own_feed()
        serializer = CalendarFeedSerializer(feed, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        feed = services.feed_update(feed=feed, **serializer.validated_data)
        return Response(CalendarFeedSerializer(feed).data)

    def delete(self, request):
        services.feed_revoke(feed=self.own_feed())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _audit_action(self, request, response) -> str:
        if request.method == "POST":
            return AuditAction.CREATE
        if request.method == "DELETE":
            return AuditAction.DELETE
        return super()._audit_action(request, response)


@extend_schema(tags=["calendar"])
@extend_schema_view(
    post=extend_schema(
        operation_id="calendar_feed_rotate",
        summary="Give your calendar feed a new address",
        request=None,
        responses={200: IssuedCalendarFeedSerializer, **problem(404, NO_FEED)},
    )
)
class CalendarFeedRotateView(OwnFeedMixin, APIView):
    """Give your calendar feed a new address, shown only this once: the old one stops working
    at once (subscribe to the new one in your calendar app). The titles stay as they were. No
    feed: 404. Administrators: 403."""

    def post(self, request):
        feed = self.own_feed()
        token = services.feed_rotate(feed=feed)
        return self.issued(feed, token, status.HTTP_200_OK)
