"""Who reads a feed's address: whoever holds a live one, and nobody else. Revoked, rotated,
unknown and malformed addresses, and a deactivated account's, all get the same 404; every
read is audited without the token; reads are rate-limited per address and per feed, and cost
the same few queries however many sessions the feed holds."""

import logging

import pytest
from django.db import IntegrityError, connection
from icalendar import Calendar

from api.audit.models import AuditEvent, AuditOutcome
from api.auth.calendar.models import CalendarFeed
from api.redaction import RedactSecretPaths, redact_path
from api.secret_tokens import new_token
from api.tenancy import all_practices, practice_scope
from tests.calendar.conftest import FEED, ROTATE, feed_path, token_of
from tests.factories import ClientFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

# Two rate limits (each a read and a write of the shared cache, a database table here), the
# feed's lookup, its sessions with their clients, the time of the read, the audit events.
FEED_READ_QUERIES = 12


def not_found_body(response) -> bytes:
    body = assert_problem(response, 404)
    assert response["Cache-Control"] == "no-store"
    return body


def test_a_revoked_feeds_address_is_a_404(clinician, create_feed, as_user, client):
    url = create_feed(clinician)
    assert client.get(feed_path(url)).status_code == 200

    as_user(clinician).delete(FEED)

    not_found_body(client.get(feed_path(url)))


def test_rotation_kills_the_old_address_and_opens_the_new(clinician, create_feed, as_user, client):
    old = create_feed(clinician)

    new = as_user(clinician).post(ROTATE).json()["url"]

    not_found_body(client.get(feed_path(old)))
    assert client.get(feed_path(new)).status_code == 200


def test_unknown_malformed_revoked_and_deactivated_addresses_answer_alike(
    clinician, colleague, create_feed, as_user, client
):
    revoked = create_feed(colleague)
    as_user(colleague).delete(FEED)
    deactivated = create_feed(clinician)
    clinician.is_active = False
    clinician.save()
    unknown = "/calendar/" + new_token()[0] + ".ics"

    bodies = [
        not_found_body(client.get(path))
        for path in (feed_path(revoked), feed_path(deactivated), unknown, "/calendar/short.ics")
    ]

    assert all(body == bodies[0] for body in bodies)


def test_only_get_reads_a_feed(clinician, create_feed, client):
    path = feed_path(create_feed(clinician))

    refused = client.post(path)

    assert_problem(refused, 405)
    assert refused["Allow"] == "GET, HEAD"
    assert client.head(path).status_code == 200


def test_every_read_is_audited_as_the_feeds_user_without_the_token(
    clinician, create_feed, client, session_at
):
    session_at(2)
    url = create_feed(clinician)
    feed = CalendarFeed.objects.get(user=clinician)

    client.get(feed_path(url))
    client.get(feed_path(url))

    reads = AuditEvent.objects.filter(object_type="calendar_feed", action="read")
    assert reads.count() == 2
    for event in reads:
        assert event.actor_id == clinician.pk
        assert event.practice_id == clinician.practice_id
        assert event.object_id == str(feed.pk)
        assert event.client_id is None  # titled with the label: no client's data served
        assert event.outcome == AuditOutcome.SUCCESS
        assert event.path == "/calendar/[token]"
        assert token_of(url) not in f"{event.path} {event.object_id} {event.user_agent}"


def test_a_feed_titled_with_initials_is_audited_once_per_client_it_named(
    clinician, create_feed, client, session_at, named_client
):
    session_at(2)
    session_at(26)
    second = ClientFactory(primary_clinician=clinician)
    session_at(50, client=second)

    client.get(feed_path(create_feed(clinician, event_title="initials")))

    reads = AuditEvent.objects.filter(object_type="calendar_feed", action="read")
    assert sorted(str(e.client_id) for e in reads) == sorted([str(named_client.pk), str(second.pk)])
    assert {e.path for e in reads} == {"/calendar/[token]"}


def test_reads_of_dead_addresses_are_audited_as_refused(clinician, create_feed, client):
    client.get("/calendar/" + new_token()[0] + ".ics")
    url = create_feed(clinician)
    clinician.is_active = False
    clinician.save()
    client.get(feed_path(url))

    reads = AuditEvent.objects.filter(object_type="calendar_feed", action="read")
    unknown, deactivated = reads.order_by("at", "status_code")
    assert (unknown.actor_id, unknown.practice_id, unknown.status_code) == (None, None, 404)
    assert (deactivated.actor_id, deactivated.status_code) == (clinician.pk, 404)
    assert unknown.outcome == deactivated.outcome == AuditOutcome.DENIED
    assert {unknown.path, deactivated.path} == {"/calendar/[token]"}


