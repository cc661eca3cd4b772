"""The platform's crash-proof jobs: claim and lease, done/failed, the reaper and retry."""

import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from dangvu.core import jobs
from dangvu.core.jobs import ABANDONED, CRASHED, JobKind, job_attempt, job_enqueue, job_retry, jobs_reap
from dangvu.core.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def kind():
    """A registered test kind that records what the platform asked of it."""
    calls = {"run": [], "failed": []}
    registered = JobKind(
        "tests.sample",
        run=lambda key: calls["run"].append(key),
        on_failed=lambda key, message: calls["failed"].append((key, message)),
    )
    jobs.register_job_kind(registered)
    yield calls
    jobs._KINDS.pop("tests.sample")


def dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_an_attempt_claims_the_job_holds_a_lease_and_ends_done(kind, settings):
    settings.DANGVU_JOB_LEASE_SECONDS = 90
    with job_attempt("tests.sample", 7) as attempt:
        running = Job.objects.get(kind="tests.sample", key="7")
        assert (running.status, running.attempts, running.worker) == ("running", 1, jobs.worker_id())
        assert running.lease_expires_at - running.heartbeat_at == timedelta(seconds=90)
        assert attempt.beat() is True
    done = Job.objects.get(pk=running.pk)
    assert (done.status, done.error, done.finished_at is not None) == ("done", "", True)
    assert kind["failed"] == []


def test_an_exception_fails_the_job_and_tells_its_module(kind):
    with pytest.raises(ZeroDivisionError), job_attempt("tests.sample", "8"):
        _ = 1 / 0
    job = Job.objects.get(key="8")
    assert (job.status, job.error) == ("failed", CRASHED)
    assert kind["failed"] == [("8", CRASHED)]


def test_enqueue_records_the_job_and_runs_it_on_commit(kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue("tests.sample", 9)
        assert kind["run"] == []
    assert (job.status, kind["run"]) == ("queued", ["9"])


def _running(key, worker, lease_seconds):
    now = timezone.now()
    return Job.objects.create(
        kind="tests.sample",
        key=key,
        status=Job.Status.RUNNING,
        attempts=1,
        worker=worker,
        heartbeat_at=now,
        lease_expires_at=now + timedelta(seconds=lease_seconds),
    )


def test_the_reaper_fails_jobs_whose_worker_is_gone_and_leaves_live_ones(kind):
    host = socket.gethostname()
    expired = _running("1", "elsewhere:123", -1)  # another machine stopped renewing its lease
    _running("2", f"{host}:{dead_pid()}", 60)  # this machine, process gone: no need to wait
    _running("3", jobs.worker_id(), 60)
    _running("4", "elsewhere:123", 60)  # may still be alive: wait for its lease
    assert jobs_reap() == 2
    statuses = dict(Job.objects.values_list("key", "status"))
    assert statuses == {"1": "failed", "2": "failed", "3": "running", "4": "running"}
    assert Job.objects.get(pk=expired.pk).error == ABANDONED
    assert sorted(kind["failed"]) == [("1", ABANDONED), ("2", ABANDONED)]
    assert jobs_reap() == 0  # reaped once only


def test_a_failed_job_is_retried_with_a_new_attempt(kind, django_capture_on_commit_callbacks):
    job = _running("5", "elsewhere:1", -1)
    jobs_reap()
    with django_capture_on_commit_callbacks(execute=True):
        job_retry(Job.objects.get(pk=job.pk))
    assert kind["run"] == ["5"]
    assert Job.objects.get(pk=job.pk).status == "queued"
    with job_attempt("tests.sample", "5"):
        assert Job.objects.get(pk=job.pk).attempts == 2
    with pytest.raises(ValueError, match="only a failed job"):
        job_retry(Job.objects.get(pk=job.pk))


def test_a_reaped_attempt_stops_renewing_its_lease_and_its_committed_work_counts(kind):
    with job_attempt("tests.sample", "6") as attempt:
        Job.objects.filter(key="6").update(lease_expires_at=timezone.now() - timedelta(seconds=1))
        assert jobs_reap() == 1  # a lease that ran out means gone, even for a live process
        assert attempt.beat() is False
    # The block ended: the work it did is committed, so the job is done after all.
    assert Job.objects.get(key="6").status == "done"
    assert kind["failed"] == [("6", ABANDONED)]
