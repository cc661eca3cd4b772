"""``dangvu makemessages``: Django's command with the catalogue's house rules, from any directory.

* Only the ``dangvu`` package is scanned (not the tests, the benchmarks or the virtual environment),
  and references are relative to it (``members/forms.py``), as in the catalogue.
* No fuzzy matching: msgmerge's guesses for new strings ("Đảng tịch" → the translation of "Đảng vụ số")
  are how wrong English slipped into the catalogue; a new string starts empty and the catalogue test
  (tests/i18n/test_catalogue.py) asks for its translation.
* References name the file without the line (``#: members/forms.py``) and entries are not wrapped, so
  that two people's changes touch different lines of the .po and merge cleanly.

``make messages`` runs it for Vietnamese and English, then compiles the catalogues.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from django.core.management.commands import makemessages

PACKAGE_DIR = Path(__file__).resolve().parents[3]


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def handle(self, *args: Any, **options: Any) -> None:
        options["no_wrap"] = True
        options["add_location"] = options.get("add_location") or "file"
        with contextlib.chdir(PACKAGE_DIR):
            super().handle(*args, **options)
