"""Step 5: monitoring indicators, what the accepted business case projects for them, the
measurements import and the below-target warning.

Projections come from the scenario accepted at the 2b decision, frozen as it was then
(``Decision.accepted_scenario_snapshot``), so a later edit of the scenario does not move
the goalposts of the monitoring.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import business_case as bc
from .models import Decision, Indicator, Measurement, PeriodKind
from .scenarios import evaluate_snapshot
from .selectors import PAID_WORK_KEY, accepted_decision

ENROLLED = "clients_enrolled"
OTHER_PARTICIPATION = "clients_in_other_participation"
COSTS = "costs_realised"
SAVED = "benefit_payments_saved"

# key: (name, unit)
DEFAULT_INDICATORS = {
    ENROLLED: (gettext_lazy("Clients enrolled"), gettext_lazy("clients")),
    PAID_WORK_KEY: (gettext_lazy("Clients in paid work"), gettext_lazy("clients")),
    OTHER_PARTICIPATION: (
        gettext_lazy("Clients in other participation"),
        gettext_lazy("clients"),
    ),
    COSTS: (gettext_lazy("Costs realised"), "€"),
    SAVED: (gettext_lazy("Benefit payments saved"), "€"),
}

# The client outcomes besides paid work that the accepted scenario states get an
# indicator each, keyed "outcome-<name as a slug>".
OUTCOME_PREFIX = "outcome-"

MONTHS_PER_PERIOD = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3}
MAX_IMPORT_BYTES = 1_000_000


def period_count(indicator: Indicator) -> int:
    return max(1, indicator.horizon_months // MONTHS_PER_PERIOD[indicator.period_kind])


def accepted_evaluation(region) -> tuple[Decision | None, bc.Evaluation | None]:
    decision = accepted_decision(region)
    if decision is None:
        return None, None
    return decision, evaluate_snapshot(decision.accepted_scenario_snapshot)


def outcome_keys(outcomes) -> dict[str, str]:
    """{outcome name: indicator key}: a slug of the name, numbered when two names make the
    same slug, within the key's 50 characters."""
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for number, outcome in enumerate(outcomes, start=1):
        key = (OUTCOME_PREFIX + (slugify(outcome.name) or str(number)))[:50].rstrip("-")
        base, suffix = key[:46].rstrip("-"), 2
        while key in taken:
            key, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(key)
        keys[outcome.name] = key
    return keys


def _outcome_expected(key: str, evaluation: bc.Evaluation) -> Decimal | None:
    names = {k: name for name, k in outcome_keys(evaluation.scenario.outcomes).items()}
    if key not in names:
        return None
    outcome = next(o for o in evaluation.scenario.outcomes if o.name == names[key])
    return Decimal(outcome.expected_clients)


def projection(indicator: Indicator, evaluation: bc.Evaluation | None) -> list | None:
    """What the accepted scenario expects per period, or None when it says nothing about
    this indicator. Periods beyond the scenario's horizon have no projection."""
    if evaluation is None:
        return None
    outcome = _outcome_expected(indicator.key, evaluation)
    if outcome is None and indicator.key not in (ENROLLED, PAID_WORK_KEY, COSTS, SAVED):
        return None
    length = MONTHS_PER_PERIOD[indicator.period_kind]
    months = evaluation.months
    scenario = evaluation.scenario
    values = []
    for period in range(1, period_count(indicator) + 1):
        first, last = (period - 1) * length + 1, period * length
        if first > len(months):
            values.append(None)
            continue
        if outcome is not None:
            # Like paid work: reached from the month after the lag on.
            values.append(outcome if last > scenario.lag_months else Decimal(0))
        elif indicator.key == ENROLLED:
            values.append(Decimal(scenario.clients))
        elif indicator.key == PAID_WORK_KEY:
            # Clients are in work from the month after the lag on.
            values.append(scenario.expected_in_work if last > scenario.lag_months else Decimal(0))
        else:
            span = months[first - 1 : last]
            attr = "cost" if indicator.key == COSTS else "saving"
            values.append(bc.cents(sum((getattr(p, attr) for p in span), Decimal(0))))
    return values


def steady_target(key: str, evaluation: bc.Evaluation, period_kind: str) -> Decimal | None:
    """The target per period once the scenario runs: what dashboards compare against."""
    length = MONTHS_PER_PERIOD[period_kind]
    outcome = _outcome_expected(key, evaluation)
    if outcome is not None:
        return outcome
    if key == ENROLLED:
        return Decimal(evaluation.scenario.clients)
    if key == PAID_WORK_KEY:
        return evaluation.expected_in_work
    if key == SAVED:
        monthly = max((p.saving for p in evaluation.months), default=Decimal(0))
        return bc.cents(monthly * length)
    if key == COSTS:
        return bc.cents(evaluation.total_invested / len(evaluation.months) * length)
    return None


