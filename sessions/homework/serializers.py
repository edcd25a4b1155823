from rest_framework import serializers

from api.exceptions import CONFLICT, INCONSISTENT
from api.fields import ScopedRelatedField
from api.timezones import practice_today
from api.vocabulary import Strategy
from clients.access import clinical_clients
from clients.models import Client
from clients.serializers import ClientNameField
from sessions.homework.models import Homework, HomeworkTemplate
from sessions.models import Session
from sessions.selectors import clinical_sessions
from sessions.serializers import RootCodesField


def visible_templates(user):
    """Built-in templates and the user's practice's own."""
    return HomeworkTemplate.objects.filter(practice__isnull=True) | HomeworkTemplate.objects.filter(
        practice_id=user.practice_id
    )


class HomeworkTemplateSerializer(serializers.ModelSerializer):
    """A reusable piece of homework. Built-in templates are read-only."""

    strategy = serializers.ChoiceField(choices=Strategy.choices)
    target_roots = RootCodesField(required=False)
    is_builtin = serializers.BooleanField(read_only=True)

    class Meta:
        model = HomeworkTemplate
        fields = [
            "id",
            "strategy",
            "title",
            "instructions",
            "target_roots",
            "is_builtin",
            "author",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "author", "created_at", "updated_at"]
        extra_kwargs = {"instructions": {"max_length": 20_000}}


class HomeworkSerializer(serializers.ModelSerializer):
    """Homework assigned to a client. Its status changes only through the lifecycle actions."""

    client = ScopedRelatedField(Client, scope=clinical_clients)
    client_name = ClientNameField()
    session = ScopedRelatedField(
        Session,
        scope=clinical_sessions,
        required=False,
        allow_null=True,
        help_text="The session it was assigned in; must be the same client's.",
    )
    strategy = serializers.ChoiceField(choices=Strategy.choices)
    template = ScopedRelatedField(
        HomeworkTemplate,
        scope=visible_templates,
        required=False,
        allow_null=True,
        help_text="Must be of the same strategy; fills title and instructions unless given.",
    )
    title = serializers.CharField(
        max_length=200, required=False, help_text="Required unless `template` gives one."
    )
    instructions = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    target_roots = RootCodesField(required=False)
    assigned_on = serializers.DateField(
        required=False, help_text="Defaults to today (the practice's local date)."
    )

    class Meta:
        model = Homework
        fields = [
            "id",
            "client",
            "client_name",
            "session",
            "strategy",
            "template",
            "title",
            "instructions",
            "target_roots",
            "assigned_on",
            "due_on",
            "status",
            "completed_on",
            "helpfulness",
            "outcome_note",
            "assigned_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "completed_on",
            "helpfulness",
            "outcome_note",
            "assigned_by",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"due_on": {"help_text": "Not before `assigned_on`."}}

    def validate(self, attrs: dict) -> dict:
        def current(field):
            return attrs.get(field, getattr(self.instance, field, None))

        if (
            self.instance is not None
            and "client" in attrs
            and attrs["client"] != self.instance.client
        ):
            raise serializers.ValidationError(
                {"client": ["Homework cannot move to another client."]}, CONFLICT
            )
        client, session, template = current("client"), current("session"), current("template")
        creating = self.instance is None
        session_is_new = creating or "session" in attrs
        if session_is_new and session is not None and session.client_id != client.pk:
            raise serializers.ValidationError(
                {"session": ["This session is another client's."]}, CONFLICT
            )
        # A template's strategy may change later; only a new pairing is checked.
        pairing_is_new = creating or bool({"template", "strategy"} & set(attrs))
        if pairing_is_new and template is not None and template.strategy != current("strategy"):
            raise serializers.ValidationError(
                {"template": ["This template belongs to another strategy."]}, CONFLICT
            )
        if not current("title") and template is None:
            raise serializers.ValidationError(
                {"title": ["Give a title, or choose a template to take it from."]}, INCONSISTENT
            )
        due_on = current("due_on")
        assigned_on = current("assigned_on")
        if due_on is not None and assigned_on is None:  # to be assigned today
            assigned_on = practice_today(self.context["request"].user.practice)
        if due_on is not None and due_on < assigned_on:
            raise serializers.ValidationError(
                {"due_on": ["The due date cannot be before the date it was assigned."]},
                INCONSISTENT,
            )
        return attrs


class HomeworkCompletionSerializer(serializers.Serializer):
    """How the homework went, for `complete` and `partially-complete`."""

    completed_on = serializers.DateField(
        required=False,
        help_text="Defaults to today (the practice's local date); not after it, nor before "
        "the homework was assigned.",
    )
    helpfulness = serializers.IntegerField(
        min_value=0, max_value=10, required=False, allow_null=True,
        help_text="The client's rating, 0 (not at all helpful) to 10 (very helpful).",
    )  # fmt: skip
    outcome_note = serializers.CharField(
        max_length=20_000, required=False, allow_blank=True, default=""
    )


class HomeworkOutcomeNoteSerializer(serializers.Serializer):
    """An optional note, for `not-completed` and `cancel`."""

    outcome_note = serializers.CharField(
        max_length=20_000, required=False, allow_blank=True, default=""
    )


class AdherenceSerializer(serializers.Serializer):
    assigned = serializers.IntegerField(help_text="Assignments, not counting cancelled ones.")
    completed = serializers.IntegerField()
    partially_completed = serializers.IntegerField()
    not_completed = serializers.IntegerField()
    outstanding = serializers.IntegerField(help_text="Still assigned, awaiting review.")
    cancelled = serializers.IntegerField()
    completion_rate = serializers.FloatField(
        allow_null=True,
        help_text="completed / (completed + partially + not completed); null before any review.",
    )
    mean_helpfulness = serializers.FloatField(
        allow_null=True, help_text="Mean of the client's ratings (0-10); null with none."
    )


class StrategyAdherenceSerializer(AdherenceSerializer):
    strategy = serializers.ChoiceField(choices=Strategy.choices)


class HomeworkAdherenceSerializer(serializers.Serializer):
    """A client's homework adherence, overall and for each strategy (all four, in order)."""

    client = serializers.UUIDField()
    overall = AdherenceSerializer()
    by_strategy = StrategyAdherenceSerializer(many=True)
