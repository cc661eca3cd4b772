"""A document's write lock holds the document row only: a clerk working on one document does not
queue every other write of the unit, the document type or the recipients behind it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from dangvu.documents import services
from dangvu.documents.models import Document, DocumentType
from dangvu.orgs.models import Org
from tests.documents.test_flow import draft

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def test_locking_a_document_leaves_its_unit_and_type_free(office, tree):
    document = draft(office, tree)
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                services._lock(Document.objects.get(pk=document.pk))
                locked.set()
                assert release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            # Would fail with "canceling statement due to lock timeout" if the lock had taken them too.
            Org.objects.select_for_update().get(pk=document.registry_org_id)
            DocumentType.objects.select_for_update().get(pk=document.doc_type_id)
    finally:
        release.set()
        thread.join(30)
