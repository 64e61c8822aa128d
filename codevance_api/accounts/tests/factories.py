import factory

from codevance_api.accounts.models import User
from codevance_api.accounts.services import user_set_operator

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    is_operator = False
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            if obj.is_operator:
                # Like every operator: in the operators' permission group, through the service.
                user_set_operator(user=obj, is_operator=True)
