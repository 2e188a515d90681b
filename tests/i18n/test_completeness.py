"""Every string the interface, emails and PDFs can show has a Dutch translation.

The catalogue is extracted afresh into a temporary copy of the committed ``django.po``
(exactly as ``makemessages`` would update it), so a string added to a template or a view
without a Dutch translation fails here, with its text in the message.
"""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from roadmap_site.translations import EXTENSIONS, IGNORE

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "nl" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "nl" / "LC_MESSAGES" / "django.mo"

needs_gettext = pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("msgfmt") and shutil.which("msgattrib")),
    reason="GNU gettext is not installed (apt-get install gettext)",
)


def _msgids(po_text: str) -> list[str]:
    """The msgids of a PO text, multi-line ones joined, the header left out."""
    ids = []
    for block in re.split(r"\n\s*\n", po_text):
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not match:
            continue
        text = "".join(re.findall(r'"(.*)"', match.group(1)))
        if text:
            ids.append(text)
    return ids


def _attrib(po: Path, *flags: str) -> list[str]:
    out = subprocess.run(
        ["msgattrib", "--no-obsolete", *flags, str(po)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return _msgids(out)


@needs_gettext
def test_every_extracted_string_has_a_dutch_translation(tmp_path, settings, monkeypatch):
    # makemessages writes into the locale folder beside the sources it walks, so it walks
    # a mirror: links to the project's sources next to a copy of the catalogue.
    base = Path(settings.BASE_DIR)
    mirror = tmp_path / "project"
    mirror.mkdir()
    for entry in base.iterdir():
        if not entry.name.startswith(".") and entry.name not in [*IGNORE, "locale"]:
            (mirror / entry.name).symlink_to(entry)
    copy = mirror / "locale"
    shutil.copytree(LOCALE, copy)
    settings.LOCALE_PATHS = [copy]
    monkeypatch.chdir(mirror)
    call_command(
        "makemessages",
        locale=["nl"],
        extensions=EXTENSIONS,
        ignore_patterns=IGNORE,
        symlinks=True,
        verbosity=0,
    )
    fresh = copy / "nl" / "LC_MESSAGES" / "django.po"
    untranslated = _attrib(fresh, "--untranslated")
    fuzzy = _attrib(fresh, "--only-fuzzy")
    problems = [f"untranslated: {m}" for m in untranslated] + [f"fuzzy: {m}" for m in fuzzy]
    assert not problems, (
        "Strings without a finished Dutch translation (run makemessages as in "
        "roadmap_site/translations.py, translate them in locale/nl/LC_MESSAGES/django.po, "
        "then compilemessages):\n" + "\n".join(problems)
    )
    # The committed file is the extracted one: nothing new waits outside it.
    assert set(_msgids(fresh.read_text())) <= set(_msgids(PO.read_text()))


def _catalog(mo: Path) -> dict:
    with mo.open("rb") as handle:
        catalog = dict(gettext.GNUTranslations(handle)._catalog)
    catalog.pop("", None)  # the header: its dates differ between compilations
    return catalog


@needs_gettext
def test_committed_mo_matches_the_po(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO)], check=True)
    assert _catalog(MO) == _catalog(compiled), (
        "locale/nl/LC_MESSAGES/django.mo is out of date: run "
        "python manage.py compilemessages -l nl -i .venv and commit it."
    )


def test_the_po_has_no_fuzzy_or_empty_entries_even_without_gettext():
    # A plain-text check that runs everywhere, also where gettext is missing.
    text = PO.read_text()
    assert "#, fuzzy" not in text
    assert not re.search(r'^msgstr ""\n\n', text, re.M)
