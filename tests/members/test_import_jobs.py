"""Import jobs never stay "running": a crash or a killed worker leaves the import failed with a retry
button, nothing half-written, and the retry imports the file once."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangvu.accounts.models import RoleAssignment
from dangvu.audit.services import verify_chain
from dangvu.core.jobs import ABANDONED, CRASHED, jobs_reap
from dangvu.core.models import Job
from dangvu.members import importer
from dangvu.members.models import Member, MemberImport, MemberOrgPeriod, MemberStatusChange
from dangvu.members.tasks import NOT_ALLOWED

pytestmark = pytest.mark.django_db

CSV = "\ufeffHọ và tên,Giới tính,Ngày sinh,Mã chi bộ\nĐinh Văn Mới,Nam,01/02/1990,A1\nLò Thị Hai,Nữ,1991,A2\n"


def checked_import(client, tree, capture):
    with capture(execute=True):
        response = client.post(
            "/members/import/",
            {"file": SimpleUploadedFile("m.csv", CSV.encode()), "org": tree.xa.pk, "mode": "all"},
        )
    job = MemberImport.objects.get()
    assert response.url == f"/members/import/{job.pk}/"
    assert job.status == "checked"
    return job


def test_a_revoked_permission_fails_the_job_with_a_message(
    people, tree, client, django_capture_on_commit_callbacks
):
    client.force_login(people.province)
    job = checked_import(client, tree, django_capture_on_commit_callbacks)
    RoleAssignment.objects.filter(user=people.province).delete()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/members/import/{job.pk}/")
    job.refresh_from_db()
    assert (job.status, job.message, job.retryable) == ("failed", NOT_ALLOWED, False)
    assert Job.objects.get(kind="members.import_run").status == "done"
    assert Member.objects.count() == 0


def test_a_crash_mid_import_writes_nothing_and_offers_a_retry_that_imports_once(
    people, tree, client, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(people.province)
    job = checked_import(client, tree, django_capture_on_commit_callbacks)

    def crash(**kwargs):
        assert Member.objects.count() == 2  # the members are written when the crash comes
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "audit_log", crash)
    with django_capture_on_commit_callbacks(execute=True):  # the worker logs the error and goes on
        client.post(f"/members/import/{job.pk}/")
    monkeypatch.undo()
    job.refresh_from_db()
    assert (job.status, job.message, job.retryable, job.created_count) == ("failed", CRASHED, True, 0)
    assert (Member.objects.count(), MemberOrgPeriod.objects.count(), MemberStatusChange.objects.count()) == (
        0,
        0,
        0,
    )
    page = client.get(f"/members/import/{job.pk}/").content.decode()
    assert 'data-testid="retry-import"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/members/import/{job.pk}/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created_count, job.message, job.retryable) == ("done", 2, "", False)
    assert Member.objects.count() == 2
    run = Job.objects.get(kind="members.import_run")
    assert (run.status, run.attempts) == ("done", 2)
    assert verify_chain().ok
    assert 'data-testid="retry-import"' not in client.get(f"/members/import/{job.pk}/").content.decode()


def test_an_import_left_running_by_a_killed_worker_is_failed_by_the_reaper_and_can_be_retried(
    people, tree, client, django_capture_on_commit_callbacks
):
    client.force_login(people.province)
    job = checked_import(client, tree, django_capture_on_commit_callbacks)
    # What a worker killed during the import leaves behind: both records "running", the lease expiring.
    MemberImport.objects.filter(pk=job.pk).update(status="running", processed_rows=0)
    Job.objects.create(
        kind="members.import_run",
        key=str(job.pk),
        status="running",
        attempts=1,
        worker="worker-host:4242",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    page = client.get(f"/members/import/{job.pk}/").content.decode()
    assert 'data-status="running"' in page
    assert 'data-testid="retry-import"' not in page

    assert jobs_reap() == 1
    job.refresh_from_db()
    assert (job.status, job.message, job.retryable) == ("failed", ABANDONED, True)
    page = client.get(f"/members/import/{job.pk}/").content.decode()
    assert 'data-testid="retry-import"' in page
    assert ABANDONED in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/members/import/{job.pk}/")
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 2)
    assert sorted(Member.objects.values_list("full_name", flat=True)) == ["Lò Thị Hai", "Đinh Văn Mới"]


def test_only_a_retryable_failure_can_be_retried(people, tree, client, django_capture_on_commit_callbacks):
    client.force_login(people.province)
    job = checked_import(client, tree, django_capture_on_commit_callbacks)
    MemberImport.objects.filter(pk=job.pk).update(status="failed", message="Tệp rỗng.", retryable=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/members/import/{job.pk}/")
    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", "Tệp rỗng.")
    assert Member.objects.count() == 0
