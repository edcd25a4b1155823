from rest_framework import serializers

from api.auth.calendar.models import CalendarFeed


class CalendarFeedSerializer(serializers.ModelSerializer):
    """Your calendar feed, without its address (which is shown only when it is issued)."""

    class Meta:
        model = CalendarFeed
        fields = ["event_title", "label", "issued_at", "last_fetched_at", "created_at"]
        read_only_fields = ["issued_at", "last_fetched_at", "created_at"]
        extra_kwargs = {
            "event_title": {
                "help_text": (
                    "What each event is called: `label` (the feed's label, for every event) or "
                    "`initials` (the client's initials). Nothing else about the client is ever "
                    "in the feed."
                )
            },
            "label": {
                "help_text": (
                    'The title of every event when `event_title` is `label`, e.g. "Client '
                    "session\". Calendar providers store it: write no client's name here."
                )
            },
            "last_fetched_at": {
                "help_text": "When a calendar app last read the feed at its current address."
            },
        }


class IssuedCalendarFeedSerializer(CalendarFeedSerializer):
    """Your calendar feed and its new address, shown only this once."""

    url = serializers.URLField(
        read_only=True,
        help_text=(
            "The feed's private address: subscribe to it in your calendar app. Shown only now; "
            "anyone who has it reads your appointments, so keep it to yourself (rotate the feed "
            "if it leaked)."
        ),
    )

    class Meta(CalendarFeedSerializer.Meta):
        fields = ["url", *CalendarFeedSerializer.Meta.fields]
