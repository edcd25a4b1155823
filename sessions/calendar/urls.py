"""The calendar feed as calendar apps read it, served at /calendar/<token>.ics (api/urls.py)."""

from django.urls import path

from sessions.calendar.views import calendar_feed

urlpatterns = [
    path("<str:token>.ics", calendar_feed, name="calendar-feed-ics"),
]
