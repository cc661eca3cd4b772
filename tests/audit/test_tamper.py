"""Someone with write access to the database (not to the configuration holding the key, nor to the
checkpoint storage) edits, deletes, inserts, recomputes, cuts, truncates or wipes the audit log: each is
detected by verify_audit, on SQLite and PostgreSQL."""

import hashlib
import json

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from dangvu.audit.chain import chain_pending, checkpoint_write, checkpoints_newest_first
from dangvu.audit.models import AuditChainLink, AuditEntry, canonical_json, link_mac, payload_mac
from dangvu.audit.services import audit_log, verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "audit_checkpoints": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "checkpoints")},
        }
    }
    return tmp_path / "checkpoints"


def tamper(*statements):
    """Change the tables behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # past the append-only triggers
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def write(tree, admin_user, count):
    for i in range(count):
        audit_log(actor=admin_user, action="view", obj=tree.a1, event="test.view", data={"n": i})
    chain_pending()
    return list(AuditEntry.objects.order_by("id"))


def sha256_of(entry):
    return hashlib.sha256(canonical_json(entry.hashed_payload()).encode()).hexdigest()


def assert_detected(seq, words):
    report = verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, seq), report
    assert words in report.problem
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn"):
        call_command("verify_audit")


def test_an_untouched_log_verifies_against_its_checkpoints(tree, admin_user, capsys):
    write(tree, admin_user, 3)
    first = checkpoint_write()
    entries = write(tree, admin_user, 2)
    second = checkpoint_write()
    assert (first.seq, second.seq) == (len(entries) - 2, len(entries))
    assert checkpoint_write() is None  # the chain has not moved
    report = verify_chain()
    assert (report.ok, report.checked, report.checkpoints) == (True, len(entries), 2)
    call_command("verify_audit")
    assert "Khớp với 2 điểm neo" in capsys.readouterr().out


def test_an_edited_entry_is_named(tree, admin_user):
    entries = write(tree, admin_user, 5)
    tamper(("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["khác", entries[2].pk]))
    assert_detected(3, f"bản ghi số 3 (mã #{entries[2].pk}) đã bị sửa")


def test_an_edit_with_the_mac_recomputed_by_the_algorithm_without_the_key_is_detected(tree, admin_user):
    entries = write(tree, admin_user, 5)
    forged = entries[1]
    forged.object_repr = "giả mạo"
    for mac in (sha256_of(forged), payload_mac(forged.hashed_payload(), b"a guessed key")):
        tamper(
            (
                "UPDATE audit_auditentry SET object_repr = %s, mac = %s WHERE id = %s",
                ["giả mạo", mac, forged.pk],
            )
        )
        assert_detected(2, "đã bị sửa")


def test_the_whole_chain_recomputed_without_the_key_is_detected(tree, admin_user):
    entries = write(tree, admin_user, 4)
    forged = entries[0]
    forged.object_repr = "giả mạo"
    key = b"not the key"
    statements = [
        (
            "UPDATE audit_auditentry SET object_repr = %s, mac = %s WHERE id = %s",
            ["giả mạo", payload_mac(forged.hashed_payload(), key), forged.pk],
        )
    ]
    previous = "0" * 64
    for seq, entry in enumerate(AuditEntry.objects.order_by("id"), start=1):
        mac = payload_mac(entry.hashed_payload(), key) if entry.pk != forged.pk else statements[0][1][1]
        previous = link_mac(seq, entry.pk, mac, previous, key)
        statements.append(("UPDATE audit_auditchainlink SET mac = %s WHERE seq = %s", [previous, seq]))
    tamper(*statements)
    assert_detected(1, "đã bị sửa")


def test_a_deleted_entry_is_named(tree, admin_user):
    entries = write(tree, admin_user, 5)
    tamper(("DELETE FROM audit_auditentry WHERE id = %s", [entries[3].pk]))
    assert_detected(4, f"bản ghi số 4 (mã #{entries[3].pk}) đã bị xóa")


def test_a_deleted_entry_and_link_leave_a_gap(tree, admin_user):
    entries = write(tree, admin_user, 5)
    tamper(
        ("DELETE FROM audit_auditentry WHERE id = %s", [entries[3].pk]),
        ("DELETE FROM audit_auditchainlink WHERE seq = 4", []),
    )
    assert_detected(4, "thiếu bản ghi số 4")


def test_an_inserted_entry_is_named(tree, admin_user):
    entries = write(tree, admin_user, 3)
    fake = AuditEntry(
        created_at=timezone.now(),
        actor_repr="admin",
        channel="web",
        action="view",
        event="test.view",
        object_type="orgs.org",
        object_id=str(tree.a1.pk),
        object_repr="giả",
    )
    fake.mac = sha256_of(fake)  # the algorithm, without the key
    columns = ["created_at", "actor_repr", "user_agent", "channel", "action", "event", "object_type"]
    columns += ["object_id", "object_repr", "changes", "data", "mac"]
    values = [getattr(fake, c) for c in columns[:9]] + ["{}", "{}", fake.mac]
    tamper(
        (
            f"INSERT INTO audit_auditentry ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",  # noqa: S608 - fixed names
            values,
        )
    )
    inserted = AuditEntry.objects.order_by("-id").first()
    assert inserted.pk > entries[-1].pk
    assert_detected(len(entries) + 1, f"(mã #{inserted.pk}) đã bị sửa hoặc không do ứng dụng ghi")


def test_an_entry_moved_to_another_place_in_the_chain_is_detected(tree, admin_user):
    entries = write(tree, admin_user, 4)
    tamper(
        ("UPDATE audit_auditchainlink SET entry_id = %s WHERE seq = 2", [-1]),
        ("UPDATE audit_auditchainlink SET entry_id = %s WHERE seq = 3", [entries[1].pk]),
        ("UPDATE audit_auditchainlink SET entry_id = %s WHERE seq = 2", [entries[2].pk]),
    )
    assert_detected(2, "không nối với bản ghi trước")


def test_a_cut_tail_is_detected_by_the_checkpoint(tree, admin_user):
    entries = write(tree, admin_user, 6)
    checkpoint_write()
    keep = len(entries) - 3
    tamper(
        ("DELETE FROM audit_auditentry WHERE id > %s", [entries[keep - 1].pk]),
        ("DELETE FROM audit_auditchainlink WHERE seq > %s", [keep]),
    )
    assert_detected(keep + 1, "bị cắt phần cuối: điểm neo")


@pytest.mark.parametrize("how", ["truncate", "wipe"])
def test_a_truncated_or_wiped_log_is_detected_by_the_checkpoint(tree, admin_user, how):
    entries = write(tree, admin_user, 3)
    checkpoint_write()
    if how == "truncate" and connection.vendor == "postgresql":
        tamper(("TRUNCATE audit_auditentry, audit_auditchainlink", []))
    else:  # SQLite has no TRUNCATE: DELETE without WHERE is its truncate
        tamper(("DELETE FROM audit_auditentry", []), ("DELETE FROM audit_auditchainlink", []))
    report = verify_chain()
    assert (report.ok, report.checked, report.first_bad_seq) == (False, 0, 1)
    assert "nhật ký bị xóa toàn bộ: điểm neo" in report.problem
    assert f"ghi {len(entries)} bản ghi, chuỗi chỉ còn 0" in report.problem


def test_a_log_recomputed_after_the_checkpoint_with_the_key_stolen_differs_from_the_checkpoint(
    tree, admin_user
):
    """Even with the key, rewriting history before a checkpoint shows: the checkpoint keeps the old MAC."""
    from dangvu.audit.models import audit_key

    entries = write(tree, admin_user, 3)
    checkpoint_write()
    forged = entries[0]
    forged.object_repr = "giả mạo"
    key = audit_key()
    mac = payload_mac(forged.hashed_payload(), key)
    statements = [
        ("UPDATE audit_auditentry SET object_repr = %s, mac = %s WHERE id = %s", ["giả mạo", mac, forged.pk])
    ]
    previous = "0" * 64
    for seq, entry in enumerate(AuditEntry.objects.order_by("id"), start=1):
        entry_mac = mac if entry.pk == forged.pk else entry.mac
        previous = link_mac(seq, entry.pk, entry_mac, previous, key)
        statements.append(("UPDATE audit_auditchainlink SET mac = %s WHERE seq = %s", [previous, seq]))
    tamper(*statements)
    assert_detected(len(entries), "khác điểm neo")


def test_a_forged_checkpoint_is_detected(tree, admin_user, checkpoint_dir):
    write(tree, admin_user, 2)
    checkpoint = checkpoint_write()
    path = checkpoint_dir / checkpoint.name
    payload = json.loads(path.read_text())
    path.write_text(json.dumps(payload | {"seq": 1}))
    report = verify_chain()
    assert not report.ok
    assert "không có chữ ký hợp lệ" in report.problem


def test_checkpoints_are_json_files_by_day_in_the_storage(tree, admin_user):
    n = len(write(tree, admin_user, 2))
    checkpoint = checkpoint_write()
    assert checkpoint.name.startswith(f"2026/12/01/checkpoint-{n:012d}-")
    with storages["audit_checkpoints"].open(checkpoint.name) as stream:
        stored = json.loads(stream.read())
    assert sorted(stored) == ["count", "last_entry_id", "mac", "seq", "signature", "version", "written_at"]
    assert (stored["seq"], stored["count"]) == (n, n)
    assert stored["mac"] == AuditChainLink.objects.get(seq=n).mac
    assert [c.seq for c in checkpoints_newest_first()] == [n]


def test_checkpoints_are_mailed_when_configured(tree, admin_user, settings, mailoutbox):
    settings.DANGVU_AUDIT_CHECKPOINT_MAIL = ["ubkt@example.vn"]
    n = len(write(tree, admin_user, 2))
    checkpoint_write()
    assert [m.to for m in mailoutbox] == [["ubkt@example.vn"]]
    assert f'"seq": {n}' in mailoutbox[0].body


def test_an_entry_is_visible_at_once_and_chained_afterwards(tree, admin_user):
    entry = audit_log(actor=admin_user, action="view", obj=tree.a1, event="test.view")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert not AuditChainLink.objects.filter(entry_id=entry.pk).exists()
    assert chain_pending() >= 1
    assert AuditChainLink.objects.get(entry_id=entry.pk).seq == AuditChainLink.objects.count()


def test_numbers_left_unused_by_a_rolled_back_part_of_an_import_are_not_deletions(tree, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangvu.members.importer import run_import
    from dangvu.members.models import Member

    csv = "Họ và tên,Giới tính,Ngày sinh,Số CCCD,Mã chi bộ\n" + "\n".join(
        f"Người Thứ {i},Nam,1980,{i:012d},A1" for i in range(1, 251)
    )

    def fail(report):
        raise RuntimeError("the job failed after writing")

    audit_log(actor=people.province, action="other", obj=tree.xa, event="before")
    with pytest.raises(RuntimeError), transaction.atomic():
        run_import(
            actor=people.province,
            org=tree.xa,
            upload=SimpleUploadedFile("m.csv", csv.encode()),
            dry_run=False,
            on_imported=fail,
        )
    after = audit_log(actor=people.province, action="other", obj=tree.xa, event="after")
    assert Member.objects.filter(full_name__startswith="Người Thứ").count() == 0
    if connection.vendor == "postgresql":  # the sequence does not roll back: 250 numbers were skipped
        before = AuditEntry.objects.get(event="before")
        assert after.pk - before.pk > 250
    report = verify_chain()
    assert report.ok, report
    assert report.checked == AuditEntry.objects.count()


def test_the_periodic_job_chains_and_writes_a_checkpoint_when_one_is_due(tree, admin_user, settings):
    from dangvu.audit.tasks import chain_audit_every_minute

    entry = audit_log(actor=admin_user, action="view", obj=tree.a1, event="test.view")
    chain_audit_every_minute.call_local()
    total = AuditEntry.objects.count()
    assert AuditChainLink.objects.get(entry_id=entry.pk).seq <= total == AuditChainLink.objects.count()
    assert [c.seq for c in checkpoints_newest_first()] == [total]
    audit_log(actor=admin_user, action="view", obj=tree.a1, event="test.view")
    chain_audit_every_minute.call_local()  # the clock stands still: the next one is not due yet
    assert [c.seq for c in checkpoints_newest_first()] == [total]
    settings.DANGVU_AUDIT_CHECKPOINT_MINUTES = 0
    chain_audit_every_minute.call_local()
    assert [c.seq for c in checkpoints_newest_first()] == [total + 1, total]


def test_the_deploy_check_asks_for_an_audit_key_of_its_own(settings):
    from dangvu.audit.checks import audit_key_is_its_own

    settings.DANGVU_AUDIT_KEY, settings.DANGVU_AUDIT_KEY_FILE = "", ""
    assert [m.id for m in audit_key_is_its_own()] == ["dangvu.audit.W001"]
    settings.DANGVU_AUDIT_KEY = "k" * 43
    assert audit_key_is_its_own() == []


def test_the_key_comes_from_the_configuration_and_changes_every_mac(tree, admin_user, settings, tmp_path):
    from dangvu.audit.models import audit_key

    write(tree, admin_user, 2)
    assert verify_chain().ok
    (tmp_path / "audit.key").write_bytes(b"another key\n")
    settings.DANGVU_AUDIT_KEY_FILE = str(tmp_path / "audit.key")
    assert audit_key() == b"another key"
    report = verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, 1)


def test_a_backlog_is_chained_in_batches_in_order(tree, admin_user, monkeypatch):
    from dangvu.audit import chain

    monkeypatch.setattr(chain, "CHAIN_BATCH", 3)
    for i in range(8):
        audit_log(actor=admin_user, action="view", obj=tree.a1, event="test.view", data={"n": i})
    assert chain_pending() == AuditEntry.objects.count()
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    assert list(AuditChainLink.objects.order_by("seq").values_list("entry_id", flat=True)) == ids
    assert verify_chain().ok
