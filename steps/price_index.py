"""Bringing an amount from one price year to another with the yearly price index the
national project leader keeps. Pure Python: the index arrives as a {year: index} mapping.

``amount × index[to_year] / index[from_year]``, rounded to cents (half up), because the
result becomes the amount of a cost or benefit that people read and type over.
"""

from collections.abc import Mapping
from decimal import Decimal

from .business_case import BusinessCaseError, cents


class PriceIndexError(BusinessCaseError):
    """A year the index table does not have."""


def index_amount(
    amount: Decimal, from_year: int, to_year: int | None, table: Mapping[int, Decimal]
) -> Decimal:
    """``amount`` in prices of ``from_year`` expressed in prices of ``to_year`` (None or
    the same year: unchanged)."""
    amount = Decimal(amount)
    if to_year is None or to_year == from_year:
        return cents(amount)
    missing = [year for year in (from_year, to_year) if year not in table]
    if missing:
        raise PriceIndexError(
            "The price index has no figure for " + " and ".join(str(y) for y in missing) + "."
        )
    return cents(amount * Decimal(table[to_year]) / Decimal(table[from_year]))
