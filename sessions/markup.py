"""Field notes are Markdown; what reaches the browser is sanitised HTML.

Markdown passes raw HTML through, so everything it produces goes through nh3 (an allow-list
sanitiser): scripts, event-handler attributes and ``javascript:`` links are removed.
"""

from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "blockquote", "code", "pre", "hr",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody",
    "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str) -> str:
    return mark_safe(_sanitised_html(text or ""))  # noqa: S308 - sanitised by nh3


@lru_cache(maxsize=1024)
def _sanitised_html(text: str) -> str:
    """The same text gives the same HTML, whoever reads it: kept per process for the pages
    that show the same notes again and again (issue 23). In process memory, not in the
    shared cache, so note text goes nowhere it was not before."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return clean
