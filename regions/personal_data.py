"""Personal data in free text: what the guard on field notes looks for.

Field notes travel to every reader of a region's notes and into every export of them
(REFI-QDA, region export); the evaluation recorded that client information may not be
shared between the organisations. Notes are written in a hurry, so before one is saved its
text is checked for:

- a citizen service number (BSN): nine digits that pass the eleven-test;
- an IBAN whose check digits are right (mod 97);
- a Dutch phone number (mobile or landline, national or +31);
- an e-mail address;
- a date next to a word that says it is a date of birth;
- the name of one of the region's stakeholders.

Pure: no database. The caller passes the names to look for. A hit never blocks a save;
the person writing decides per hit (see ``sessions.guard``).
"""

import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

BSN, IBAN, PHONE, EMAIL, BIRTH_DATE, NAME = (
    "bsn",
    "iban",
    "phone",
    "email",
    "birth_date",
    "name",
)

REASONS = {
    BSN: _(
        "This looks like a citizen service number (BSN): nine digits that pass the eleven-test."
    ),
    IBAN: _("This looks like a bank account number (IBAN) with valid check digits."),
    PHONE: _("This looks like a Dutch phone number."),
    EMAIL: _("This looks like an e-mail address."),
    BIRTH_DATE: _("This looks like a date of birth."),
    NAME: _("This is the name of one of the region's stakeholders."),
}

KIND_LABELS = {
    BSN: _("citizen service number (BSN)"),
    IBAN: _("bank account number (IBAN)"),
    PHONE: _("phone number"),
    EMAIL: _("e-mail address"),
    BIRTH_DATE: _("date of birth"),
    NAME: _("stakeholder's name"),
}

REMOVED = "[removed]"


@dataclass(frozen=True)
class Hit:
    kind: str
    start: int
    end: int
    value: str

    @property
    def reason(self):
        return REASONS[self.kind]

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def key(self) -> str:
        """Names this hit in a form: the same text gives the same keys."""
        return f"{self.kind}-{self.start}-{self.end}"

    def masked(self) -> str:
        """The value with its middle hidden, for lists that others read."""
        if len(self.value) <= 4:
            return "•" * len(self.value)
        return self.value[:2] + "•" * (len(self.value) - 4) + self.value[-2:]


# --- the patterns ------------------------------------------------------------------------

# Nine digits, plain or grouped 4-2-3 as on a passport ("1234.56.782"), not part of a
# longer number, a decimal or an amount with separators.
_BSN = re.compile(r"(?<![\d.,€-])(\d{4})([. ]?)(\d{2})\2(\d{3})(?![\d]|[.,]\d)")
# An amount: a currency sign or word just before, or a currency word just after.
_CURRENCY_BEFORE = re.compile(r"(?:€|eur|euro|\$|£)\s*$", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(r"^\s*(?:euro|eur|€)", re.IGNORECASE)

_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b")
IBAN_LENGTHS = {"NL": 18, "BE": 16, "DE": 22, "FR": 27, "LU": 20, "GB": 22}

# +31 or 0031 or 0, then nine digits, with spaces, dashes or brackets between them.
_PHONE = re.compile(r"(?<![\w+(])\(?(?:\+31|0031|0)(?:[ \-]?\(0\))?(?:[ \-)]{0,2}\d){9}(?!\d)")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")

_MONTHS = (
    r"jan(?:uari|uary)?|feb(?:ruari|ruary)?|m(?:aa)?rt|march|apr(?:il)?|mei|may|"
    r"jun[ei]?|jul[iy]?|aug(?:ustus|ust)?|sep(?:tember)?|o[kc]t(?:ober)?|nov(?:ember)?|"
    r"dec(?:ember)?"
)
_DATE = (
    r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}"
    rf"|\d{{1,2}} (?:{_MONTHS})\.? (?:19|20)\d{{2}})"
)
_BIRTH_CUE = (
    r"geboren(?: op)?|geb\.|geboortedatum|born(?: on)?|date of birth|birth date|birthday|"
    r"d\.o\.b\.|dob|verjaardag|°"
)
_BIRTH_DATE = re.compile(rf"(?:{_BIRTH_CUE})\s*:?\s*({_DATE})", re.IGNORECASE)


def eleven_test(digits: str) -> bool:
    """The BSN's check: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11 (and not 0)."""
    if len(digits) != 9 or not digits.isdigit() or set(digits) == {"0"}:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(
        digits[8]
    )
    return total % 11 == 0


def iban_valid(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    country = compact[:2]
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    if country in IBAN_LENGTHS and len(compact) != IBAN_LENGTHS[country]:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


def _bsn_hits(text):
    for match in _BSN.finditer(text):
        digits = match.group(1) + match.group(3) + match.group(4)
        if not eleven_test(digits):
            continue
        before = text[max(0, match.start() - 5) : match.start()]
        after = text[match.end() : match.end() + 6]
        if _CURRENCY_BEFORE.search(before) or _CURRENCY_AFTER.search(after):
            continue
        yield Hit(BSN, match.start(), match.end(), match.group(0))


def _iban_hits(text):
    for match in _IBAN.finditer(text):
        value = match.group(1).rstrip()
        if iban_valid(value):
            yield Hit(IBAN, match.start(1), match.start(1) + len(value), value)


def _phone_hits(text):
    for match in _PHONE.finditer(text):
        yield Hit(PHONE, match.start(), match.end(), match.group(0))


def _email_hits(text):
    for match in _EMAIL.finditer(text):
        yield Hit(EMAIL, match.start(), match.end(), match.group(0))


def _birth_date_hits(text):
    for match in _BIRTH_DATE.finditer(text):
        yield Hit(BIRTH_DATE, match.start(1), match.end(1), match.group(1))


def _name_hits(text, names):
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 3}, key=len):
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        for match in pattern.finditer(text):
            yield Hit(NAME, match.start(), match.end(), match.group(0))


def find(text: str, names=()) -> list[Hit]:
    """Every passage of ``text`` that looks like personal data, in reading order.

    Where two hits overlap (an IBAN's digits that also pass the eleven-test, a name inside
    an e-mail address) the longer one is kept."""
    found = [
        *_iban_hits(text),
        *_email_hits(text),
        *_birth_date_hits(text),
        *_bsn_hits(text),
        *_phone_hits(text),
        *_name_hits(text, names),
    ]
    found.sort(key=lambda hit: (-(hit.end - hit.start), hit.start))
    kept: list[Hit] = []
    for hit in found:
        if all(hit.end <= other.start or hit.start >= other.end for other in kept):
            kept.append(hit)
    return sorted(kept, key=lambda hit: hit.start)


def replace(text: str, hits) -> str:
    """``text`` with each of ``hits`` replaced by [removed] (hits of this very text)."""
    for hit in sorted(hits, key=lambda hit: hit.start, reverse=True):
        if text[hit.start : hit.end] == hit.value:
            text = text[: hit.start] + REMOVED + text[hit.end :]
    return text


def fingerprint(kind: str, value: str) -> str:
    """A keyed hash of a passage: what "keep, not personal data" remembers, instead of the
    passage itself (which might be personal data after all)."""
    normal = re.sub(r"[\s.\-()]", "", value).casefold()
    message = f"{kind}:{normal}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
