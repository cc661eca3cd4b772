"""The translation catalogues (dangvu/locale, and a module's own <module>/locale): complete, not
guessed, and compiled.

Vietnamese is the source language (its catalogue's msgstr stay empty); every other catalogue must
translate every entry. Update and compile with ``make messages``.
"""

import re
from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.conf import settings

PACKAGE_DIR = Path(settings.BASE_DIR) / "dangvu"
CATALOGUES = sorted(PACKAGE_DIR.glob("**/locale/*/LC_MESSAGES/django.po"))
LOCALE_DIRS = sorted({path.parents[2] for path in CATALOGUES})
TRANSLATIONS = [po for po in CATALOGUES if po.parts[-3] != settings.LANGUAGE_CODE]
# A translator comment starting with this marks two sources that rightly share one translation.
SHARED = "Same English as"


def ids(paths):
    return [str(path.parent.parent.relative_to(PACKAGE_DIR)) for path in paths]


def describe(entry: polib.POEntry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{context}{entry.msgid!r} ({', '.join(sorted({place for place, _line in entry.occurrences}))})"


def entries(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


@pytest.mark.parametrize(
    "locale_dir", LOCALE_DIRS, ids=[str(d.relative_to(PACKAGE_DIR)) for d in LOCALE_DIRS]
)
def test_there_is_a_catalogue_for_every_language(locale_dir):
    found = sorted(path.parts[-3] for path in locale_dir.glob("*/LC_MESSAGES/django.po"))
    assert found == sorted(code for code, _name in settings.LANGUAGES)


@pytest.mark.parametrize("path", CATALOGUES, ids=ids(CATALOGUES))
def test_no_entry_is_fuzzy(path):
    catalogue = polib.pofile(str(path))
    fuzzy = [describe(entry) for entry in catalogue.fuzzy_entries()]
    assert not catalogue.metadata_is_fuzzy, f"{path}: the header is marked fuzzy"
    assert not fuzzy, (
        f"{path}: fuzzy entries are guesses, not translations; check and unmark them:\n" + "\n".join(fuzzy)
    )


@pytest.mark.parametrize("path", TRANSLATIONS, ids=ids(TRANSLATIONS))
def test_every_entry_is_translated(path):
    empty = [
        describe(entry)
        for entry in entries(path)
        if not (entry.msgstr if not entry.msgid_plural else all(entry.msgstr_plural.values()))
    ]
    assert not empty, f"{path}: translate these (docs/glossary.md):\n" + "\n".join(empty)


@pytest.mark.parametrize("path", TRANSLATIONS, ids=ids(TRANSLATIONS))
def test_no_two_sources_share_a_translation(path):
    """Two different texts translated alike is how a wrong guess shows ("Đảng tịch" and "Đảng vụ số"
    both "Digital Party Office"). Case and a final full stop do not make texts different; a translator
    comment "Same English as …" accepts a real synonym."""
    by_translation = defaultdict(list)
    for entry in entries(path):
        if entry.msgid_plural or entry.tcomment.startswith(SHARED):
            continue
        by_translation[entry.msgstr.casefold().rstrip(".")].append(entry)
    shared = [
        f"{group[0].msgstr!r} ← " + "; ".join(describe(entry) for entry in group)
        for group in by_translation.values()
        if len({entry.msgid.casefold().rstrip(".") for entry in group}) > 1
    ]
    assert not shared, f"{path}: different sources with the same translation:\n" + "\n".join(shared)


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


@pytest.mark.parametrize("path", TRANSLATIONS, ids=ids(TRANSLATIONS))
def test_translations_keep_the_placeholders(path):
    broken = []
    for entry in entries(path):
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        expected = sorted(set(PLACEHOLDER.findall(entry.msgid)))
        broken += [
            describe(entry) for text in translations if sorted(set(PLACEHOLDER.findall(text))) != expected
        ]
    assert not broken, f"{path}: placeholders differ from the source:\n" + "\n".join(broken)


def _pairs(catalogue: polib.POFile | polib.MOFile) -> dict[tuple[str | None, str], object]:
    """What a compiled catalogue holds: translated entries (msgfmt leaves out empty and fuzzy ones)."""
    pairs = {}
    for entry in catalogue:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue
        if entry.msgid_plural:
            forms = tuple(text for _index, text in sorted(entry.msgstr_plural.items()))
            if all(forms):
                pairs[entry.msgctxt or None, entry.msgid] = forms
        elif entry.msgstr:
            pairs[entry.msgctxt or None, entry.msgid] = entry.msgstr
    return pairs


@pytest.mark.parametrize("path", CATALOGUES, ids=ids(CATALOGUES))
def test_the_compiled_catalogue_is_up_to_date(path):
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run `make messages` and commit it"
    source, built = _pairs(polib.pofile(str(path))), _pairs(polib.mofile(str(compiled)))
    stale = sorted(
        f"{key[1]!r}: compiled {built.get(key)!r}, catalogue {source.get(key)!r}"
        for key in source.keys() | built.keys()
        if source.get(key) != built.get(key)
    )
    assert not stale, f"{compiled} is stale: run `make messages` and commit it:\n" + "\n".join(stale)
