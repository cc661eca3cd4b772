import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from dangvu.audit.chain import chain_pending
from dangvu.audit.models import AuditChainLink, AuditEntry
from dangvu.audit.services import audit_log, verify_chain
from dangvu.members.services import member_create
from dangvu.orgs.services import org_rename

pytestmark = pytest.mark.django_db


def tamper(sql, params):
    """Change the table behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The append-only trigger blocks this; a superuser can switch triggers off for the session.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def make_entries(tree, admin_user):
    org_rename(
        actor=admin_user, org=tree.xa, name="Đảng ủy xã An Phú Mới", effective_on=tree.xa.created_at.date()
    )
    member_create(actor=admin_user, full_name="Trần Thị Mai", sex="female", org=tree.a1)
    chain_pending()
    return list(AuditEntry.objects.order_by("id"))


def seq_of(entry):
    return AuditChainLink.objects.get(entry_id=entry.pk).seq


def test_every_change_is_chained_with_who_what_before_after(tree, admin_user):
    entries = make_entries(tree, admin_user)
    links = list(AuditChainLink.objects.order_by("seq"))
    assert [link.seq for link in links] == list(range(1, len(entries) + 1))
    assert [link.entry_id for link in links] == [e.pk for e in entries]
    assert all(a.mac != b.mac for a, b in itertools.pairwise(links))
    rename = next(e for e in entries if e.event == "orgs.rename")
    assert rename.actor == admin_user
    assert rename.changes["name"] == ["Đảng ủy xã An Phú", "Đảng ủy xã An Phú Mới"]
    assert verify_chain().ok


def test_editing_a_row_in_the_database_is_detected(tree, admin_user):
    entries = make_entries(tree, admin_user)
    target = entries[3]
    tamper("UPDATE audit_auditentry SET actor_repr = %s WHERE id = %s", ["someone-else", target.pk])
    report = verify_chain()
    assert not report.ok
    assert report.first_bad_seq == seq_of(target) == 4
    assert f"bản ghi số 4 (mã #{target.pk}) đã bị sửa" in report.problem
    with pytest.raises(CommandError, match="#4"):
        call_command("verify_audit")


def test_deleting_a_row_is_detected(tree, admin_user):
    entries = make_entries(tree, admin_user)
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].pk])
    report = verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, 3)
    assert "đã bị xóa" in report.problem


def test_deleting_the_newest_rows_is_detected(tree, admin_user):
    entries = make_entries(tree, admin_user)
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    report = verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, len(entries))


def test_the_orm_refuses_to_change_or_delete_entries(tree, admin_user):
    entry = make_entries(tree, admin_user)[0]
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_repr="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
def test_postgresql_refuses_updates_at_the_database_level(tree, admin_user):
    from django.db import DatabaseError

    make_entries(tree, admin_user)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET actor_repr = 'x'")


def test_entry_rolls_back_with_the_failed_change(tree, admin_user):
    before = AuditEntry.objects.count()

    def change_that_fails():
        with transaction.atomic():
            audit_log(actor=admin_user, action="update", obj=tree.xa, event="test")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert AuditEntry.objects.count() == before
    assert verify_chain().ok


def test_verify_command_reports_success(tree, admin_user, capsys):
    make_entries(tree, admin_user)
    call_command("verify_audit")
    assert "toàn vẹn" in capsys.readouterr().out


def test_canonical_json_is_the_standard_librarys_for_what_the_log_holds():
    """Hashes of entries written before the switch to orjson still verify: same bytes for strings
    (escapes, control characters, Vietnamese, astral planes), integers, booleans, null, nesting."""
    import json
    import random

    from dangvu.audit.models import canonical_json

    rng = random.Random(7)
    awkward = ['a"b\\c', "\x00\x01\x1f\x7f\b\f\n\r\t", "Nguyễn Đức", "\u2028\u2029", "😀", "</script>", ""]
    alphabet = [chr(c) for c in (*range(0, 0x250), *range(0x1E00, 0x1F00), 0x2028, 0xFEFF, 0x1F600)]
    awkward += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(30))) for _ in range(300)]
    for text in awkward:
        value = {"z": [None, text], text: {"n": [0, -1, 2**63 - 1, True, False]}, "a": text}
        expected = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert canonical_json(value) == expected


def test_a_new_records_entry_lists_the_fields_it_was_given(tree, admin_user):
    member = member_create(actor=admin_user, full_name="Trần Thị Mai", sex="female", org=tree.a1)
    entry = AuditEntry.objects.get(object_type="members.member", object_id=str(member.pk), action="create")
    assert entry.changes["full_name"] == [None, "Trần Thị Mai"]
    assert entry.changes["org"] == [None, tree.a1.pk]
    assert "phone" not in entry.changes
    assert "cccd" not in entry.changes


@pytest.mark.parametrize("count", [2, 250])  # below and above the COPY threshold on PostgreSQL
def test_a_batch_of_entries_continues_the_chain_like_single_entries(tree, admin_user, count):
    from dangvu.audit.services import audit_log_many

    audit_log(actor=admin_user, action="other", obj=tree.xa, event="before")
    orgs = [tree.a1, tree.a2] * (count // 2)
    written = audit_log_many(
        actor=admin_user,
        action="update",
        event="bulk.touch",
        objects=orgs,
        changes=[{"note": ["", f"lần {i}"]} for i in range(count)],
    )
    audit_log(actor=admin_user, action="other", obj=tree.xa, event="after")
    assert written == count
    batch = list(AuditEntry.objects.filter(event="bulk.touch").order_by("id"))
    assert [e.object_id for e in batch[:2]] == [str(tree.a1.pk), str(tree.a2.pk)]
    assert batch[1].org_id == tree.a2.pk
    assert batch[1].object_repr == str(tree.a2)
    assert batch[-1].changes == {"note": ["", f"lần {count - 1}"]}
    assert batch[0].actor == admin_user
    assert verify_chain().ok
