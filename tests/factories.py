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