def test_the_owner_sees_when_the_feed_was_last_read(clinician, create_feed, as_user, client):
    url = create_feed(clinician)
    assert as_user(clinician).get(FEED).json()["last_fetched_at"] is None

    client.get(feed_path(url))

    assert as_user(clinician).get(FEED).json()["last_fetched_at"] is not None


def test_one_feed_read_too_often_is_429_until_its_time_comes(
    feed_rates, clinician, colleague, create_feed, client
):
    feed_rates(per_feed="3/hour")
    hammered, other = create_feed(clinician), create_feed(colleague)
    for _ in range(3):
        assert client.get(feed_path(hammered)).status_code == 200

    refused = client.get(feed_path(hammered))

    assert_problem(refused, 429)
    assert int(refused["Retry-After"]) >= 1
    assert client.get(feed_path(other)).status_code == 200
    reads = AuditEvent.objects.filter(object_type="calendar_feed", action="read", actor=clinician)
    assert reads.count() == 3  # refused before any lookup


def test_one_address_trying_feeds_is_429(feed_rates, clinician, create_feed, client):
    feed_rates(address="3/hour")
    real = create_feed(clinician)
    for _ in range(3):
        client.get("/calendar/" + new_token()[0] + ".ics")

    assert_problem(client.get(feed_path(real)), 429)
    assert client.get(feed_path(real), REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_read_costs_the_same_queries_for_one_session_as_for_many(
    clinician, create_feed, session_at, client, django_assert_num_queries
):
    url = create_feed(clinician, event_title="initials")
    session_at(1)
    with django_assert_num_queries(FEED_READ_QUERIES):
        one = client.get(feed_path(url))
    for hours in range(2, 12):
        session_at(hours, client=ClientFactory(primary_clinician=clinician))
    with django_assert_num_queries(FEED_READ_QUERIES):
        many = client.get(feed_path(url))

    assert len(Calendar.from_ical(one.content).walk("VEVENT")) == 1
    assert len(Calendar.from_ical(many.content).walk("VEVENT")) == 11
    reads = AuditEvent.objects.filter(object_type="calendar_feed", action="read")
    assert reads.count() == 1 + 11  # one per client named, in one insert


@pytest.mark.parametrize(
    ("path", "written"),
    [
        ("/calendar/Xq3pQ9w2Lk5Vt8bN1mZr4Hs7Jd0Fy6Gc2Ae9Ru3Io5P.ics", "/calendar/[token]"),
        ("/calendar/Xq3pQ9w2Lk5Vt8bN1mZr4Hs7Jd0Fy6Gc2Ae9Ru3Io5P.ics?x=1", "/calendar/[token]?x=1"),
        ("/calendar/anything at all", "/calendar/[token]"),
        ("/api/v1/calendar-feed/rotate/", "/api/v1/calendar-feed/rotate/"),
    ],
)
def test_the_token_of_a_feeds_address_is_redacted_wherever_a_path_is_written(path, written):
    assert redact_path(path) == written


def test_a_logged_feed_address_keeps_no_token():
    token = new_token()[0]
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        (f"/calendar/{token}.ics",),
        None,
    )

    RedactSecretPaths().filter(record)

    assert record.getMessage() == "Not Found: /calendar/[token]"


def test_a_feed_belongs_to_its_users_practice(clinician, outsider, create_feed):
    create_feed(clinician)
    feed = CalendarFeed.objects.get(user=clinician)

    assert feed.practice_id == clinician.practice_id
    if connection.vendor != "postgresql":
        return  # SQLite: the services alone set it
    with pytest.raises(IntegrityError), all_practices():
        CalendarFeed.objects.filter(pk=feed.pk).update(practice_id=outsider.practice_id)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level security is PostgreSQL's")
def test_another_practices_scope_sees_and_changes_no_feed(clinician, outsider, create_feed):
    create_feed(clinician)

    with practice_scope(outsider.practice_id):
        seen = CalendarFeed.objects.count()
        rotated = CalendarFeed.objects.update(token_digest="0" * 64)
    with practice_scope(clinician.practice_id):
        own = CalendarFeed.objects.count()

    assert (seen, rotated, own) == (0, 0, 1)
    assert CalendarFeed.objects.get(user=clinician).token_digest != "0" * 64
