"""A real ``dangvu run_huey`` worker killed with SIGKILL in the middle of an import (PostgreSQL).

The import must end done or failed-with-retry, never stuck "running", and never half-written: the
kill comes while the worker's transaction has written members, which PostgreSQL then rolls back.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from dangvu.audit.services import verify_chain
from dangvu.core.jobs import ABANDONED
from dangvu.core.models import Job
from dangvu.members.models import Member, MemberImport, MemberOrgPeriod
from tests.jobs.test_jobs import ROOT, base_env, dangvu

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]

ROWS = 20_000


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the kill -9 test needs PostgreSQL (DATABASE_URL=postgres://…)")


def worker_env(tmp_path, settings):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return base_env(tmp_path) | {
        "DATABASE_URL": url,
        "DANGVU_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DANGVU_JOB_LEASE_SECONDS": "6",
    }


def start_worker(env):
    return subprocess.Popen(
        [sys.executable, "-m", "dangvu", "run_huey", "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill reaches every process of it
    )


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def writing_members():
    """True while another session's open transaction has written into the members table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL "
            """AND (query ILIKE 'COPY "members_member%%' OR query ILIKE 'INSERT INTO "members_member%%')"""
        )
        return cursor.fetchone()[0] > 0


def status_of(pk):
    return MemberImport.objects.values_list("status", flat=True).get(pk=pk)


def test_a_worker_killed_mid_import_leaves_a_retryable_failure_and_the_retry_imports_once(
    tree, people, tmp_path, settings
):
    lines = ["Họ và tên,Giới tính,Ngày sinh,Số CCCD,Mã chi bộ"]
    lines += [f"Người Thứ {i},{'Nam' if i % 2 else 'Nữ'},1980,{i:012d},A1" for i in range(1, ROWS + 1)]
    job = MemberImport.objects.create(
        created_by=people.province, org=tree.xa, filename="big.csv", status="checked", mode="all"
    )
    job.file.save("big.csv", ContentFile("\n".join(lines).encode()))
    env = worker_env(tmp_path, settings)
    enqueue = (
        "from dangvu.core.jobs import job_enqueue; from dangvu.members.tasks import IMPORT_RUN; "
        f"job_enqueue(IMPORT_RUN, {job.pk})"
    )
    assert dangvu(["shell", "-c", enqueue], env).returncode == 0

    worker = start_worker(env)
    try:
        wait_for(writing_members, 120, "the worker to write members")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    time.sleep(0.5)  # the server notices the closed connection and rolls its transaction back
    assert (Member.objects.count(), MemberOrgPeriod.objects.count()) == (0, 0)  # nothing half-written
    assert status_of(job.pk) == "running"  # what the killed worker left

    worker = start_worker(env)
    try:
        wait_for(lambda: status_of(job.pk) == "failed", 60, "the restarted worker to fail the import")
        job.refresh_from_db()
        assert (job.message, job.retryable, job.created_count) == (ABANDONED, True, 0)
        assert Member.objects.count() == 0

        retry = (
            "from dangvu.members.models import MemberImport; from dangvu.members.tasks import member_import_retry; "
            f"member_import_retry(member_import=MemberImport.objects.get(pk={job.pk}))"
        )
        assert dangvu(["shell", "-c", retry], env).returncode == 0
        wait_for(lambda: status_of(job.pk) in {"done", "failed"}, 180, "the retried import")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    job.refresh_from_db()
    assert (job.status, job.created_count, job.message, job.retryable) == ("done", ROWS, "", False)
    assert Member.objects.count() == ROWS
    run = Job.objects.get(kind="members.import_run", key=str(job.pk))
    assert (run.status, run.attempts) == ("done", 2)
    assert verify_chain().ok
