"""Bulk jobs give way to requests: their thread runs at a raised nice value, and between batches of
database work they pause as long as the machine's contention asks (dangvu.core.priority)."""

import os
import sys
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from huey.contrib.djhuey import HUEY

from dangvu.audit.models import AuditEntry
from dangvu.audit.services import verify_chain
from dangvu.core import priority
from dangvu.core.priority import Pacer, at_bulk_priority, bulk_pacing, bulk_pause
from dangvu.members import importer, rollups
from dangvu.members.importer import run_import
from dangvu.members.models import Member


class Machine:
    """A thread's clock and CPU times, moved by the test."""

    def __init__(self) -> None:
        self.now, self.run, self.wait = 0.0, 0.0, 0.0
        self.slept: list[float] = []

    def batch(self, run: float, wait: float, blocked: float) -> None:
        self.run += run
        self.wait += wait
        self.now += run + wait + blocked

    def pacer(self, max_pause: float = 2.0) -> Pacer:
        def sleep(seconds: float) -> None:
            self.slept.append(seconds)
            self.now += seconds

        return Pacer(max_pause, lambda: self.now, lambda: (self.run, self.wait), sleep)


def test_on_an_idle_machine_a_bulk_job_does_not_pause():
    machine = Machine()
    pacer = machine.pacer()
    machine.batch(run=0.2, wait=0.0, blocked=0.3)
    assert pacer.pause() == 0
    assert machine.slept == []


def test_when_requests_want_the_cpus_the_database_work_is_stretched_as_the_threads_own():
    machine = Machine()
    pacer = machine.pacer()
    # The kernel let the niced thread run 0.1 s in 0.5 s (it waited 0.4 s): its database time of 0.3 s
    # is stretched alike, by a pause of 0.3 × 0.4 / 0.1.
    machine.batch(run=0.1, wait=0.4, blocked=0.3)
    assert pacer.pause() == pytest.approx(1.2)
    # Measured afresh after the pause: a quiet batch next does not pause.
    machine.batch(run=0.2, wait=0.0, blocked=0.3)
    assert pacer.pause() == 0
    assert pacer.paused == pytest.approx(1.2)


def test_a_pause_is_bounded():
    machine = Machine()
    pacer = machine.pacer(max_pause=0.5)
    machine.batch(run=0.01, wait=1.0, blocked=1.0)
    assert pacer.pause() == 0.5


def test_without_the_kernels_figures_a_bulk_job_does_not_pause():
    pacer = Pacer(2.0, cpu_times=lambda: None, sleep=lambda s: pytest.fail("slept"))
    assert pacer.pause() == 0


def test_outside_a_bulk_job_nothing_pauses():
    assert not bulk_pacing()
    assert bulk_pause() == 0


def thread_nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(sys.platform != "linux", reason="nice values are per thread on Linux")
@pytest.mark.django_db(transaction=True)
def test_a_bulk_job_runs_in_a_lower_priority_thread_and_leaves_the_workers_priority(settings, monkeypatch):
    monkeypatch.setattr(HUEY, "immediate", False)  # as a worker runs jobs
    settings.DANGVU_BULK_NICE = 5
    worker_nice = thread_nice()
    seen = {}

    def body() -> str:
        seen["thread"] = threading.get_ident()
        seen["nice"] = thread_nice()
        seen["pacing"] = bulk_pacing()
        seen["members"] = Member.objects.count()  # its own database connection works
        return "done"

    assert at_bulk_priority(body) == "done"
    assert seen["thread"] != threading.get_ident()
    assert seen["nice"] == min(19, worker_nice + 5)
    assert seen["pacing"] is True
    assert thread_nice() == worker_nice
    assert not bulk_pacing()


@pytest.mark.django_db(transaction=True)
def test_a_bulk_jobs_failure_reaches_the_worker(settings, monkeypatch):
    monkeypatch.setattr(HUEY, "immediate", False)

    def body() -> None:
        raise ValueError("the file is broken")

    with pytest.raises(ValueError, match="the file is broken"):
        at_bulk_priority(body)


def test_inline_when_turned_off_or_jobs_run_immediately(settings, monkeypatch):
    settings.DANGVU_BULK_NICE = 0
    monkeypatch.setattr(HUEY, "immediate", False)
    assert at_bulk_priority(threading.get_ident) == threading.get_ident()
    settings.DANGVU_BULK_NICE = 10
    monkeypatch.setattr(HUEY, "immediate", True)
    assert at_bulk_priority(threading.get_ident) == threading.get_ident()


ROWS = 25
CSV = "Họ và tên,Giới tính,Ngày sinh,Số CCCD,Mã chi bộ\n" + "\n".join(
    f"Người Chậm {i},Nam,1980,{i:012d},A1" for i in range(1, ROWS + 1)
)


@pytest.mark.django_db
def test_an_import_run_as_a_bulk_job_writes_in_batches_pausing_between_and_stays_exact(
    tree, people, settings, monkeypatch
):
    settings.DANGVU_IMPORT_BATCH_MS = 0  # SQLite: one transaction, as on PostgreSQL
    monkeypatch.setattr(importer, "PACED_BATCH", 10)
    pauses = []

    class Counting(Pacer):
        def pause(self) -> float:
            pauses.append(Member.objects.filter(full_name__startswith="Người Chậm").count())
            return 0.0

    token = priority._PACER.set(Counting(1.0))
    try:
        report = run_import(
            actor=people.province,
            org=tree.xa,
            upload=SimpleUploadedFile("m.csv", CSV.encode()),
            dry_run=False,
        )
    finally:
        priority._PACER.reset(token)
    assert report.created == ROWS
    assert pauses[:3] == [10, 20, 25]  # after each batch of new members
    assert AuditEntry.objects.filter(event="members.import").count() == ROWS
    rollups.fold_all()
    assert rollups.counts_of(tree.root) == rollups.recount(tree.root)
    assert verify_chain().ok
