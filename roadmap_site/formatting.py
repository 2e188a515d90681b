"""Money in the reader's language: € 1,234.56 in English, € 1.234,56 in Dutch.

The one place amounts become text, so pages, chart descriptions and PDFs agree. The
thousands separator is forced here rather than switched on globally
(USE_THOUSAND_SEPARATOR), because a global switch would also group ids, years and
coordinates printed into URLs and SVG attributes. Spreadsheets never pass through here:
they keep real numbers.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

# Half up to the cent, as steps.business_case.cents rounds for display (the core sits below
# the steps and does not import them).
CENT = Decimal("0.01")

NBSP = "\u00a0"


def amount(value) -> str:
    """An amount without the currency sign, for columns headed "(€)": 1.234,56 in Dutch."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    sign = f"−{NBSP}" if number < 0 else ""
    return sign + number_format(abs(number), decimal_pos=2, use_l10n=True, force_grouping=True)


def money(value) -> str:
    """Rounded to cents; negative amounts as − € 1.234,56. The spaces do not break, so an
    amount never wraps over two lines. Empty values show as a dash."""
    text = amount(value)
    if text == "–" or not text[-1:].isdigit():
        return text
    if text.startswith("−"):
        return f"−{NBSP}€{NBSP}{text[2:]}"
    return f"€{NBSP}{text}"
