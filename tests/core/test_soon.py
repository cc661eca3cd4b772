"""``run_soon``: one queued run per window, and a process that knows a run is due leaves the cache alone."""

from django.core.cache import cache

from dangvu.core import soon


class Task:
    def __init__(self) -> None:
        self.scheduled: list[int] = []

    def __call__(self) -> None:
        raise AssertionError("not immediate")

    def schedule(self, delay: int) -> None:
        self.scheduled.append(delay)


def test_one_run_per_window_and_no_cache_look_up_while_a_run_is_due(monkeypatch):
    cache.clear()
    monkeypatch.setattr(soon, "_due", {})
    task = Task()
    soon.run_soon("test-soon", 2, task, lambda: False)
    assert task.scheduled == [2]
    calls = []
    monkeypatch.setattr(cache, "add", lambda *a, **k: calls.append(a) or True)
    for _ in range(5):
        soon.run_soon("test-soon", 2, task, lambda: False)
    assert task.scheduled == [2]
    assert calls == []


def test_another_process_queued_run_is_remembered_until_it_is_due(monkeypatch):
    cache.clear()
    monkeypatch.setattr(soon, "_due", {})
    other, task = Task(), Task()
    soon.run_soon("test-soon-2", 2, other, lambda: False)  # "another process" queued it
    monkeypatch.setattr(soon, "_due", {})
    soon.run_soon("test-soon-2", 2, task, lambda: False)
    assert task.scheduled == []
    assert soon._due["test-soon-2"] > 0  # learnt when the other run is due
    monkeypatch.setattr(soon.time, "time", lambda: soon._due["test-soon-2"] + 0.1)
    cache.clear()  # the key expired with the run
    soon.run_soon("test-soon-2", 2, task, lambda: False)
    assert task.scheduled == [2]


def test_immediate_runs_now():
    ran = []
    soon.run_soon("test-soon-3", 2, lambda: ran.append(1), lambda: True)
    assert ran == [1]
