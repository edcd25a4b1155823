"""The demo practice's recurring appointments: a weekly series, so that the calendar views and
a series' changes can be tried; and the clinician's calendar feed (its address is not printed:
rotate it to get one)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from api.auth.calendar.services import feed_create
from api.timezones import practice_today
from clients.models import Client
from sessions.appointments.models import AppointmentSeries
from sessions.appointments.services import series_create
from sessions.models import Modality, SessionKind

DEMO_CLIENT = "DEMO-002"


def load_appointments(practice_id) -> None:
    client = Client.objects.select_related("practice", "primary_clinician").get(
        practice_id=practice_id, external_id=DEMO_CLIENT
    )
    if AppointmentSeries.objects.filter(client=client).exists():
        return
    feed_create(user=client.primary_clinician)
    first_day = practice_today(client.practice) + timedelta(weeks=2)
    series_create(
        by=client.primary_clinician,
        client=client,
        starts_at=datetime.combine(first_day, time(14), tzinfo=ZoneInfo(client.practice.time_zone)),
        interval_weeks=1,
        count=6,
        duration_minutes=50,
        modality=Modality.VIDEO,
        kind=SessionKind.INDIVIDUAL,
    )
