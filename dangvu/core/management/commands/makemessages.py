"""``dangvu makemessages``: Django's command with the catalogue's house rules, from any directory.

* Only the ``dangvu`` package is scanned (not the tests, the benchmarks or the virtual environment),
  and references are relative to it (``members/forms.py``), as in the catalogue.
* No fuzzy matching: msgmerge's guesses for new strings ("Đảng tịch" → the translation of "Đảng vụ
  số") are how wrong English slipped into the catalogue; a new string starts empty and the catalogue
  test (tests/i18n/test_catalogue.py) asks for its translation. Strings gone from the code leave the
  catalogue (no obsolete entries).
* References name the file without the line (``#: members/forms.py``) and entries are not wrapped, so
  that two people's changes touch different lines of the .po and merge cleanly.
* A new catalogue (a module's own ``locale`` directory, a new language) gets a real header instead of
  gettext's fuzzy template.

``make messages`` runs it for Vietnamese and English, then compiles the catalogues.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from django.core.management.commands import makemessages

PACKAGE_DIR = Path(__file__).resolve().parents[3]
PLURAL_FORMS = {"vi": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def handle(self, *args: Any, **options: Any) -> None:
        options["no_wrap"] = True
        options["no_obsolete"] = True
        options["add_location"] = options.get("add_location") or "file"
        with contextlib.chdir(PACKAGE_DIR):
            super().handle(*args, **options)
        for path in PACKAGE_DIR.glob("**/locale/*/LC_MESSAGES/django.po"):
            _give_header(path)


def _give_header(path: Path) -> None:
    import polib  # type: ignore[import-untyped]  # a development tool (requirements-dev.txt), like gettext

    catalogue = polib.pofile(str(path), wrapwidth=0)
    if not catalogue.metadata_is_fuzzy:
        return
    language = path.parts[-3]
    catalogue.metadata_is_fuzzy = False
    catalogue.header = (
        f"dangvu: the {language} catalogue. Source strings are Vietnamese; see docs/glossary.md."
    )
    catalogue.metadata.update(
        {
            "Project-Id-Version": "dangvu",
            "Last-Translator": "dangvu",
            "Language-Team": "dangvu",
            "Language": language,
            "Plural-Forms": PLURAL_FORMS.get(language, catalogue.metadata.get("Plural-Forms", "")),
        }
    )
    catalogue.save()
