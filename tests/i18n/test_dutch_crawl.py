"""Every page a role can reach, read in Dutch: no server error, the page says it is Dutch,
chart coordinates keep their decimal point, and no English sentence of the catalogue is
left on it (a string rendered outside the translation machinery)."""

import gettext
import re
from collections import Counter
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

MO = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.mo"
SKIPPED = ("/accounts/", "/admin/", "/static/", "/i18n/")
COORDINATE = re.compile(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height)="-?\d+,\d')
LINK = re.compile(r'href="([^"#]+)')
# Text the demo's users typed that happens to equal a catalogue entry (a session title).
TYPED_BY_USERS = {"Target group and intervention"}


def _english_sentences():
    """Catalogue entries of at least four words whose Dutch differs: if one of these
    shows on a Dutch page, something bypassed the translation."""
    with MO.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    sentences = set()
    for key, value in catalog.items():
        source = key[0] if isinstance(key, tuple) else key
        if "%" in source or "{" in source or len(source.split()) < 4 or source == value:
            continue
        sentences.add(source)
    return sentences - TYPED_BY_USERS


@pytest.fixture
def demo(module_demo, db):
    """The demo, made once for this module's tests."""


OTHER_LANGUAGE = re.compile(r'<(h1|pre|p|div)\b[^>]*\blang="(?!nl")[^"]*"[^>]*>.*?</\1>', re.S)


# The national project leader reaches almost every page; the other two see their own.
@pytest.mark.parametrize("username", ["npl", "rpl1", "stakeholder1"])
def test_every_reachable_page_reads_as_dutch(client, demo, username):
    client.force_login(get_user_model().objects.get(username=username))
    client.cookies["django_language"] = "nl"
    english = _english_sentences()
    queue, seen, shapes, problems = ["/"], set(), Counter(), []
    while queue and len(seen) < 60:
        path = urlsplit(queue.pop(0)).path
        shape = re.sub(r"\d+", "N", path)
        if path in seen or shapes[shape] >= 2 or path.startswith(SKIPPED):
            continue
        seen.add(path)
        shapes[shape] += 1
        response = client.get(path)
        if response.status_code >= 500:
            problems.append(f"{path}: {response.status_code}")
            continue
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if "<html" in html and '<html lang="nl">' not in html:
            problems.append(f"{path}: not marked as Dutch")
        for match in COORDINATE.finditer(html):
            problems.append(f"{path}: decimal comma in a coordinate {match.group(0)!r}")
        # A mail in the outbox is shown in the language it was written in, for its
        # recipient, and marked so (lang="en"): that is not English left on a Dutch page.
        html = OTHER_LANGUAGE.sub(" ", html)
        text = unescape(re.sub(r"<[^>]+>", " ", html))
        text = re.sub(r"\s+", " ", text)
        for sentence in english:
            if sentence in text:
                problems.append(f"{path}: English left: {sentence!r}")
        queue.extend(
            urlsplit(urljoin(path, link)).path
            for link in LINK.findall(html)
            if not urlsplit(urljoin(path, link)).netloc
        )
    assert len(seen) > 5
    assert not problems, "\n".join(sorted(set(problems)))
