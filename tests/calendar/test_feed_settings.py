"""A clinician's own calendar feed through the API: created with its address shown once, read
without it, retitled, rotated and revoked; one per person, none for administrators, and nobody
else's to read or change."""

import hashlib

import pytest
from django.db import connection

from api.audit.models import AuditEvent, AuditOutcome
from api.auth.calendar.models import CalendarFeed
from api.secret_tokens import is_token_shaped
from tests.calendar.conftest import FEED, ROTATE, feed_path, token_of
from tests.helpers import as_each, assert_problem

pytestmark = pytest.mark.django_db

STATE_KEYS = {"event_title", "label", "issued_at", "last_fetched_at", "created_at"}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@as_each("clinician", "supervisor")
def test_a_clinician_creates_a_feed_whose_address_is_shown_once(person, as_user):
    api = as_user(person)

    created = api.post(FEED, {}, format="json")

    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) == {"url", *STATE_KEYS}
    assert body["url"].startswith("http://testserver/calendar/")
    assert is_token_shaped(token_of(body["url"]))
    assert body["event_title"] == "label"
    assert body["label"] == "Client session"
    assert body["last_fetched_at"] is None
    read = api.get(FEED)
    assert read.status_code == 200
    assert set(read.json()) == STATE_KEYS
    assert token_of(body["url"]) not in read.content.decode()


def test_the_token_is_stored_only_as_its_digest(clinician, create_feed):
    token = token_of(create_feed(clinician))

    feed = CalendarFeed.objects.get(user=clinician)
    assert feed.token_digest == sha256(token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_calendarfeed")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert token not in stored


def test_two_feeds_are_made_of_different_tokens_of_256_bits(clinician, supervisor, create_feed):
    first, second = token_of(create_feed(clinician)), token_of(create_feed(supervisor))

    assert first != second
    assert len(first) == 43  # 32 bytes, unpadded URL-safe base64


def test_the_title_is_chosen_at_creation_and_changed_later(clinician, as_user):
    api = as_user(clinician)

    created = api.post(FEED, {"event_title": "initials"}, format="json")
    changed = api.patch(FEED, {"event_title": "label", "label": "Therapy"}, format="json")

    assert created.json()["event_title"] == "initials"
    assert changed.status_code == 200, changed.content
    assert changed.json()["event_title"] == "label" and changed.json()["label"] == "Therapy"
    feed = CalendarFeed.objects.get(user=clinician)
    assert (feed.event_title, feed.label) == ("label", "Therapy")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event_title": "full_name"}, "event_title"),
        ({"label": ""}, "label"),
        ({"label": "   "}, "label"),
        ({"label": "x" * 61}, "label"),
        ({"label": 5}, "label"),
    ],
)
def test_bad_settings_are_a_400_that_changes_nothing(clinician, as_user, body, field):
    api = as_user(clinician)
    assert api.post(FEED, {"label": "Session"}, format="json").status_code == 201

    refused_change = api.patch(FEED, body, format="json")

    assert_problem(refused_change, 400, field)
    feed = CalendarFeed.objects.get(user=clinician)
    assert (feed.event_title, feed.label) == ("label", "Session")
    CalendarFeed.objects.all().delete()
    assert_problem(api.post(FEED, body, format="json"), 400, field)
    assert not CalendarFeed.objects.exists()


def test_a_second_feed_is_a_409_and_the_first_keeps_its_address(clinician, as_user):
    api = as_user(clinician)
    api.post(FEED, {}, format="json")
    digest = CalendarFeed.objects.get(user=clinician).token_digest

    assert_problem(api.post(FEED, {"event_title": "initials"}, format="json"), 409)

    feed = CalendarFeed.objects.get(user=clinician)
    assert (feed.token_digest, feed.event_title) == (digest, "label")


def test_rotating_gives_a_new_address_and_keeps_the_titles(clinician, as_user, create_feed):
    old = create_feed(clinician, event_title="initials")

    rotated = as_user(clinician).post(ROTATE)

    assert rotated.status_code == 200, rotated.content
    assert set(rotated.json()) == {"url", *STATE_KEYS}
    new = rotated.json()["url"]
    assert feed_path(new) != feed_path(old)
    feed = CalendarFeed.objects.get(user=clinician)
    assert feed.token_digest == sha256(token_of(new))
    assert feed.event_title == "initials"


def test_revoking_forgets_the_feed(clinician, as_user, create_feed):
    create_feed(clinician)
    api = as_user(clinician)

    revoked = api.delete(FEED)

    assert revoked.status_code == 204
    assert not CalendarFeed.objects.exists()
    assert_problem(api.get(FEED), 404)
    assert api.post(FEED, {}, format="json").status_code == 201  # a new one may follow


def test_without_a_feed_reading_changing_rotating_and_revoking_are_404(clinician, as_user):
    api = as_user(clinician)

    for response in (
        api.get(FEED),
        api.patch(FEED, {"label": "Session"}, format="json"),
        api.post(ROTATE),
        api.delete(FEED),
    ):
        assert_problem(response, 404)
    assert not CalendarFeed.objects.exists()


@as_each("admin", "stranger")
def test_administrators_have_no_appointments_and_no_feed(person, as_user):
    api = as_user(person)

    for response in (
        api.get(FEED),
        api.post(FEED, {}, format="json"),
        api.patch(FEED, {"label": "Session"}, format="json"),
        api.post(ROTATE),
        api.delete(FEED),
    ):
        assert_problem(response, 403)
    assert not CalendarFeed.objects.exists()


@as_each("colleague", "other_supervisor", "outsider", "mfa_outsider")
def test_nobody_else_reads_rotates_or_revokes_a_clinicians_feed(
    person, clinician, as_user, create_feed
):
    url = create_feed(clinician, event_title="initials")
    before = CalendarFeed.objects.values().get(user=clinician)
    api = as_user(person)

    for response in (
        api.get(FEED),
        api.patch(FEED, {"label": "Session"}, format="json"),
        api.post(ROTATE),
        api.delete(FEED),
    ):
        assert_problem(response, 404)
    assert CalendarFeed.objects.values().get(user=clinician) == before
    assert token_of(url) not in str(before)


def test_signed_out_callers_get_401(api_client, clinician, create_feed):
    create_feed(clinician)

    for response in (api_client.get(FEED), api_client.post(ROTATE), api_client.delete(FEED)):
        assert_problem(response, 401)
    assert CalendarFeed.objects.count() == 1


def test_every_request_is_audited_without_the_token(clinician, as_user, create_feed):
    token = token_of(create_feed(clinician))
    api = as_user(clinician)
    rotated = token_of(api.post(ROTATE).json()["url"])
    api.get(FEED)
    api.delete(FEED)
    api.delete(FEED)

    events = AuditEvent.objects.filter(object_type="calendar_feed").order_by("at", "id")
    assert [(e.action, e.status_code, e.outcome) for e in events] == [
        ("create", 201, AuditOutcome.SUCCESS),
        ("update", 200, AuditOutcome.SUCCESS),
        ("read", 200, AuditOutcome.SUCCESS),
        ("delete", 204, AuditOutcome.SUCCESS),
        ("delete", 404, AuditOutcome.DENIED),
    ]
    assert {e.actor_id for e in events} == {clinician.pk}
    assert len({e.object_id for e in events[:4]}) == 1 and events[0].object_id
    written = " ".join(f"{e.path} {e.object_id}" for e in AuditEvent.objects.all())
    assert token not in written and rotated not in written
