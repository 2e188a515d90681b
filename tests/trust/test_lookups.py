import pytest

from regions.models import Organisation

pytestmark = pytest.mark.django_db


def test_ids_too_large_for_a_column_match_nothing_instead_of_failing():
    kept = Organisation.objects.create(name="GGZ", sector="mhc")
    assert list(Organisation.objects.filter(pk__in=[10**30])) == []
    assert list(Organisation.objects.filter(pk__in=[10**30, kept.pk, -(10**30)])) == [kept]
