"""Creating, changing, rotating and revoking one's calendar feed, and finding a feed by the token
in its address. The token is returned once, by `feed_create` and `feed_rotate`, and never
stored: only its digest is."""

from django.utils import timezone

from api.auth.calendar.models import CalendarFeed
from api.auth.models import User
from api.exceptions import Conflict
from api.secret_tokens import digest, is_token_shaped, new_token
from api.tenancy import all_practices


def feed_create(*, user: User, **settings) -> tuple[CalendarFeed, str]:
    """A new feed for `user` with `settings` (`event_title`, `label`), and its token. One feed
    per person: with one already, a 409 (rotate or revoke it instead)."""
    if CalendarFeed.objects.filter(user=user).exists():
        raise Conflict("You already have a calendar feed: rotate it for a new address.")
    token, token_digest = new_token()
    feed = CalendarFeed.objects.create(
        user=user,
        practice_id=user.practice_id,
        token_digest=token_digest,
        issued_at=timezone.now(),
        **settings,
    )
    return feed, token


def feed_update(*, feed: CalendarFeed, **settings) -> CalendarFeed:
    """Change how the feed titles its events; its address stays."""
    for field, value in settings.items():
        setattr(feed, field, value)
    feed.save(update_fields=[*settings, "updated_at"])
    return feed


def feed_rotate(*, feed: CalendarFeed) -> str:
    """A new address for the feed: the old one stops working at once. Returns the new token."""
    token, feed.token_digest = new_token()
    feed.issued_at = timezone.now()
    feed.last_fetched_at = None
    feed.save(update_fields=["token_digest", "issued_at", "last_fetched_at", "updated_at"])
    return token


def feed_revoke(*, feed: CalendarFeed) -> None:
    """The feed is forgotten: its address stops working at once."""
    feed.delete()


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed whose address holds `token`, with its user; None if none does. Looked up across
    practices (the token is the only credential, as an email is at sign-in); whoever uses the
    feed then works in its practice's scope."""
    if not is_token_shaped(token):
        return None
    with all_practices():
        return (
            CalendarFeed.objects.select_related("user").filter(token_digest=digest(token)).first()
        )


def is_open(feed: CalendarFeed) -> bool:
    """A feed serves its user's appointments while they are active staff with a clinical role
    (a deactivated account's feed answers as an unknown one does)."""
    return feed.user.is_active and feed.user.is_clinical


def fetched(*, feed: CalendarFeed, at) -> None:
    """Remember the feed's latest fetch, which its owner reads. Run in the feed's practice."""
    feed.last_fetched_at = at
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=at)
