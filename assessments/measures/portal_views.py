"""The measure link's flow as JSON, for practices that build their own page for clients
(`client-portal` in the schema). The token in the path is the only credential."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.audit.models import AuditAction
from api.schema import problem
from api.secret_tokens import TOKEN_PATTERN
from api.tenancy import practice_scope
from assessments.instruments import INSTRUMENTS
from assessments.instruments.serializers import InstrumentSerializer
from assessments.measures import portal
from assessments.measures.throttles import LINK_THROTTLES
from assessments.serializers import MOST_ITEMS

LINK_CLOSED = (
    "This link is not open: it may have been used, have expired or been withdrawn. Please "
    "contact your clinician for a new one."
)
TOKEN = OpenApiParameter(
    "token",
    str,
    OpenApiParameter.PATH,
    pattern=f"^{TOKEN_PATTERN}$",
    description="The token from the link the client was sent.",
)


class QuestionnaireSerializer(serializers.Serializer):
    """What the client is asked: each instrument with its instructions, items and options."""

    practice_name = serializers.CharField(source="practice.name")
    expires_at = serializers.DateTimeField()
    instruments = serializers.SerializerMethodField()

    @extend_schema_field(InstrumentSerializer(many=True))
    def get_instruments(self, invitation) -> list:
        chosen = [INSTRUMENTS[code] for code in invitation.instruments]
        return InstrumentSerializer(chosen, many=True).data


class AnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(), max_length=MOST_ITEMS),
        help_text="For each instrument of the questionnaire, by its code, one answer (an "
        "option's value) per item, in item order.",
    )

    def validate_answers(self, answers: dict) -> dict:
        if len(answers) > len(INSTRUMENTS):
            raise serializers.ValidationError("Answer only the questionnaire's instruments.")
        return answers


class SubmittedSerializer(serializers.Serializer):
    completed_at = serializers.DateTimeField(source="invitation.completed_at")
    crisis_text = serializers.SerializerMethodField(
        help_text="When an answer says the client may be at risk: what they should read at "
        "once, the practice's own words. Null otherwise. Show it prominently."
    )

    def get_crisis_text(self, submission) -> str | None:
        return submission.invitation.practice.crisis_message if submission.at_risk else None


class LinkView(APIView):
    """No sign-in: the token is the credential, rate-limited per address and per token. A
    link unknown, used, expired or revoked is one and the same 404."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = LINK_THROTTLES
    audit_action = AuditAction.READ

    def audit(self, invitation, status_code: int, *, action: str | None = None) -> None:
        portal.audit_link_use(self.request, invitation, status_code, action or self.audit_action)

    def closed(self, invitation=None):
        with practice_scope(invitation.practice_id if invitation else None):
            self.audit(invitation, status.HTTP_404_NOT_FOUND)
        return NotFound(LINK_CLOSED)


class QuestionnaireView(LinkView):
    """What the client of a measure link is asked to complete, for a page of the practice's
    own. Opening it is recorded (and audited, the invitation as the actor)."""

    @extend_schema(
        tags=["client-portal"],
        operation_id="client_portal_questionnaire_retrieve",
        summary="Read the questionnaire of a measure link",
        parameters=[TOKEN],
        responses={200: QuestionnaireSerializer, **problem(404, LINK_CLOSED), **problem(429)},
    )
    def get(self, request, token):
        try:
            invitation = portal.find_invitation(token)
        except portal.LinkClosed:
            raise self.closed() from None
        with practice_scope(invitation.practice_id):
            try:
                portal.open_link(invitation)
            except portal.LinkClosed:
                pass
            else:
                self.audit(invitation, status.HTTP_200_OK)
                return Response(QuestionnaireSerializer(invitation).data)
        # Refused as any dead link is, but the trail names the invitation, as a submit's does.
        raise self.closed(invitation)


class AnswersView(LinkView):
    """Submit the client's answers: scored, stored as their own (`client_self_report`), and
    the link closed. Sent twice (a double tap, a retry), the same answers get the same answer
    back and are stored once. If an answer says the client may be at risk, the response
    carries the practice's crisis text, and the clinicians are alerted by email."""

    audit_action = AuditAction.CREATE

    @extend_schema(
        tags=["client-portal"],
        operation_id="client_portal_answers_create",
        summary="Submit the answers of a measure link",
        parameters=[TOKEN],
        request=AnswersSerializer,
        responses={
            201: SubmittedSerializer,
            **problem(400),
            **problem(404, LINK_CLOSED),
            **problem(429),
        },
    )
    def post(self, request, token):
        try:
            invitation = portal.find_invitation(token)
        except portal.LinkClosed:
            raise self.closed() from None
        serializer = AnswersSerializer(data=request.data)
        if not serializer.is_valid():
            if not portal.is_open(invitation):
                # A dead link's 404 whatever the body: a 400 would tell it ever existed.
                raise self.closed(invitation)
            raise ValidationError(serializer.errors)
        try:
            with practice_scope(invitation.practice_id):
                submission = portal.submit(invitation.pk, serializer.validated_data["answers"])
                # Answers sent again store nothing: the trail says so.
                action = AuditAction.REPLAY if submission.replayed else None
                self.audit(submission.invitation, status.HTTP_201_CREATED, action=action)
        except portal.LinkClosed:
            raise self.closed(invitation) from None
        except ValidationError:
            # Refused answers store nothing (their transaction is undone); the trail keeps
            # the attempt.
            with practice_scope(invitation.practice_id):
                self.audit(invitation, status.HTTP_400_BAD_REQUEST)
            raise
        return Response(SubmittedSerializer(submission).data, status=status.HTTP_201_CREATED)
