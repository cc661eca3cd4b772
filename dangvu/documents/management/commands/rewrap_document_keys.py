"""``dangvu rewrap_document_keys``: after a master-key rotation, wrap every secret file's key with the
current master key (the first of ``DANGVU_DOCUMENTS_MASTER_KEYS``). The files themselves are not
re-encrypted; once it has run, the old master key can be removed from the configuration."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from dangvu.audit.services import audit_log
from dangvu.documents.storage import master_keys, rewrap_all


class Command(BaseCommand):
    help = "Wrap every secret document file's key with the current master key (after a rotation)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = rewrap_all()
            audit_log(
                actor=None,
                action="other",
                event="documents.rewrap_keys",
                data={"files": count, "master_key": master_keys()[0][0]},
            )
        self.stdout.write(f"{count} secret file key(s) rewrapped with master key {master_keys()[0][0]}.")
