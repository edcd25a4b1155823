from rest_framework import serializers

from progress.work_queue.selectors import LIMIT_PER_REASON, Reason, RecordType

DUE_HELP = (
    "When the item joined the queue (UTC); for an appointment, when it starts. "
    "`note_unsigned`: the session's end plus the practice's `note_signing_hours`; "
    "`cosign_awaited`: when the note was signed; `risk_flag_open`: the start of the day it was "
    "raised; `homework_overdue`: the start of the day after its due date; `reassessment_due`: "
    "the start of the day `reassessment_days` after the latest administration, or the moment "
    "a measure schedule's latest invitation expired unanswered. Days are the practice's."
)


class WorkItemRecordSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        source="record_type", choices=RecordType.choices, help_text="What the record is."
    )
    id = serializers.UUIDField(source="record_id")


class WorkItemClientSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="client_id")
    display_name = serializers.CharField(
        source="client_name",
        help_text="The preferred name, or else the given name, and the family name.",
    )


class WorkItemSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Reason.choices)
    record = WorkItemRecordSerializer(source="*", help_text="The record the item is about.")
    client = WorkItemClientSerializer(source="*")
    due = serializers.DateTimeField(help_text=DUE_HELP)
    link = serializers.CharField(help_text="The API path of the record.")
    instruments = serializers.ListField(
        child=serializers.CharField(),
        help_text=(
            "For `reassessment_due`: the instrument due (from an administration) or the "
            "schedule's instruments; empty otherwise."
        ),
    )


class WorkQueueSerializer(serializers.Serializer):
    results = WorkItemSerializer(
        source="items",
        many=True,
        help_text=(
            "Reason by reason (risk flags, appointments today, unsigned notes, co-signatures, "
            "overdue homework, reassessment), each by `due`, oldest first; at most "
            f"{LIMIT_PER_REASON} per reason."
        ),
    )
    truncated = serializers.ListField(
        child=serializers.ChoiceField(choices=Reason.choices),
        help_text=(
            f"The reasons with more than {LIMIT_PER_REASON} items, of which only the first "
            f"{LIMIT_PER_REASON} are listed; the summary counts them all."
        ),
    )


class WorkQueueSummarySerializer(serializers.Serializer):
    """How many items wait, per reason: all of them, where the list shows at most
    LIMIT_PER_REASON of each."""

    risk_flag_open = serializers.IntegerField(min_value=0)
    appointment_today = serializers.IntegerField(min_value=0)
    note_unsigned = serializers.IntegerField(min_value=0)
    cosign_awaited = serializers.IntegerField(min_value=0)
    homework_overdue = serializers.IntegerField(min_value=0)
    reassessment_due = serializers.IntegerField(min_value=0)
    total = serializers.IntegerField(min_value=0, help_text="All reasons together.")
