"""A large import and the audit log: on SQLite it commits in short batches (so that logins interleave);
rolling back its last part leaves unused numbers, never a hole in the chain."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from dangvu.audit.models import AuditChainLink, AuditEntry
from dangvu.audit.services import verify_chain
from dangvu.members.importer import FIRST_BATCH, run_import
from dangvu.members.models import Member

ROWS = FIRST_BATCH * 3
CSV = "Họ và tên,Giới tính,Ngày sinh,Số CCCD,Mã chi bộ\n" + "\n".join(
    f"Người Thứ {i},Nam,1980,{i:012d},A1" for i in range(1, ROWS + 1)
)


def fail(report):
    raise RuntimeError("the job failed after its last write")


@pytest.mark.django_db(transaction=True)
def test_rolling_back_the_end_of_an_import_leaves_a_chain_that_verifies(tree, people, settings):
    settings.DANGVU_IMPORT_BATCH_MS = 50
    with pytest.raises(RuntimeError):
        run_import(
            actor=people.province,
            org=tree.xa,
            upload=SimpleUploadedFile("m.csv", CSV.encode()),
            dry_run=False,
            on_imported=fail,
        )
    kept = Member.objects.filter(full_name__startswith="Người Thứ").count()
    if connection.vendor == "sqlite":  # the batches before the last committed, each whole
        assert FIRST_BATCH <= kept < ROWS
    else:  # PostgreSQL imports in one transaction
        assert kept == 0
    assert AuditEntry.objects.filter(event="members.import").count() == kept
    report = verify_chain()
    assert report.ok, report
    assert report.checked == AuditEntry.objects.count() == AuditChainLink.objects.count()


@pytest.mark.django_db(transaction=True)
def test_a_small_import_is_one_transaction_even_on_sqlite(tree, people, settings):
    settings.DANGVU_IMPORT_BATCH_MS = 50
    small = "\n".join(CSV.splitlines()[: FIRST_BATCH + 1])
    with pytest.raises(RuntimeError):
        run_import(
            actor=people.province,
            org=tree.xa,
            upload=SimpleUploadedFile("m.csv", small.encode()),
            dry_run=False,
            on_imported=fail,
        )
    assert Member.objects.filter(full_name__startswith="Người Thứ").count() == 0
    assert verify_chain().ok