@transaction.atomic
def indicators_setup(region, start_date=None) -> list[Indicator]:
    """Create the default indicators (those missing) and derive their targets from the
    accepted scenario where it applies. Running it again refreshes the derived targets."""
    decision, evaluation = accepted_evaluation(region)
    horizon = evaluation.scenario.horizon_months if evaluation else 36
    existing = {i.key: i for i in Indicator.objects.filter(region=region)}
    result = []
    for order, (key, (name, unit)) in enumerate(DEFAULT_INDICATORS.items()):
        # Stored in the source language whoever sets them up; display_name translates.
        with translation.override(settings.LANGUAGE_CODE):
            name, unit = str(name), str(unit)
        indicator = existing.get(key) or Indicator(
            region=region,
            key=key,
            name=name,
            unit=unit,
            order=order,
            horizon_months=horizon,
            start_date=start_date,
            higher_is_better=key != COSTS,
        )
        if evaluation is not None:
            target = steady_target(key, evaluation, indicator.period_kind)
            if target is not None:
                indicator.target_per_period = target
                indicator.derived_from_id = decision.accepted_scenario_id
                indicator.horizon_months = horizon
        indicator.save()
        result.append(indicator)
    if evaluation is not None:
        result += _outcome_indicators(region, evaluation, decision, existing, start_date)
    return result


def _outcome_indicators(region, evaluation, decision, existing, start_date) -> list[Indicator]:
    """One indicator per client outcome of the accepted scenario, its target the clients
    expected; an indicator made for an earlier accepted scenario stays with its measurements."""
    result = []
    horizon = evaluation.scenario.horizon_months
    order = len(DEFAULT_INDICATORS)
    for number, (name, key) in enumerate(outcome_keys(evaluation.scenario.outcomes).items()):
        with translation.override(settings.LANGUAGE_CODE):
            unit = str(gettext_lazy("clients"))
        indicator = existing.get(key) or Indicator(
            region=region,
            key=key,
            name=name[:200],
            unit=unit,
            order=order + number,
            horizon_months=horizon,
            start_date=start_date,
            higher_is_better=True,
        )
        indicator.target_per_period = steady_target(key, evaluation, indicator.period_kind)
        indicator.derived_from_id = decision.accepted_scenario_id
        indicator.horizon_months = horizon
        indicator.save()
        result.append(indicator)
    return result


@dataclass
class Status:
    """One indicator on the monitoring page: actual and expected per period."""

    indicator: Indicator
    actual: list  # per period, None where nothing was measured
    expected: list  # per period, None where there is no target
    # The first two periods running on the wrong side of target: below it, or above it for
    # an indicator where lower is better (costs).
    warning_periods: tuple[int, int] | None
    measurements: dict


def indicator_status(indicator: Indicator, evaluation) -> Status:
    count = period_count(indicator)
    measured = {m.period: m for m in indicator.measurements.all()}
    actual = [measured[p].value if p in measured else None for p in range(1, count + 1)]
    projected = projection(indicator, evaluation)
    if projected is None:
        projected = [indicator.target_per_period] * count
    warning = None

    def off_target(a, e) -> bool:
        if a is None or e is None:
            return False
        return a < e if indicator.higher_is_better else a > e

    for index in range(1, count):
        if off_target(actual[index - 1], projected[index - 1]) and off_target(
            actual[index], projected[index]
        ):
            warning = (index, index + 1)
            break
    return Status(indicator, actual, projected, warning, measured)


# --- CSV import --------------------------------------------------------------------------

COLUMNS = ("indicator", "period", "value", "source", "note")


