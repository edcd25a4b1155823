"""Structured clinical notes: one serializer per format, and the field that picks between them.

Stored on the session as `note_format` and `note_sections`; documented in OpenAPI as a
discriminated union on `format`, so that generated clients get a type per format.
"""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from sessions.models import NoteFormat

SECTION_MAX_LENGTH = 20_000

# Single-value choices, one per note type, so each has its own discriminator enum.
DAP_FORMAT = [(NoteFormat.DAP.value, NoteFormat.DAP.label)]
SOAP_FORMAT = [(NoteFormat.SOAP.value, NoteFormat.SOAP.label)]
BIRP_FORMAT = [(NoteFormat.BIRP.value, NoteFormat.BIRP.label)]
NARRATIVE_FORMAT = [(NoteFormat.NARRATIVE.value, NoteFormat.NARRATIVE.label)]


def section(help_text: str) -> serializers.CharField:
    return serializers.CharField(
        allow_blank=True, max_length=SECTION_MAX_LENGTH, trim_whitespace=False, help_text=help_text
    )


class DapNoteSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=DAP_FORMAT)
    data = section("What the client said and what was observed.")
    assessment = section("The clinician's interpretation.")
    plan = section("Next steps, homework, next session.")


class SoapNoteSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=SOAP_FORMAT)
    subjective = section("The client's account.")
    objective = section("What the clinician observed or measured.")
    assessment = section("The clinician's interpretation.")
    plan = section("Next steps.")


class BirpNoteSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=BIRP_FORMAT)
    behavior = section("The client's presentation and behaviour.")
    intervention = section("What the clinician did.")
    response = section("How the client responded.")
    plan = section("Next steps.")


class NarrativeNoteSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=NARRATIVE_FORMAT)
    text = section("The note, in prose.")


NOTE_SERIALIZERS = {
    NoteFormat.DAP.value: DapNoteSerializer,
    NoteFormat.SOAP.value: SoapNoteSerializer,
    NoteFormat.BIRP.value: BirpNoteSerializer,
    NoteFormat.NARRATIVE.value: NarrativeNoteSerializer,
}

NO_NOTE = {"note_format": "", "note_sections": {}}


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="Note",
        serializers=NOTE_SERIALIZERS,
        resource_type_field_name="format",
    )
)
class NoteField(serializers.Field):
    """A session's note: `{"format": ..., <that format's sections>}`, or null for none yet.

    Unknown sections are refused, not dropped, so a typo never loses clinical text.
    """

    def __init__(self, **kwargs):
        super().__init__(source="*", allow_null=True, required=False, **kwargs)

    def validate_empty_values(self, data):
        if data is None:
            return True, dict(NO_NOTE)
        return super().validate_empty_values(data)

    def to_internal_value(self, data) -> dict:
        if not isinstance(data, dict):
            raise serializers.ValidationError("A note is an object with a format and its sections.")
        note_format = data.get("format")
        if note_format is None:
            required = serializers.ErrorDetail("This field is required.", code="required")
            raise serializers.ValidationError({"format": [required]})
        if not isinstance(note_format, str) or note_format not in NOTE_SERIALIZERS:
            choices = ", ".join(NOTE_SERIALIZERS)
            raise serializers.ValidationError({"format": [f"Choose one of: {choices}."]})
        serializer = NOTE_SERIALIZERS[note_format](data=data)
        errors = {} if serializer.is_valid() else dict(serializer.errors)
        for unknown in sorted(set(data) - set(serializer.fields)):
            errors[unknown] = [f"A {note_format} note has no section '{unknown}'."]
        if errors:
            raise serializers.ValidationError(errors)
        sections = dict(serializer.validated_data)
        del sections["format"]
        return {"note_format": note_format, "note_sections": sections}

    def to_representation(self, session) -> dict | None:
        return note_of(session)


def note_of(session) -> dict | None:
    """A session's note as the API shows it: its format and sections, or None for none yet."""
    if not session.note_format:
        return None
    return {"format": session.note_format, **session.note_sections}
