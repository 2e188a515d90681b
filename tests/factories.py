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


def make_personas():
    """Every role of the access matrices and the two regions they meet in, made in one go:
    what the ``personas``, ``region`` and ``other_region`` fixtures of tests/conftest.py
    make one by one, for data that a module makes once (``module_data``)."""
    rpl = UserFactory(username="rpl", role=Role.REGIONAL_PROJECT_LEADER)
    other_rpl = UserFactory(username="other_rpl", role=Role.REGIONAL_PROJECT_LEADER)
    researcher = UserFactory(username="researcher", role=Role.RESEARCHER)
    region = RegionFactory(name="Rivierenland", owner=rpl)
    region.researchers.add(researcher)
    other_region = RegionFactory(name="Noorderveen", owner=other_rpl)
    stakeholder = UserFactory(username="stakeholder", role=Role.STAKEHOLDER)
    add_member(region, StakeholderFactory(user=stakeholder))
    other_stakeholder = UserFactory(username="other_stakeholder", role=Role.STAKEHOLDER)
    add_member(other_region, StakeholderFactory(user=other_stakeholder))
    personas = {
        "npl": UserFactory(username="npl", role=Role.NATIONAL_PROJECT_LEADER, is_staff=True),
        "rpl": rpl,
        "other_rpl": other_rpl,
        "researcher": researcher,
        "board": UserFactory(username="board", role=Role.STEERING_BOARD),
        "stakeholder": stakeholder,
        "other_stakeholder": other_stakeholder,
        "anonymous": None,
    }
    return personas, region, other_region
