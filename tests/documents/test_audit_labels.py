"""The documents module's audit events read as words on the audit log page, in Vietnamese and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

import dangvu.documents
from dangvu.audit.display import event_labels
from dangvu.documents.module import AUDIT_EVENTS
from tests.documents.test_flow import draft

pytestmark = pytest.mark.django_db

# An event written by ``audit_log(..., event="documents.x")``, ``_move(..., event="documents.x")`` or the
# printing module's ``_log(actor, document, "documents.x", size)``.
WRITTEN = re.compile(r'event="(documents\.[a-z_]+)"|_log\(actor, document, "(documents\.[a-z_]+)"')


def written_events() -> set[str]:
    package = Path(dangvu.documents.__file__).parent
    return {
        match.group(1) or match.group(2)
        for path in package.rglob("*.py")
        if "migrations" not in path.parts
        for match in WRITTEN.finditer(path.read_text(encoding="utf-8"))
    }


def test_every_event_the_module_writes_has_a_label_and_every_label_an_event():
    written = written_events()
    assert len(written) == 37
    assert written == set(AUDIT_EVENTS)
    labels = event_labels()
    assert {event: str(labels[event]) for event in written} == {e: str(t) for e, t in AUDIT_EVENTS.items()}


def test_every_label_has_its_own_english():
    with translation.override("en"):
        english = {event: str(label) for event, label in AUDIT_EVENTS.items()}
    with translation.override("vi"):
        vietnamese = {event: str(label) for event, label in AUDIT_EVENTS.items()}
    untranslated = [event for event in AUDIT_EVENTS if english[event] == vietnamese[event]]
    assert untranslated == []
    assert len(set(english.values())) == len(english)  # no two events read the same
    assert english["documents.draft"] == "Create an outgoing draft document"


def test_the_audit_log_names_a_drafted_document_event_in_words(client, office, tree, people):
    draft(office, tree)
    client.force_login(people.admin)
    html = client.get("/audit/").content.decode()
    assert "Tạo dự thảo văn bản đi" in re.findall(r'data-testid="audit-action">([^<]*)<', html)
