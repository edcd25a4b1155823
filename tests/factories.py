from datetime import UTC

import factory

from api.auth.models import Practice, Role, User

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
            obj.care_team.set(extracted)

    @factory.post_generation
    def roots(obj, create, extracted, **kwargs):
        """`roots=[("perfectionism", 4), ...]`: presenting roots, the first one primary."""
        for index, (root, severity) in enumerate(extracted or []):
            obj.presenting_roots.create(root=root, severity=severity, is_primary=index == 0)


class SessionFactory(factory.django.DjangoModelFactory):
    """A completed session with a DAP note, by the client's primary clinician."""

    class Meta:
        model = "therapy_sessions.Session"
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
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
            obj.roots.create(root=root)
