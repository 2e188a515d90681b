import factory
from django.contrib.auth import get_user_model

from regions.models import (
    FunctionLevel,
    Organisation,
    Profile,
    Region,
    RegionStakeholder,
    Role,
    Sector,
    Stakeholder,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            Profile.objects.update_or_create(user=self, defaults={"role": extracted})
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    sector = Sector.MENTAL_HEALTH_CARE


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    name = factory.Faker("name")
    email = factory.Faker("email")
    organisation = factory.SubFactory(OrganisationFactory)
    function_level = FunctionLevel.MANAGEMENT


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    owner = factory.SubFactory(UserFactory, role=Role.REGIONAL_PROJECT_LEADER)


def add_member(region, stakeholder, core_group=True):
    RegionStakeholder.objects.get_or_create(
        region=region, stakeholder=stakeholder, defaults={"core_group": core_group}
    )
    return stakeholder
