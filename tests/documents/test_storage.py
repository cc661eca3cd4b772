"""Document files go through Django's storage API: the backend is configuration (local disk by default,
object storage with django-storages), the original kept byte for byte with its SHA-256."""

import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.files.storage import storages

from dangvu.documents import services, storage
from tests.documents.test_api import _pdf

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_files_are_kept_by_the_configured_storage_backend(office, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # where the default backend would have written
    settings.STORAGES = settings.STORAGES | {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    }
    content = _pdf()
    document = services.document_register_incoming(
        actor=office.clerk,
        org=tree.xa,
        doc_type="CV",
        subject="Công văn lưu ở kho đối tượng",
        sender_name="Tỉnh ủy Ninh Bình",
        received_on=date(2026, 12, 1),
        file_name="cong-van.pdf",
        content=content,
    )

    record = document.files.get(kind="original")
    assert type(storages["default"]).__name__ == "InMemoryStorage"
    assert storages["default"].exists(record.file.name)
    assert not (Path(settings.MEDIA_ROOT) / record.file.name).exists()  # nothing on the local disk
    assert (storage.read(record), record.sha256) == (content, hashlib.sha256(content).hexdigest())


def test_the_backend_and_its_options_come_from_the_environment(tmp_path):
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "dangvu.settings",
        "DANGVU_DATA_DIR": str(tmp_path),
        "DANGVU_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
        "DANGVU_STORAGE_OPTIONS": json.dumps({"bucket_name": "dangvu-files", "region_name": "hn-1"}),
    }
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "import json; print(json.dumps(settings.STORAGES['default']))",
        ],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(shown.stdout) == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "dangvu-files", "region_name": "hn-1"},
    }
