"""Python's cyclic garbage collector in the long-running processes.

Once the application is loaded, its modules, settings, URL patterns, translations and caches (some two
hundred thousand tracked objects) live as long as the process. Python's full collections walk every
tracked object; a request that allocates many objects (verifying a signed PDF builds thousands) sets
one off every few requests, and walking the loaded application is then most of its cost (a quarter of
a verification's CPU time, measured by bench/bench_signing.py). ``freeze_loaded_application`` moves
what exists at the end of startup out of the collector's way (``gc.freeze``, as the Python
documentation suggests for pre-forked servers; deploy/gunicorn.conf.py calls it when a worker has
loaded the application, and the job worker ``dangvu run_huey`` when it starts: see
``dangvu.core.tasks.freeze_loaded_application_at_start``); later garbage is collected as before.
"""

from __future__ import annotations

import gc
import os
import threading


def freeze_loaded_application() -> None:
    """Collect the garbage of startup, then leave what remains out of later collections."""
    gc.collect()
    gc.freeze()


_frozen_in: int | None = None
_lock = threading.Lock()


def freeze_loaded_application_once() -> bool:
    """``freeze_loaded_application`` the first time it is called in this process (a worker process
    forked later freezes its own); True when it froze now. The job worker calls it from every worker
    thread's start: only the first one freezes, before the threads have any job's objects."""
    global _frozen_in
    with _lock:
        if _frozen_in == os.getpid():
            return False
        freeze_loaded_application()
        _frozen_in = os.getpid()
        return True
