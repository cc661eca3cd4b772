"""Every audit event the code writes reads as words on the audit log page, in Vietnamese and English
(an inspector reads "Đăng nhập", not "accounts.login")."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

import dangvu
from dangvu.audit.display import event_labels

# ``audit_log(..., event="x.y")`` and the helpers that pass ``event="x.y"`` on (f-strings excluded).
WRITTEN = re.compile(r'\bevent\s*=\s*"([a-z_]+\.[a-z_.]+)"')


def written_events() -> set[str]:
    package = Path(dangvu.__file__).parent
    return {
        match.group(1)
        for path in package.rglob("*.py")
        if "migrations" not in path.parts
        for match in WRITTEN.finditer(path.read_text(encoding="utf-8"))
    }


def test_every_event_written_in_the_code_has_a_label():
    written = written_events()
    assert len(written) > 80  # the scan finds the code's events (a broken pattern would find none)
    assert sorted(written - set(event_labels())) == []


def test_every_label_has_english_and_no_two_events_read_the_same():
    labels = event_labels()
    with translation.override("en"):
        english = {event: str(label) for event, label in labels.items()}
    with translation.override("vi"):
        vietnamese = {event: str(label) for event, label in labels.items()}
    assert sorted(e for e in labels if english[e] == vietnamese[e]) == []
    assert len(set(vietnamese.values())) == len(vietnamese)
    assert english["accounts.login"] == "Log in"
    assert vietnamese["calendar.set"] == "Đặt ngày nghỉ hoặc ngày làm bù"
