"""Pseudonyms for the ethics protocol: stakeholders' names, e-mail addresses and
organisations in exported text replaced by stable codes, with the key kept apart.

Pure: no Django. The caller gives the people and organisations (``Person``,
``Organisation``); a code is derived from the primary key (``P007``, ``O012``), so the same
person has the same code in every export, whatever else was added or deleted meanwhile.

``Pseudonymiser.rewrite`` returns the new text with a map of offsets, so that a coded
passage still covers the same characters of the changed text: a passage that began inside
a replaced name begins at the pseudonym, one that ended inside it ends after it.
"""

import bisect
import re
from dataclasses import dataclass

MIN_LENGTH = 3  # shorter strings would be found inside ordinary words' neighbours


@dataclass(frozen=True)
class Person:
    pk: int
    name: str
    email: str = ""
    organisation: str = ""

    @property
    def pseudonym(self) -> str:
        return f"P{self.pk:03d}"


@dataclass(frozen=True)
class Organisation:
    pk: int
    name: str

    @property
    def pseudonym(self) -> str:
        return f"O{self.pk:03d}"


@dataclass(frozen=True)
class Rewritten:
    text: str
    # (start, end) in the old text and (start, end) in the new text of each replacement
    replaced: tuple[tuple[int, int, int, int], ...]

    def _shift(self, position: int, *, end: bool) -> int:
        starts = [r[0] for r in self.replaced]
        index = bisect.bisect_right(starts, position) - 1
        if index < 0:
            return position
        old_start, old_end, new_start, new_end = self.replaced[index]
        if position == old_start:
            return new_start
        if position < old_end:  # inside a replaced name: take the whole pseudonym
            return new_end if end else new_start
        return position - old_end + new_end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the old text (end exclusive) as the span of the new text."""
        return self._shift(start, end=False), self._shift(end, end=True)


class Pseudonymiser:
    def __init__(self, people=(), organisations=()):
        self.people = sorted(people, key=lambda p: p.pk)
        self.organisations = sorted(organisations, key=lambda o: o.pk)
        replacements = {}
        # Organisations first, so that a person's own name wins where both match.
        for organisation in self.organisations:
            replacements[organisation.name.strip().casefold()] = organisation.pseudonym
        for person in self.people:
            for value in (person.name, person.email):
                if value and value.strip():
                    replacements[value.strip().casefold()] = person.pseudonym
        self.replacements = {k: v for k, v in replacements.items() if len(k) >= MIN_LENGTH}
        # Longest first: "Anna de Vries" before "Anna", an e-mail before the name in it.
        alternatives = sorted(self.replacements, key=len, reverse=True)
        self.pattern = (
            re.compile(
                r"(?<![\w@.])(" + "|".join(re.escape(a) for a in alternatives) + r")(?![\w@])",
                re.IGNORECASE,
            )
            if alternatives
            else None
        )

    def rewrite(self, text: str) -> Rewritten:
        text = text or ""
        if self.pattern is None:
            return Rewritten(text, ())
        parts, replaced = [], []
        position = shift = 0
        for match in self.pattern.finditer(text):
            pseudonym = self.replacements[match.group(1).casefold()]
            parts.append(text[position : match.start()])
            parts.append(pseudonym)
            new_start = match.start() + shift
            replaced.append((match.start(), match.end(), new_start, new_start + len(pseudonym)))
            shift += len(pseudonym) - (match.end() - match.start())
            position = match.end()
        parts.append(text[position:])
        return Rewritten("".join(parts), tuple(replaced))

    def __call__(self, text: str) -> str:
        return self.rewrite(text).text

    def key_rows(self) -> list[list[str]]:
        """pseudonym, kind, name, organisation, e-mail: the key file's rows."""
        rows = [[o.pseudonym, "organisation", o.name, "", ""] for o in self.organisations]
        rows += [[p.pseudonym, "person", p.name, p.organisation, p.email] for p in self.people]
        return rows
