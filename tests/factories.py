from datetime import UTC, date, datetime, timedelta

import factory
from django.utils import timezone

from api.auth.models import Practice, Role, User
from api.secret_tokens import new_token
from assessments.services import assessment_record
from sessions.appointments.services import series_create

TEST_PASSWORD = "correct-horse-battery-staple"


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    role = Role.CLINICIAN
    practice = factory.SubFactory(PracticeFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AdminFactory(UserFactory):
    role = Role.ADMIN


class SupervisorFactory(UserFactory):
    role = Role.SUPERVISOR


class ClientFactory(factory.django.DjangoModelFactory):
    """A client; its practice is its primary clinician's."""

    class Meta:
        model = "clients.Client"
        skip_postgeneration_save = True

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    intake_date = factory.Faker("date_between", start_date="-1y", end_date="-30d")
    primary_clinician = factory.SubFactory(UserFactory)
    practice = factory.SelfAttribute("primary_clinician.practice")

    @factory.post_generation
    def care_team(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.care_team.set(extracted, through_defaults={"practice_id": obj.practice_id})

    @factory.post_generation
    def roots(obj, create, extracted, **kwargs):
        """`roots=[("perfectionism", 4), ...]`: presenting roots, the first one primary."""
        for index, (root, severity) in enumerate(extracted or []):
            obj.presenting_roots.create(
                practice=obj.practice, root=root, severity=severity, is_primary=index == 0
            )


class SessionFactory(factory.django.DjangoModelFactory):
    """A completed session with a DAP note, by the client's primary clinician."""

    class Meta:
        model = "therapy_sessions.Session"
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    clinician = factory.SelfAttribute("client.primary_clinician")
    starts_at = factory.Faker("date_time_between", start_date="-60d", end_date="-1d", tzinfo=UTC)
    duration_minutes = 50
    modality = "in_person"
    kind = "individual"
    status = "completed"
    note_format = "dap"
    note_sections = factory.LazyFunction(
        lambda: {"data": "Talked about work.", "assessment": "Engaged.", "plan": "Weekly."}
    )

    @factory.post_generation
    def roots_addressed(obj, create, extracted, **kwargs):
        for root in extracted or []:
            obj.roots.create(practice=obj.practice, root=root)

    @factory.post_generation
    def signed(obj, create, extracted, **kwargs):
        """`signed=True`: the note signed by its clinician."""
        if create and extracted:
            obj.signed_at = timezone.now()
            obj.signed_by = obj.clinician
            obj.save(update_fields=["signed_at", "signed_by"])


class AddendumFactory(factory.django.DjangoModelFactory):
    """An addendum to a signed note, by the session's clinician."""

    class Meta:
        model = "therapy_sessions.Addendum"

    session = factory.SubFactory(SessionFactory, signed=True)
    practice = factory.SelfAttribute("session.practice")
    author = factory.SelfAttribute("session.clinician")
    text = "A later addition to the note."


class HomeworkTemplateFactory(factory.django.DjangoModelFactory):
    """A practice's own homework template; its practice is its author's."""

    class Meta:
        model = "therapy_sessions.HomeworkTemplate"

    author = factory.SubFactory(UserFactory)
    practice = factory.SelfAttribute("author.practice")
    strategy = "realistic_goals"
    title = factory.Sequence(lambda n: f"Practice template {n}")
    instructions = "Pick one small step and take it."
    target_roots = factory.LazyFunction(lambda: ["past_failures"])


class HomeworkFactory(factory.django.DjangoModelFactory):
    """Assigned homework, a week old, by the client's primary clinician."""

    class Meta:
        model = "therapy_sessions.Homework"

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    assigned_by = factory.SelfAttribute("client.primary_clinician")
    strategy = "self_reflection"
    title = factory.Sequence(lambda n: f"Homework {n}")
    instructions = "Write it down each evening."
    target_roots = factory.LazyFunction(lambda: ["perfectionism"])
    assigned_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    status = "assigned"


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An administration recorded and scored through the service, as the API records one: a
    PHQ-9 by default, whose item 9 above 0 (`responses=[1] * 9`) raises a risk flag."""

    class Meta:
        model = "assessments.Assessment"

    client = factory.SubFactory(ClientFactory)
    recorded_by = factory.SelfAttribute("client.primary_clinician")
    instrument = "phq9"
    responses = factory.LazyFunction(lambda: [1, 1, 1, 1, 1, 1, 1, 1, 0])
    administered_on = date(2025, 3, 3)

    @classmethod
    def _create(cls, model_class, *, recorded_by, **fields):
        return assessment_record(by=recorded_by, **fields)


class MeasureScheduleFactory(factory.django.DjangoModelFactory):
    """A schedule sending a PHQ-9 every two weeks by email, from today, as its client's
    primary clinician made it (the client gets an email address)."""

    class Meta:
        model = "assessments.MeasureSchedule"

    client = factory.SubFactory(ClientFactory, email=factory.Faker("email"))
    practice = factory.SelfAttribute("client.practice")
    created_by = factory.SelfAttribute("client.primary_clinician")
    instruments = factory.LazyFunction(lambda: ["phq9"])
    kind = "every"
    starts_on = factory.LazyFunction(timezone.localdate)
    interval = 2
    interval_unit = "weeks"


class MeasureInvitationFactory(factory.django.DjangoModelFactory):
    """An invitation to complete a PHQ-9, sent and open for a week. Its link's token is
    `invitation.token` (only its digest is stored)."""

    class Meta:
        model = "assessments.MeasureInvitation"

    client = factory.SubFactory(ClientFactory, email=factory.Faker("email"))
    practice = factory.SelfAttribute("client.practice")
    created_by = factory.SelfAttribute("client.primary_clinician")
    instruments = factory.LazyFunction(lambda: ["phq9"])
    status = "sent"
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    @classmethod
    def _create(cls, model_class, **fields):
        token, fields["token_digest"] = new_token()
        invitation = super()._create(model_class, **fields)
        invitation.token = token
        return invitation


class AppointmentSeriesFactory(factory.django.DjangoModelFactory):
    """Four weekly appointments at 10:00 UTC from a Monday well ahead, booked through the
    service as the API books them, by the client's primary clinician."""

    class Meta:
        model = "therapy_sessions.AppointmentSeries"

    client = factory.SubFactory(ClientFactory)
    starts_at = factory.LazyFunction(lambda: datetime(2099, 3, 2, 10, 0, tzinfo=UTC))
    interval_weeks = 1
    count = 4
    duration_minutes = 50
    modality = "video"
    kind = "individual"

    @classmethod
    def _create(cls, model_class, **fields):
        by = fields.pop("by", None) or fields["client"].primary_clinician
        return series_create(by=by, **fields)
