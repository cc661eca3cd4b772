"""Rotating the master key that wraps secret files' keys: the new key listed first, `dangvu
rewrap_document_keys`, then the old key removed — every file still opens, unchanged at rest."""

import base64
import io
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from dangvu.audit.models import AuditEntry
from dangvu.documents import storage
from dangvu.documents.models import Document, DocumentType

pytestmark = pytest.mark.django_db


def key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_a_rotated_master_key_rewraps_every_secret_file_and_the_old_key_can_go(tree, settings):
    old, new = key(), key()
    settings.DANGVU_DOCUMENTS_MASTER_KEYS = [old]
    document = Document.objects.create(
        doc_type=DocumentType.objects.get(code="cong-van"),
        direction="incoming",
        registry_org=tree.xa,
        status="registered",
        secrecy="mat",
        subject="Mật",
    )
    record = storage.store(
        document=document,
        kind="original",
        name="m.pdf",
        content=b"%PDF-1.7 secret",
        content_type="application/pdf",
    )
    with record.file.open("rb") as handle:
        at_rest = handle.read()

    settings.DANGVU_DOCUMENTS_MASTER_KEYS = [new, old]
    out = io.StringIO()
    call_command("rewrap_document_keys", stdout=out)
    assert "1 secret file key(s) rewrapped" in out.getvalue()
    assert AuditEntry.objects.filter(event="documents.rewrap_keys").exists()

    settings.DANGVU_DOCUMENTS_MASTER_KEYS = [new]
    record.refresh_from_db()
    assert storage.read(record) == b"%PDF-1.7 secret"
    with record.file.open("rb") as handle:
        assert handle.read() == at_rest  # only the key's wrapping changed, not the stored file

    settings.DANGVU_DOCUMENTS_MASTER_KEYS = [key()]  # a key that never wrapped it
    with pytest.raises(ImproperlyConfigured):
        storage.read(record)
