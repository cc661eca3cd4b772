"""Files of background exports are deleted after the retention period, by the periodic job."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import reverse

from dangvu.audit.models import AuditEntry
from dangvu.core.exports import EXPIRED
from dangvu.core.models import Export
from dangvu.core.tasks import purge_exports

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)


def finished(user, days_ago: float, name: str) -> Export:
    export = Export.objects.create(
        kind="members.list",
        created_by=user,
        filename=name,
        status=Export.Status.DONE,
    )
    export.file.save(name, ContentFile(b"PK\x03\x04 xlsx"), save=False)
    Export.objects.filter(pk=export.pk).update(
        file=export.file.name, finished_at=NOW - timedelta(days=days_ago)
    )
    export.refresh_from_db()
    return export


@override_settings(DANGVU_EXPORT_RETENTION_DAYS=7)
def test_files_past_the_retention_period_are_deleted_and_the_page_says_so(
    admin_user, time_machine, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    time_machine.move_to(NOW)
    old, recent = finished(admin_user, 7.5, "cu.xlsx"), finished(admin_user, 6, "moi.xlsx")
    old_path, recent_path = old.file.path, recent.file.path

    assert purge_exports.call_local() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.file.name, old.message, old.status) == ("", EXPIRED, Export.Status.DONE)
    assert not (tmp_path / old_path).exists()
    assert recent.file.name
    assert recent.message == ""
    assert (tmp_path / recent_path).exists()
    entry = AuditEntry.objects.get(event="core.export_purged")
    assert (entry.object_id, entry.action) == (str(old.pk), "delete")
    client = Client()
    client.force_login(admin_user)
    assert client.get(reverse("web:export_file", args=[old.pk])).status_code == 404
    assert purge_exports.call_local() == 0  # nothing left to purge; a second run changes nothing
