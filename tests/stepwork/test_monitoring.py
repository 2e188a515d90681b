"""Step 5: indicators derived from the accepted scenario, measurements by grid and CSV
(all or nothing), the below-target warning and the actual-against-projected chart."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steps import monitoring
from steps.models import Indicator, Measurement
from steps.selectors import monitoring_headlines

from .test_business_case_views import record_2b_go

pytestmark = pytest.mark.django_db


def url(region, suffix=""):
    return f"/regions/{region.pk}/monitoring/{suffix}"


@pytest.fixture
def indicators(region, pilot):
    record_2b_go(region, pilot)
    return {i.key: i for i in monitoring.indicators_setup(region)}


def csv_file(text, name="measurements.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_default_indicators_take_their_targets_from_the_accepted_scenario(indicators, pilot):
    assert set(indicators) == {
        "clients_enrolled",
        "clients_in_paid_work",
        "clients_in_other_participation",
        "costs_realised",
        "benefit_payments_saved",
    }
    assert indicators["clients_in_paid_work"].target_per_period == Decimal("4")  # 10 × 0.4
    assert indicators["clients_enrolled"].target_per_period == 10
    # 4800 a month saved once running: 14400 a quarter.
    assert indicators["benefit_payments_saved"].target_per_period == Decimal("14400")
    assert indicators["clients_in_other_participation"].target_per_period is None
    assert indicators["clients_in_paid_work"].derived_from == pilot


def test_the_projection_follows_the_lag_per_quarter(indicators, region):
    _decision, evaluation = monitoring.accepted_evaluation(region)
    paid_work = monitoring.projection(indicators["clients_in_paid_work"], evaluation)
    assert len(paid_work) == 12
    assert paid_work[:2] == [0, 0]  # months 1–6: the lag
    assert paid_work[2] == Decimal("4")
    saved = monitoring.projection(indicators["benefit_payments_saved"], evaluation)
    assert saved[1] == 0 and saved[2] == Decimal("14400.00")
    costs = monitoring.projection(indicators["costs_realised"], evaluation)
    assert costs[0] == Decimal("70000.00") and costs[1] == 0


def test_setting_up_twice_changes_nothing(indicators, region):
    monitoring.indicators_setup(region)
    assert Indicator.objects.filter(region=region).count() == 5


def test_a_good_csv_file_is_imported(client, rpl, region, indicators):
    client.force_login(rpl)
    text = (
        "indicator,period,value,source,note\n"
        "clients_in_paid_work,3,3,UWV,\n"
        "clients_in_paid_work,4,5,UWV,two started in May\n"
        "costs_realised,1,68000.50,finance,\n"
    )
    response = client.post(url(region, "import/"), {"csv-file": csv_file(text)})
    assert response.status_code == 302
    values = dict(
        Measurement.objects.filter(indicator__key="clients_in_paid_work").values_list(
            "period", "value"
        )
    )
    assert values == {3: Decimal("3"), 4: Decimal("5")}
    assert monitoring_headlines([region.pk])[region.pk].in_work == Decimal("5")


@pytest.mark.parametrize(
    "row, error",
    [
        ("unknown_thing,1,3,,", "Line 3: unknown indicator “unknown_thing”."),
        ("clients_enrolled,1,three,,", "Line 3: “three” is not a number."),
        ("clients_enrolled,x,3,,", "Line 3: the period “x” is not a whole number."),
        ("clients_enrolled,13,3,,", "Line 3: period 13 lies outside the horizon (1 to 12)."),
        ("clients_enrolled,0,3,,", "Line 3: period 0 lies outside the horizon (1 to 12)."),
        ("clients_enrolled,2,3,,", "Line 3: clients_enrolled for period 2 is already on line 2."),
        ("clients_enrolled,1,NaN,,", "Line 3: “NaN” is not a number."),
    ],
)
def test_any_bad_row_refuses_the_whole_file(client, rpl, region, indicators, row, error):
    client.force_login(rpl)
    text = f"indicator,period,value,source,note\nclients_enrolled,2,10,,\n{row}\n"
    response = client.post(
        url(region, "import/"), {"csv-file": csv_file(text)}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert error in response.content.decode()
    assert not Measurement.objects.exists()


def test_every_error_is_listed_by_line(region, indicators):
    text = "indicator,period,value\nnope,1,1\nclients_enrolled,1,x\nclients_enrolled,99,1\n"
    with pytest.raises(monitoring.ImportRefused) as refused:
        monitoring.parse_measurements(region, text)
    assert [error.split(":")[0] for error in refused.value.errors] == [
        "Line 2",
        "Line 3",
        "Line 4",
    ]


@pytest.mark.parametrize(
    "content, error",
    [
        (b"period,value\n1,2\n", "missing: indicator"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"indicator,period,value\n", "holds no measurements"),
    ],
)
def test_unreadable_files_are_refused(client, rpl, region, indicators, content, error):
    client.force_login(rpl)
    upload = SimpleUploadedFile("m.csv", content, content_type="text/csv")
    response = client.post(url(region, "import/"), {"csv-file": upload})
    assert response.status_code == 422
    assert error in response.content.decode()


def test_the_grid_saves_one_period(client, rpl, region, indicators):
    client.force_login(rpl)
    paid = indicators["clients_in_paid_work"]
    enrolled = indicators["clients_enrolled"]
    response = client.post(
        url(region, "measurements/"),
        {
            "grid-period": "3",
            f"grid-value_{paid.pk}": "2",
            f"grid-source_{paid.pk}": "UWV",
            f"grid-value_{enrolled.pk}": "10",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert Measurement.objects.get(indicator=paid, period=3).source == "UWV"
    assert Measurement.objects.filter(period=3).count() == 2


def test_a_bad_grid_value_is_refused_and_kept(client, rpl, region, indicators):
    client.force_login(rpl)
    paid = indicators["clients_in_paid_work"]
    response = client.post(
        url(region, "measurements/"),
        {"grid-period": "3", f"grid-value_{paid.pk}": "lots", f"grid-source_{paid.pk}": "kept"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert 'value="kept"' in response.content.decode()
    assert not Measurement.objects.exists()


def test_a_warning_when_actual_is_below_target_two_periods_running(client, rpl, region, indicators):
    paid = indicators["clients_in_paid_work"]
    Measurement.objects.create(indicator=paid, period=3, value=Decimal("3"))
    client.force_login(rpl)
    page = client.get(url(region)).content.decode()
    assert "below target two periods running" not in page
    Measurement.objects.create(indicator=paid, period=4, value=Decimal("3.5"))
    page = client.get(url(region)).content.decode()
    assert "Clients in paid work is below target two periods running (periods 3 and 4)" in page
    assert "<polyline" in page and 'style="' not in page


def test_one_period_below_target_is_no_warning(indicators, region):
    paid = indicators["clients_in_paid_work"]
    Measurement.objects.create(indicator=paid, period=3, value=Decimal("3"))
    Measurement.objects.create(indicator=paid, period=4, value=Decimal("4"))
    Measurement.objects.create(indicator=paid, period=5, value=Decimal("3"))
    _decision, evaluation = monitoring.accepted_evaluation(region)
    paid = Indicator.objects.get(pk=paid.pk)
    assert monitoring.indicator_status(paid, evaluation).warning_periods is None


@pytest.mark.parametrize(
    "who, status", [("stakeholder", 403), ("researcher", 403), ("other_rpl", 404)]
)
def test_only_editors_enter_measurements(client, personas, region, indicators, who, status):
    client.force_login(personas[who])
    text = "indicator,period,value\nclients_enrolled,1,5\n"
    assert client.post(url(region, "import/"), {"csv-file": csv_file(text)}).status_code == status
    assert client.post(url(region, "setup/")).status_code == status
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("who, status", [("stakeholder", 200), ("other_stakeholder", 404)])
def test_who_reads_the_monitoring(client, personas, region, who, status):
    client.force_login(personas[who])
    assert client.get(url(region)).status_code == status


@pytest.mark.parametrize("periods", [2, 12])
def test_the_monitoring_page_query_count_does_not_grow(
    client, rpl, region, indicators, django_assert_max_num_queries, periods
):
    for indicator in indicators.values():
        for period in range(1, periods + 1):
            Measurement.objects.create(indicator=indicator, period=period, value=period)
    client.force_login(rpl)
    with django_assert_max_num_queries(11):
        assert client.get(url(region)).status_code == 200


def test_costs_warn_when_above_target_not_below(indicators, region):
    costs = Indicator.objects.get(pk=indicators["costs_realised"].pk)
    assert costs.higher_is_better is False
    _decision, evaluation = monitoring.accepted_evaluation(region)
    # Projected: 70000 in quarter 1, nothing after; spending less is no warning.
    Measurement.objects.create(indicator=costs, period=1, value=Decimal("60000"))
    Measurement.objects.create(indicator=costs, period=2, value=Decimal("0"))
    assert monitoring.indicator_status(costs, evaluation).warning_periods is None
    Measurement.objects.create(indicator=costs, period=3, value=Decimal("500"))
    costs = Indicator.objects.get(pk=costs.pk)
    assert monitoring.indicator_status(costs, evaluation).warning_periods is None
    Measurement.objects.create(indicator=costs, period=4, value=Decimal("500"))
    costs = Indicator.objects.get(pk=costs.pk)
    assert monitoring.indicator_status(costs, evaluation).warning_periods == (3, 4)


def test_a_region_adds_an_indicator_of_its_own(client, rpl, region, indicators):
    client.force_login(rpl)
    data = {
        "new-indicator-key": "clients_in_training",
        "new-indicator-name": "Clients in training",
        "new-indicator-unit": "clients",
        "new-indicator-period_kind": "quarter",
        "new-indicator-target_per_period": "2",
        "new-indicator-horizon_months": "36",
        "new-indicator-higher_is_better": "on",
    }
    assert client.post(url(region, "indicators/"), data).status_code == 302
    assert Indicator.objects.get(region=region, key="clients_in_training").target_per_period == 2
    refused = client.post(url(region, "indicators/"), data, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert "already has an indicator with this key" in refused.content.decode()


def test_the_period_of_a_measured_indicator_does_not_change(client, rpl, region, indicators):
    paid = indicators["clients_in_paid_work"]
    Measurement.objects.create(indicator=paid, period=1, value=1)
    client.force_login(rpl)
    data = {
        f"i{paid.pk}-name": "Clients in paid work",
        f"i{paid.pk}-unit": "clients",
        f"i{paid.pk}-period_kind": "month",
        f"i{paid.pk}-target_per_period": "5",
        f"i{paid.pk}-horizon_months": "36",
        f"i{paid.pk}-higher_is_better": "on",
    }
    response = client.post(url(region, f"indicators/{paid.pk}/"), data)
    assert response.status_code == 422
    assert "the period cannot change any more" in response.content.decode()
    data[f"i{paid.pk}-period_kind"] = "quarter"
    assert client.post(url(region, f"indicators/{paid.pk}/"), data).status_code == 302
    paid.refresh_from_db()
    assert paid.target_per_period == 5 and paid.key == "clients_in_paid_work"


def test_a_dutch_spreadsheet_with_semicolons_and_decimal_commas(region, indicators):
    text = "indicator;period;value;source\ncosts_realised;1;12.500,75;finance\n"
    [(indicator, period, value, source, _note)] = monitoring.parse_measurements(region, text)
    assert (indicator.key, period, value, source) == (
        "costs_realised",
        1,
        Decimal("12500.75"),
        "finance",
    )


@pytest.mark.parametrize(
    "content",
    [
        b"indicator,period,value\nclients_enrolled,1,\x003\n",
        b'indicator,period,value\n"clients_enrolled,1,3\n',
        b"\n\n\n",
        b",,,\n,,,\n",
        b"indicator\tperiod\tvalue\nclients_enrolled\t1\t3\t\t\textra\n",
    ],
)
def test_nasty_files_are_refused_or_read_never_a_server_error(
    client, rpl, region, indicators, content
):
    client.force_login(rpl)
    upload = SimpleUploadedFile("m.csv", content, content_type="text/csv")
    response = client.post(url(region, "import/"), {"csv-file": upload})
    assert response.status_code in {302, 422}
