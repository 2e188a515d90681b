"""The national unit-cost library: its services (writes) and selectors (reads), and how a
business-case item follows a library value.

An item copies the amount of the library version it was picked from (indexed to a price
year when asked) and remembers the version. A new version changes no item: the business
case page shows "library value changed from € X to € Y" and the project leader accepts the
new figure item by item (``item_update_from_library``). A 2b decision keeps its own
frozen copy, so accepting a new figure never changes a decision's figures either.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from .models import PriceIndex, ScenarioCost, UnitValue, UnitValueVersion
from .price_index import index_amount

# --- Selectors -------------------------------------------------------------------------------


def index_table() -> dict[int, Decimal]:
    return dict(PriceIndex.objects.values_list("year", "index"))


def latest_versions() -> dict[int, UnitValueVersion]:
    """{unit value id: its newest version}, the unit values attached: one query for the
    whole library (it holds tens of values, not thousands)."""
    latest: dict[int, UnitValueVersion] = {}
    for version in UnitValueVersion.objects.select_related("unit_value").order_by("number"):
        latest[version.unit_value_id] = version
    return latest


def offered(latest: dict[int, UnitValueVersion], use: str, today: datetime.date):
    """The newest versions a region may pick for a cost or a benefit, by name: a value
    whose newest version stopped being valid is no longer offered."""
    return sorted(
        (
            version
            for version in latest.values()
            if version.unit_value.use == use
            and (version.valid_to is None or version.valid_to >= today)
        ),
        key=lambda version: version.unit_value.name,
    )


def library_entries():
    """Every library value with its versions, newest first: the library page."""
    return UnitValue.objects.prefetch_related("versions__recorded_by").order_by("use", "name")


def item_amount(item) -> Decimal:
    return item.amount if isinstance(item, ScenarioCost) else item.monthly_amount


@dataclass(frozen=True)
class LibraryChange:
    """An item whose library value has a newer version than the one it came from."""

    item: object  # ScenarioCost | ScenarioBenefit
    used: UnitValueVersion
    latest: UnitValueVersion
    proposed: Decimal | None  # the new amount in the item's price year; None: not indexable

    @property
    def kind(self) -> str:
        return "cost" if isinstance(self.item, ScenarioCost) else "benefit"


def library_change(item, latest: dict[int, UnitValueVersion], table) -> LibraryChange | None:
    used = item.library_version
    if used is None:
        return None
    newest = latest.get(used.unit_value_id)
    if newest is None or newest.number <= used.number:
        return None
    try:
        proposed = index_amount(newest.amount, newest.price_year, item.price_year, table)
    except ValueError:
        proposed = None
    return LibraryChange(item=item, used=used, latest=newest, proposed=proposed)


# --- Services --------------------------------------------------------------------------------


@transaction.atomic
def unit_value_create(
    *,
    by,
    name: str,
    unit: str,
    use: str,
    kind: str,
    cashable: bool,
    sector: str,
    amount: Decimal,
    price_year: int,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    source: str,
    source_url: str = "",
    is_demo: bool = False,
) -> UnitValue:
    value = UnitValue.objects.create(
        name=name,
        unit=unit,
        use=use,
        kind=kind,
        cashable=cashable,
        sector=sector,
        is_demo=is_demo,
    )
    UnitValueVersion.objects.create(
        unit_value=value,
        number=1,
        amount=amount,
        price_year=price_year,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
        source_url=source_url,
        recorded_by=by,
    )
    return value


@transaction.atomic
def unit_value_revise(
    *,
    unit_value: UnitValue,
    by,
    amount: Decimal,
    price_year: int,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    source: str,
    source_url: str = "",
    note: str = "",
) -> UnitValueVersion:
    """Record a new version of a library value; the lock numbers versions one by one when
    two people revise at once."""
    UnitValue.objects.select_for_update().get(pk=unit_value.pk)
    newest = unit_value.versions.order_by("-number").first()
    same = (amount, price_year, valid_from, valid_to, source, source_url)
    if newest is not None and same == (
        newest.amount,
        newest.price_year,
        newest.valid_from,
        newest.valid_to,
        newest.source,
        newest.source_url,
    ):
        return newest  # the same figure posted twice is one version
    last = unit_value.versions.aggregate(last=Max("number"))["last"] or 0
    return UnitValueVersion.objects.create(
        unit_value=unit_value,
        number=last + 1,
        amount=amount,
        price_year=price_year,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
        source_url=source_url,
        note=note,
        recorded_by=by,
    )


def price_index_set(*, year: int, index: Decimal, source: str = "") -> PriceIndex:
    entry, _created = PriceIndex.objects.update_or_create(
        year=year, defaults={"index": index, "source": source}
    )
    return entry


@transaction.atomic
def item_update_from_library(item) -> bool:
    """Take the newest version of the item's library value, indexed to the item's price
    year. False when there is nothing newer (a post sent twice changes it once)."""
    model = type(item)
    item = (
        model.objects.select_for_update(of=("self",))
        .select_related("library_version")
        .get(pk=item.pk)
    )
    change = library_change(item, latest_versions(), index_table())
    if change is None or change.proposed is None:
        return False
    if model is ScenarioCost:
        item.amount = change.proposed
    else:
        item.monthly_amount = change.proposed
    item.library_version = change.latest
    item.save()
    return True


def picked_amount(version: UnitValueVersion, price_year: int | None, table) -> Decimal:
    """The amount an item takes from a library version (``PriceIndexError`` when the
    index has no figure for a year)."""
    return index_amount(version.amount, version.price_year, price_year, table)
