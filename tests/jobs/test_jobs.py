"""Background jobs on both paths: SQLite storage with no broker (embedded) and Redis (production).

Each test starts real ``dangvu`` processes: one enqueues, a consumer with several workers runs the job.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dangvu(args, env, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "dangvu", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def base_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DANGVU_", "DATABASE_URL", "REDIS_URL"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "dangvu.settings",
        "DANGVU_DATA_DIR": str(tmp_path),
        "DANGVU_JOBS_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
    }
    return env


ENQUEUE = (
    "from huey.contrib.djhuey import HUEY; from dangvu.core.tasks import ping; "
    "print('CLASS=' + type(HUEY).__name__); r = [ping(i) for i in range(5)]; print('IDS=' + ','.join(x.id for x in r))"
)


def run_jobs(env):
    enqueue = dangvu(["shell", "-c", ENQUEUE], env)
    assert enqueue.returncode == 0, enqueue.stderr
    lines = dict(line.split("=", 1) for line in enqueue.stdout.splitlines() if "=" in line)
    huey_class, ids = lines["CLASS"], lines["IDS"]
    results, _pid = consume(env, ids.split(","))
    return huey_class, repr(sorted(results))


def consume(env, ids, *worker_args):
    """Run a job consumer (``run_huey --workers 2`` and ``worker_args``) until the jobs ``ids`` have
    results: (their results in that order, the consumer's pid)."""
    consumer = subprocess.Popen(
        [sys.executable, "-m", "dangvu", "run_huey", "--workers", "2", *worker_args, "--quiet"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        check = (
            "from huey.contrib.djhuey import HUEY; "
            f"print('RESULTS=' + repr([HUEY.result(i, blocking=True, timeout=30) for i in {list(ids)!r}]))"
        )
        result = dangvu(["shell", "-c", check], env)
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULTS="))
    return eval(line[8:]), consumer.pid  # noqa: S307 - the reprs of this test's own job results


def test_jobs_run_without_a_broker_on_sqlite_storage(tmp_path):
    huey_class, results = run_jobs(base_env(tmp_path))
    assert huey_class == "SqliteHuey"
    assert results == "[1, 2, 3, 4, 5]"
    assert (tmp_path / "jobs.sqlite3").exists()


def _redis_up():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.redis
@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_jobs_run_on_redis_with_several_workers(tmp_path):
    env = base_env(tmp_path) | {"REDIS_URL": "redis://127.0.0.1:6379/15"}
    started = time.monotonic()
    huey_class, results = run_jobs(env)
    assert huey_class == "RedisHuey"
    assert results == "[1, 2, 3, 4, 5]"
    assert time.monotonic() - started < 120


HEALTH = (
    "from dangvu.core.tasks import worker_health; "
    "r = [worker_health() for _ in range(4)]; print('IDS=' + ','.join(x.id for x in r))"
)


@pytest.mark.parametrize("worker_type", ["thread", "process"])
def test_the_worker_freezes_its_loaded_application_at_start(tmp_path, worker_type):
    env = base_env(tmp_path)
    enqueue = dangvu(["shell", "-c", HEALTH], env)
    assert enqueue.returncode == 0, enqueue.stderr
    ids = next(line for line in enqueue.stdout.splitlines() if line.startswith("IDS="))[4:].split(",")
    healths, consumer_pid = consume(env, ids, "--worker-type", worker_type)
    # every job ran in a worker (the consumer's own process, or a forked one) that had frozen the
    # loaded application: Django, the apps, the jobs — well over a hundred thousand objects
    assert len(healths) == 4
    assert min(h["frozen_objects"] for h in healths) > 100_000
    assert {h["pid"] for h in healths} & {consumer_pid} == (
        {consumer_pid} if worker_type == "thread" else set()
    )
