"""PostgreSQL: the application's database role may read and append to the audit log, nothing more;
an audited write never waits on another open transaction that has written audit entries."""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from dangvu.audit.chain import chain_pending
from dangvu.audit.models import AuditChainLink, AuditEntry
from dangvu.audit.services import audit_log, verify_chain

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's")

TAMPERING = [
    "DROP TRIGGER audit_entry_append_only ON audit_auditentry",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only",
    "TRUNCATE audit_auditentry",
    "UPDATE audit_auditentry SET object_repr = 'x'",
    "DELETE FROM audit_auditentry",
    "DROP TRIGGER audit_chainlink_append_only ON audit_auditchainlink",
    "TRUNCATE audit_auditchainlink",
    "UPDATE audit_auditchainlink SET mac = 'x'",
    "DELETE FROM audit_auditchainlink",
    "SET session_replication_role = replica",
    "DROP TABLE audit_auditentry",
]


@pytest.mark.django_db
@pytest.mark.parametrize("statement", TAMPERING)
def test_the_app_role_cannot_rewrite_the_audit_log(tree, admin_user, statement):
    call_command("audit_roles", "--owner-role", "dangvu_t_audit_owner", "--app-role", "dangvu_t_app")
    with connection.cursor() as cursor:
        cursor.execute("SET ROLE dangvu_t_app")
        entry = audit_log(actor=admin_user, action="view", obj=tree.a1, event="as.app")  # appending works
        assert chain_pending() >= 1  # so does chaining
        with pytest.raises(DatabaseError, match=r"permission denied|must be owner"), transaction.atomic():
            cursor.execute(statement)
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == ("dangvu_t_app",)
        assert AuditEntry.objects.get(pk=entry.pk).object_repr == str(tree.a1)
        cursor.execute("RESET ROLE")
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_app_role_runs_the_application(tree, admin_user):
    from dangvu.members.services import member_create

    call_command("audit_roles", "--owner-role", "dangvu_t_audit_owner", "--app-role", "dangvu_t_app")
    with connection.cursor() as cursor:
        cursor.execute("SET ROLE dangvu_t_app")
        member = member_create(actor=admin_user, full_name="Trần Thị Mai", sex="female", org=tree.a1)
        assert verify_chain().ok
        cursor.execute("RESET ROLE")
    assert AuditEntry.objects.filter(object_id=str(member.pk), action="create").count() == 1


def test_audit_roles_prints_its_sql(capsys):
    call_command("audit_roles", "--sql")
    out = capsys.readouterr().out
    assert 'GRANT SELECT, INSERT ON audit_auditentry, audit_auditchainlink TO "dangvu_app"' in out
    assert 'ALTER TABLE audit_auditentry OWNER TO "dangvu_audit_owner"' in out


@pytest.mark.django_db(transaction=True)
def test_an_audited_write_does_not_wait_for_an_open_transaction_with_audit_entries(tree, admin_user):
    written, release = threading.Event(), threading.Event()
    long_ids: list[int] = []

    def long_import():
        try:
            with transaction.atomic():
                for i in range(300):
                    long_ids.append(
                        audit_log(
                            actor=admin_user, action="create", obj=tree.a1, event="long", data={"i": i}
                        ).pk
                    )
                written.set()
                assert release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=long_import)
    thread.start()
    assert written.wait(30)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '1s'")
    started = time.perf_counter()
    with transaction.atomic():
        quick = audit_log(actor=admin_user, action="view", obj=tree.a2, event="quick")
    elapsed = time.perf_counter() - started  # includes the chaining run after commit (jobs run inline)
    release.set()
    thread.join(30)
    assert elapsed < 1.0
    assert quick.pk > max(long_ids)
    chain_pending()
    # Chained in commit order: the quick entry first, although the import's numbers are smaller.
    quick_seq = AuditChainLink.objects.get(entry_id=quick.pk).seq
    long_seqs = list(AuditChainLink.objects.filter(entry_id__in=long_ids).values_list("seq", flat=True))
    assert len(long_seqs) == 300
    assert quick_seq < min(long_seqs)
    report = verify_chain()
    assert report.ok, report
