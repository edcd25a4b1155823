from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from api.exceptions import INCONSISTENT, PAST
from api.fields import ScopedRelatedField
from api.strict_input import BoundedListField
from api.timezones import practice_today
from assessments.instruments import INSTRUMENT_CHOICES, INSTRUMENTS
from assessments.measures.models import (
    Channel,
    InvitationStatus,
    MeasureInvitation,
    MeasureSchedule,
    ScheduleKind,
    ScheduleStatus,
)
from clients.access import clinical_clients
from clients.models import Client
from clients.serializers import ClientNameField

DAYS_1_TO_30 = {"min_value": 1, "max_value": 30}


class InstrumentsField(BoundedListField):
    """One or more instruments, each once."""

    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.ChoiceField(choices=INSTRUMENT_CHOICES),
            min_length=1,
            max_length=len(INSTRUMENTS),
            help_text="The instruments the client is asked to complete, in the order shown.",
            **kwargs,
        )

    def to_internal_value(self, data):
        codes = super().to_internal_value(data)
        if len(set(codes)) != len(codes):
            raise serializers.ValidationError("Name each instrument once.", INCONSISTENT)
        return codes


class MeasureScheduleSerializer(serializers.ModelSerializer):
    """When a client is sent which instruments to complete from a link.

    - `once`: on `starts_on`.
    - `every`: every `interval` `interval_unit` from `starts_on`, until `ends_on` or
      `max_sends` invitations, if given.
    - `before_session`: `hours_before_session` hours before each of the client's scheduled
      sessions.

    Invitations go out at 09:00 on the practice's calendar; `next_due_at` says when the next
    will (null when the schedule sends around sessions, is paused or stopped, or has ended)."""

    client = ScopedRelatedField(Client, scope=clinical_clients)
    client_name = ClientNameField()
    instruments = InstrumentsField()
    status = serializers.ChoiceField(
        choices=ScheduleStatus.choices,
        required=False,
        help_text="`paused` stops sending until `active` again (dates missed meanwhile are "
        "skipped); `stopped` ends the schedule for good. New schedules are active.",
    )

    class Meta:
        model = MeasureSchedule
        fields = [
            "id",
            "client",
            "client_name",
            "instruments",
            "kind",
            "starts_on",
            "interval",
            "interval_unit",
            "ends_on",
            "max_sends",
            "hours_before_session",
            "reminder_after_days",
            "expires_after_days",
            "channel",
            "status",
            "next_due_at",
            "sends",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "next_due_at", "sends", "created_by", "created_at", "updated_at"]
        extra_kwargs = {
            "interval": {"min_value": 1, "max_value": 52},
            "max_sends": {"min_value": 1, "max_value": 500},
            "hours_before_session": {"min_value": 1, "max_value": 168},
            "reminder_after_days": {
                **DAYS_1_TO_30,
                "help_text": "Days after an invitation is sent before one reminder, with a new "
                "link, goes to a client who has not answered; null for none.",
            },
            "expires_after_days": {
                **DAYS_1_TO_30,
                "help_text": "Days an invitation's link stays open; null for the practice's "
                "default (`measure_expiry_days`).",
            },
        }

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["client"].read_only = True
        return fields

    def validate(self, attrs: dict) -> dict:
        merged = {
            name: attrs.get(name, getattr(self.instance, name, None))
            for name in self.Meta.fields
            if name not in self.Meta.read_only_fields
        }
        errors = timing_errors(merged, practice_today(self.context["request"].user.practice))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


TIMING_FIELDS = {
    "starts_on",
    "interval",
    "interval_unit",
    "ends_on",
    "max_sends",
    "hours_before_session",
}


def inconsistent(message: str) -> ErrorDetail:
    return ErrorDetail(message, INCONSISTENT)


def timing_errors(schedule: dict, today) -> dict:
    """What a schedule of its kind must say, and may not."""
    kind = schedule["kind"]
    needed = {
        ScheduleKind.ONCE: ["starts_on"],
        ScheduleKind.EVERY: ["starts_on", "interval", "interval_unit"],
        ScheduleKind.BEFORE_SESSION: ["hours_before_session"],
    }[kind]
    allowed = {
        ScheduleKind.ONCE: {"starts_on"},
        ScheduleKind.EVERY: {"starts_on", "interval", "interval_unit", "ends_on", "max_sends"},
        ScheduleKind.BEFORE_SESSION: {"hours_before_session"},
    }[kind]
    errors = {}
    for name in needed:
        if schedule.get(name) in (None, ""):
            errors[name] = [inconsistent(f"A schedule sent {kind.replace('_', ' ')} needs this.")]
    for name in sorted(TIMING_FIELDS - allowed):
        if schedule.get(name) not in (None, ""):
            errors[name] = [
                inconsistent(f"A schedule sent {kind.replace('_', ' ')} has no {name}.")
            ]
    starts_on, ends_on = schedule.get("starts_on"), schedule.get("ends_on")
    if "starts_on" not in errors and kind == ScheduleKind.ONCE and starts_on and starts_on < today:
        errors["starts_on"] = [ErrorDetail("The date has passed: choose today or later.", PAST)]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [inconsistent("The schedule cannot end before it starts.")]
    return errors


# What a clinician sends an invitation with: whom, which instruments, how, how long.
INVITATION_WRITABLE = ("client", "instruments", "channel", "expires_after_days")


class MeasureInvitationSerializer(serializers.ModelSerializer):
    """A request to a client to complete instruments from a link sent to them. The link itself
    is never shown again: only the client's message carries it."""

    client = ScopedRelatedField(Client, scope=clinical_clients)
    client_name = ClientNameField()
    instruments = InstrumentsField()
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.EMAIL)
    status = serializers.ChoiceField(choices=InvitationStatus.choices, read_only=True)
    expires_after_days = serializers.IntegerField(
        write_only=True,
        required=False,
        allow_null=True,
        **DAYS_1_TO_30,
        help_text="Days the link stays open; the practice's default when left out.",
    )

    class Meta:
        model = MeasureInvitation
        fields = [
            "id",
            "client",
            "client_name",
            "instruments",
            "channel",
            "status",
            "schedule",
            "session",
            "expires_after_days",
            "expires_at",
            "sent_at",
            "reminded_at",
            "opened_at",
            "completed_at",
            "revoked_at",
            "revoked_by",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [name for name in fields if name not in INVITATION_WRITABLE]
