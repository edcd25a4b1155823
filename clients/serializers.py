from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from api.auth.models import User
from api.exceptions import CONFLICT, FUTURE, INCONSISTENT
from api.fields import ScopedRelatedField, ScopedRelatedIdsField
from api.rendering import date_or_none, timestamp, timestamp_or_none
from api.strict_input import BoundedListSerializer
from api.timezones import practice_today
from api.vocabulary import Root
from clients.access import client_access
from clients.models import Client, ClientStatus, PresentingRoot
from clients.selectors import CARE_TEAM, PRESENTING_ROOTS, clinical_staff

CARE_TEAM_MAX = 20


class ClientNameField(serializers.CharField):
    """The display name of a record's client (`Client.display_name`), read-only. Whoever
    lists such records selects each one's client with it (`ClientNamesMixin` in
    clients/views.py), so that a page stays one query."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", "The client's preferred name, or else given name, then family name."
        )
        super().__init__(source="client.display_name", read_only=True, **kwargs)


class PresentingRootSerializer(serializers.ModelSerializer):
    root = serializers.ChoiceField(choices=Root.choices)
    severity = serializers.IntegerField(min_value=1, max_value=5)
    is_primary = serializers.BooleanField(default=False)
    note = serializers.CharField(allow_blank=True, default="", max_length=2000)

    class Meta:
        model = PresentingRoot
        fields = ["root", "severity", "is_primary", "note"]
        list_serializer_class = BoundedListSerializer

    def validate(self, attrs: dict) -> dict:
        # The list is written whole, so each item is complete even inside a PATCH (where DRF
        # would otherwise skip required fields and defaults).
        missing = {field: ["This field is required."] for field in ("root", "severity")}
        missing = {field: error for field, error in missing.items() if field not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        return {"is_primary": False, "note": "", **attrs}


class ClientSerializer(serializers.ModelSerializer):
    """A client. Admins manage the administrative fields and never see the clinical ones
    (`presenting_roots`, `sessions_count`, `last_session_at`, `open_risk_flags`), which are then
    absent."""

    presenting_roots = PresentingRootSerializer(
        many=True,
        required=False,
        max_length=len(Root.values),
        help_text="The roots of insecurity presenting in the client: each root at most once, "
        "and at most one of them primary.",
    )
    primary_clinician = ScopedRelatedField(
        User,
        scope=clinical_staff,
        required=False,
        help_text="A clinician or supervisor of the practice; defaults to the clinician creating.",
    )
    care_team = ScopedRelatedIdsField(
        User,
        scope=clinical_staff,
        max_length=CARE_TEAM_MAX,
        required=False,
        help_text="Clinicians or supervisors of the practice who share the client's care.",
    )
    intake_date = serializers.DateField(
        required=False, help_text="Defaults to today (the practice's local date)."
    )
    sessions_count = serializers.IntegerField(read_only=True, help_text="Completed sessions.")
    last_session_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Start of the latest completed session."
    )

    open_risk_flags = serializers.IntegerField(
        read_only=True, help_text="Risk flags raised by assessments and not yet acknowledged."
    )

    clinical_fields = ("presenting_roots", "sessions_count", "last_session_at", "open_risk_flags")
    response_optional_fields = clinical_fields

    class Meta:
        model = Client
        fields = [
            "id",
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "email",
            "phone",
            "status",
            "intake_date",
            "discharged_on",
            "primary_clinician",
            "care_team",
            "external_id",
            "presenting_roots",
            "sessions_count",
            "last_session_at",
            "open_risk_flags",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "discharged_on": {
                "help_text": "Only for a discharged client, not before `intake_date` and not "
                "after today (the practice's local date). Set to today on discharge unless "
                "given; cleared on re-admission."
            },
            "external_id": {
                "help_text": "The practice's own reference, unique in the practice: one that "
                "another client holds is a conflict (409)."
            },
            "date_of_birth": {
                "help_text": "Not after today (the practice's local date) nor after `intake_date`."
            },
        }

    def to_representation(self, instance: Client) -> dict:
        """The client as the fields above render it, written out: on the client list, DRF's
        field-by-field rendering cost more than the page's SQL. Clinical fields are left out
        for admins before they are read, so nothing clinical is even loaded for them."""
        request = self.context.get("request")
        hide_clinical = request is None or request.user.is_admin
        return {
            name: render(instance)
            for name, render in CLIENT_FIELDS.items()
            if not (hide_clinical and name in self.clinical_fields)
        }

    def validate_presenting_roots(self, items: list[dict]) -> list[dict]:
        errors: list[dict] = [{} for _ in items]
        seen: set[str] = set()
        primary_seen = False
        for index, item in enumerate(items):
            if item["root"] in seen:
                errors[index]["root"] = [
                    ErrorDetail("This root is already listed for the client.", INCONSISTENT)
                ]
            seen.add(item["root"])
            if item.get("is_primary", False):
                if primary_seen:
                    errors[index]["is_primary"] = [
                        ErrorDetail("Only one presenting root can be primary.", INCONSISTENT)
                    ]
                primary_seen = True
        if any(errors):
            raise serializers.ValidationError(errors)
        return items

    def _today(self):
        """Today on the practice's calendar."""
        return practice_today(self.context["request"].user.practice)

    def validate_date_of_birth(self, value):
        if value is not None and value > self._today():
            raise serializers.ValidationError("The date of birth cannot be in the future.", FUTURE)
        return value

    def validate_external_id(self, value: str) -> str:
        """Unique in the practice. Only a caller who may see the client holding the id is told
        so: to anyone else that client does not exist, and the refusal names no one."""
        user = self.context["request"].user
        holders = Client.objects.filter(practice_id=user.practice_id, external_id=value)
        if self.instance is not None:
            holders = holders.exclude(pk=self.instance.pk)
        if not value or not holders.exists():
            return value
        if holders.filter(client_access(user)).exists():
            raise serializers.ValidationError(
                "Another client of the practice has this id.", CONFLICT
            )
        raise serializers.ValidationError("This id cannot be used; choose another.", CONFLICT)

    def validate(self, attrs: dict) -> dict:
        def current(field):
            return attrs.get(field, getattr(self.instance, field, None))

        status = current("status") or ClientStatus.ACTIVE
        discharged_on = attrs.get("discharged_on")
        clears_discharge_date = "discharged_on" in attrs and discharged_on is None
        if (
            self.instance is not None
            and status == ClientStatus.DISCHARGED
            and clears_discharge_date
        ):
            raise serializers.ValidationError(
                {"discharged_on": ["A discharged client keeps a discharge date."]}, INCONSISTENT
            )
        intake_date = current("intake_date")
        if discharged_on is not None and status != ClientStatus.DISCHARGED:
            raise serializers.ValidationError(
                {"discharged_on": ["Only a discharged client has a discharge date."]}, INCONSISTENT
            )
        if discharged_on is not None and intake_date and discharged_on < intake_date:
            raise serializers.ValidationError(
                {"discharged_on": ["The discharge date cannot be before the intake date."]},
                INCONSISTENT,
            )
        if discharged_on is not None and discharged_on > self._today():
            raise serializers.ValidationError(
                {"discharged_on": ["The discharge date cannot be in the future."]}, FUTURE
            )
        birth = current("date_of_birth")
        if birth and intake_date and birth > intake_date:
            raise serializers.ValidationError(
                {"date_of_birth": ["The date of birth cannot be after the intake date."]},
                INCONSISTENT,
            )
        return attrs


CLIENT_FIELDS = {
    "id": lambda client: str(client.id),
    "given_name": lambda client: client.given_name,
    "family_name": lambda client: client.family_name,
    "preferred_name": lambda client: client.preferred_name,
    "date_of_birth": lambda client: date_or_none(client.date_of_birth),
    "email": lambda client: client.email,
    "phone": lambda client: client.phone,
    "status": lambda client: client.status,
    "intake_date": lambda client: date_or_none(client.intake_date),
    "discharged_on": lambda client: date_or_none(client.discharged_on),
    "primary_clinician": lambda client: str(client.primary_clinician_id),
    "care_team": lambda client: [str(member["id"]) for member in CARE_TEAM.rows(client)],
    "external_id": lambda client: client.external_id,
    "presenting_roots": lambda client: [
        {key: root[key] for key in PresentingRootSerializer.Meta.fields}
        for root in PRESENTING_ROOTS.rows(client)
    ],
    "sessions_count": lambda client: client.sessions_count,
    "last_session_at": lambda client: timestamp_or_none(client.last_session_at),
    "open_risk_flags": lambda client: client.open_risk_flags,
    "created_at": lambda client: timestamp(client.created_at),
    "updated_at": lambda client: timestamp(client.updated_at),
}