class ImportRefused(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _read(upload) -> str:
    if upload.size > MAX_IMPORT_BYTES:
        raise ImportRefused([_("The file is larger than 1 MB.")])
    raw = upload.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([_("The file is not UTF-8 text; save it as CSV (UTF-8).")]) from None


def parse_measurements(region, text: str) -> list[tuple[Indicator, int, Decimal, str, str]]:
    """Every row checked; any error refuses the whole file with every error listed by
    line number."""
    indicators = {i.key: i for i in Indicator.objects.filter(region=region)}
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return _parse_rows(indicators, csv.reader(io.StringIO(text), dialect), dialect)
    except csv.Error as error:
        # A NUL byte or an unterminated quote: the file is not a CSV we can read.
        raise ImportRefused(
            [_("The file is not a readable CSV file (%(error)s).") % {"error": error}]
        ) from None


def _number(raw: str, delimiter: str) -> Decimal:
    raw = raw.replace(" ", "").replace("\u00a0", "")
    if delimiter != "," and "," in raw:
        # Dutch spreadsheets write 1.234,5 and separate columns with a semicolon.
        raw = raw.replace(".", "").replace(",", ".")
    value = Decimal(raw)
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise InvalidOperation
    return value


# The monitoring download (regions/exports.py) titles these columns in the user's language;
# its file imports back as it is, in either language.
EXPORT_TITLES = {
    "indicator": gettext_lazy("Indicator"),
    "period": gettext_lazy("Period"),
    "value": gettext_lazy("Value"),
    "source": gettext_lazy("Source"),
    "note": gettext_lazy("Note"),
}


def _column_names() -> dict[str, str]:
    """Header cell (lower case) -> import column: the names above and the download's
    titles in every language of the site."""
    names = {name: name for name in COLUMNS}
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            names.update({str(title).lower(): name for name, title in EXPORT_TITLES.items()})
    return names


def _indicator_names(indicators: dict) -> dict:
    """An indicator by its key, its stored name or its name in any language of the site
    (the download names indicators, the import template uses keys)."""
    found = {}
    for indicator in indicators.values():
        found[indicator.name.lower()] = indicator
        for language, _label in settings.LANGUAGES:
            with translation.override(language):
                found[str(indicator.display_name).lower()] = indicator
    found.update(indicators)
    return found


def _parse_rows(indicators, reader, dialect):
    names = _column_names()
    indicators = _indicator_names(indicators)
    header = [names.get(cell.strip().lower(), cell.strip().lower()) for cell in next(reader, [])]
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        raise ImportRefused(
            [
                _("Line 1: the header must name the columns %(columns)s; missing: %(missing)s.")
                % {"columns": ", ".join(COLUMNS), "missing": ", ".join(missing)}
            ]
        )
    at = {name: header.index(name) for name in COLUMNS if name in header}
    errors, rows, seen = [], [], {}
    for cells in reader:
        line = reader.line_num  # the file's own line, also after a quoted line break
        if not any(cell.strip() for cell in cells):
            continue

        def cell(name, cells=cells):
            index = at.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        key = cell("indicator")
        indicator = indicators.get(key) or indicators.get(key.lower())
        if indicator is None:
            errors.append(
                _("Line %(line)s: unknown indicator “%(key)s”.") % {"line": line, "key": key}
            )
            continue
        try:
            period = int(cell("period"))
        except ValueError:
            errors.append(
                _("Line %(line)s: the period “%(value)s” is not a whole number.")
                % {"line": line, "value": cell("period")}
            )
            continue
        if not 1 <= period <= period_count(indicator):
            errors.append(
                _("Line %(line)s: period %(period)s lies outside the horizon (1 to %(last)s).")
                % {"line": line, "period": period, "last": period_count(indicator)}
            )
            continue
        try:
            value = _number(cell("value"), dialect.delimiter)
        except InvalidOperation:
            errors.append(
                _("Line %(line)s: “%(value)s” is not a number.")
                % {"line": line, "value": cell("value")}
            )
            continue
        if (indicator.key, period) in seen:
            errors.append(
                _("Line %(line)s: %(key)s for period %(period)s is already on line %(first)s.")
                % {
                    "line": line,
                    "key": key,
                    "period": period,
                    "first": seen[(indicator.key, period)],
                }
            )
            continue
        seen[(indicator.key, period)] = line
        rows.append(
            (indicator, period, value.quantize(Decimal("0.01")), cell("source")[:200], cell("note"))
        )
    if errors:
        raise ImportRefused(errors)
    if not rows:
        raise ImportRefused([_("The file holds no measurements.")])
    return rows


@transaction.atomic
def import_measurements(region, upload) -> int:
    """Write every row of the file, or nothing. Rows replace an earlier measurement of the
    same indicator and period (an import corrects what was entered before)."""
    rows = parse_measurements(region, _read(upload))
    stored = {
        (m.indicator_id, m.period): m for m in Measurement.objects.filter(indicator__region=region)
    }
    for indicator, period, value, source, note in rows:
        before = stored.get((indicator.pk, period))
        if before is not None and (before.value, before.source, before.note) == (
            value,
            source,
            note,
        ):
            continue  # unchanged (a download imported back): no write, no audit entry
        Measurement.objects.update_or_create(
            indicator=indicator,
            period=period,
            defaults={"value": value, "source": source, "note": note},
        )
    return len(rows)
