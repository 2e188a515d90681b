"""A field note's Markdown as the plain text its reader sees, with a map between the two.

Codings index the stored Markdown (``Coding.start``/``end``); an analysis program receives
the plain text (no ``*``, ``#``, link targets), so every offset is moved onto that text and,
for codings that come back, moved back again. Pure: strings in, strings and integers out.

What is taken out: emphasis marks (``*``, ``**``, ``_``, ``__``) around text, backticks of
code spans, the ``#`` of headings and ``>`` of quotes at the start of a line, the brackets
and target of ``[text](url)`` links, the backslash of an escaped character, and the ``\\r``
of Windows line ends. A lone ``*`` stays: Markdown shows it too. List marks stay (the reader
sees a bullet or number there).
"""

import bisect
import re
from dataclasses import dataclass
from itertools import compress

_LINE_MARK = re.compile(r"^( {0,3})(#{1,6}[ \t]+|>[ \t]?)", re.MULTILINE)
_LINK = re.compile(r"(\[)([^\]\n]+)(\]\([^)\s]*(?:\s+\"[^\"]*\")?\))")
_CODE = re.compile(r"(`+)([^`\n]+?)(\1)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)(\1)")
_EM_STAR = re.compile(r"(\*)(?=[^\s*])(.+?)(?<=[^\s*])(\*)")
_EM_UNDERSCORE = re.compile(r"(?<![\w_])(_)(?=\S)(.+?)(?<=\S)(_)(?![\w_])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])")


@dataclass(frozen=True)
class PlainText:
    text: str
    kept: tuple[int, ...]  # for each character of ``text``, its index in the Markdown
    source_length: int

    def to_plain(self, start: int, end: int) -> tuple[int, int]:
        """A span of the Markdown (end exclusive) as a span of the plain text; empty when
        the span held only marks."""
        return bisect.bisect_left(self.kept, start), bisect.bisect_left(self.kept, end)

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """A span of the plain text as the span of the Markdown that shows it."""
        if not (0 <= start < end <= len(self.kept)):
            raise ValueError("span outside the text")
        return self.kept[start], self.kept[end - 1] + 1


# Characters that can start or end a mark; a note without any is its own plain text.
_MARK_CHARS = re.compile(r"[\r#>`\[*_\\]")
# Turns the bytearray of dropped characters into the mask of kept ones (for compress).
_KEEP = bytes.maketrans(b"\x00\x01", b"\x01\x00")


def to_plain_text(markdown: str) -> PlainText:
    markdown = markdown or ""
    if not _MARK_CHARS.search(markdown):
        return PlainText(
            text=markdown, kept=tuple(range(len(markdown))), source_length=len(markdown)
        )
    drop = bytearray(len(markdown))
    # The Markdown with every character taken out so far read as a neutral one (below);
    # kept in step with ``drop`` rather than rebuilt character by character per pattern.
    neutral = list(markdown)

    def mark(start, end):
        drop[start:end] = b"\x01" * (end - start)
        neutral[start:end] = "\x00" * (end - start)

    def free(match, group):
        return not any(drop[match.start(group) : match.end(group)])

    for match in re.finditer("\r\n", markdown):
        mark(match.start(), match.start() + 1)
    for match in _LINE_MARK.finditer(markdown):
        mark(match.start(2), match.end(2))
    # An escaped character and what is inside a code span are shown as typed.
    protected = bytearray(len(markdown))
    for match in _ESCAPE.finditer(markdown):
        mark(match.start(), match.start() + 1)
        protected[match.start() + 1] = 1
    for match in _CODE.finditer(markdown):
        if free(match, 1):
            mark(match.start(1), match.end(1))
            mark(match.start(3), match.end(3))
            protected[match.start(2) : match.end(2)] = b"\x01" * len(match.group(2))
    for match in _LINK.finditer(markdown):
        mark(match.start(1), match.end(1))
        mark(match.start(3), match.end(3))
    for pattern in (_STRONG, _EM_STAR, _EM_UNDERSCORE):
        # Marks already taken out read as a neutral character, so that the closing "**"
        # of a strong span is not taken for the opening "*" of the next emphasis.
        view = "".join(neutral)
        for match in pattern.finditer(view):
            opening, closing = match.start(1), match.start(3)
            if protected[opening] or protected[closing]:
                continue
            mark(match.start(1), match.end(1))
            mark(match.start(3), match.end(3))
    keep = drop.translate(_KEEP)
    kept = tuple(compress(range(len(markdown)), keep))
    text = "".join(compress(markdown, keep)).replace("\r", "\n")
    return PlainText(text=text, kept=kept, source_length=len(markdown))
