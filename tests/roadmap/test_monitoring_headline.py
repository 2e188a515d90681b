from decimal import Decimal

from steps.models import Indicator, Measurement
from steps.selectors import PAID_WORK_KEY, monitoring_headlines


def test_headline_is_the_latest_period_against_target(region, other_region):
    indicator = Indicator.objects.create(
        region=region,
        key=PAID_WORK_KEY,
        name="Clients in paid work",
        unit="clients",
        target_per_period=Decimal("12"),
    )
    for period, value in [(1, 3), (3, 9), (2, 5)]:
        Measurement.objects.create(indicator=indicator, period=period, value=value)
    other = Indicator.objects.create(region=other_region, key="sessions", name="x", unit="n")
    Measurement.objects.create(indicator=other, period=1, value=99)

    headlines = monitoring_headlines([region.pk, other_region.pk])

    assert set(headlines) == {region.pk}
    headline = headlines[region.pk]
    assert (headline.period, headline.in_work, headline.target) == (3, Decimal("9"), Decimal("12"))
    assert headline.share_of_target == Decimal("0.75")


def test_headlines_take_two_queries_for_any_number_of_regions(
    region, other_region, django_assert_num_queries
):
    for r in (region, other_region):
        indicator = Indicator.objects.create(region=r, key=PAID_WORK_KEY, name="n", unit="n")
        Measurement.objects.create(indicator=indicator, period=1, value=1)
    with django_assert_num_queries(2):
        assert len(monitoring_headlines([region.pk, other_region.pk])) == 2
