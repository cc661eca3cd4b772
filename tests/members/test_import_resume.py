"""A large import on SQLite commits in batches; killed between two of them, it leaves the committed ones.
Running the same file again continues after them: no member twice, the updates done, one report."""

from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from dangvu.audit.models import AuditEntry
from dangvu.audit.services import verify_chain
from dangvu.members import importer
from dangvu.members.importer import FIRST_BATCH, run_import
from dangvu.members.models import ImportProgress, Member
from dangvu.members.services import member_create

ROWS = FIRST_BATCH * 3
# Every other row has no CCCD: nothing but the row number tells that it was imported already.
CSV = "Họ và tên,Giới tính,Ngày sinh,Số CCCD,Quê quán,Mã chi bộ\n" + "\n".join(
    f"Người Thứ {i},Nam,1980,{f'{i:012d}' if i % 2 else ''},Xã An Phú,A1" for i in range(1, ROWS + 1)
)


def crash_in_second_batch(monkeypatch):
    """The import dies while writing its second batch (PostgreSQL writes one: it dies in that one)."""
    create = importer.members_create_many
    calls = []
    crash_at = 2 if connection.vendor == "sqlite" else 1

    def crashing(**kwargs):
        calls.append(len(kwargs["members"]))
        if len(calls) == crash_at:
            raise RuntimeError("the worker died in the middle of the import")
        return create(**kwargs)

    monkeypatch.setattr(importer, "members_create_many", crashing)


def the_file():
    return SimpleUploadedFile("dang-vien.csv", CSV.encode())


@pytest.mark.django_db(transaction=True)
def test_running_the_file_again_after_a_crash_between_batches_continues_without_duplicates(
    tree, people, settings, monkeypatch
):
    settings.DANGVU_IMPORT_BATCH_MS = 50
    # Row 4 ("Người Thứ 3") is already on record, with another home town: the import updates it.
    on_record = member_create(
        actor=people.province, org=tree.a1, full_name="Người Thứ 3", sex="male", cccd=f"{3:012d}"
    )
    with monkeypatch.context() as patch:
        crash_in_second_batch(patch)
        with pytest.raises(RuntimeError):
            run_import(actor=people.province, org=tree.xa, upload=the_file(), dry_run=False)
    kept = Member.objects.exclude(pk=on_record.pk).count()
    if connection.vendor == "sqlite":  # the first batch (500 new members: lines 2–502 but 4) committed
        progress = ImportProgress.objects.get()
        assert (kept, progress.last_row, progress.created_count) == (FIRST_BATCH, FIRST_BATCH + 2, kept)
    else:  # PostgreSQL imports in one transaction: nothing was kept
        assert (kept, ImportProgress.objects.count()) == (0, 0)

    report = run_import(actor=people.province, org=tree.xa, upload=the_file(), dry_run=False)

    assert (report.imported, report.created, report.updated, report.problems) == (True, ROWS - 1, 1, [])
    names = Counter(Member.objects.values_list("full_name", flat=True))
    assert (len(names), max(names.values())) == (ROWS, 1)
    on_record.refresh_from_db()
    assert on_record.hometown == "Xã An Phú"
    assert AuditEntry.objects.filter(event="members.import").count() == ROWS - 1
    assert not ImportProgress.objects.exists()
    assert verify_chain().ok
