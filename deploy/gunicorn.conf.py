"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py dangvu.wsgi`."""

import multiprocessing
import os

bind = os.environ.get("DANGVU_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("DANGVU_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("DANGVU_WEB_THREADS", "2"))
timeout = int(os.environ.get("DANGVU_WEB_TIMEOUT", "60"))
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
forwarded_allow_ips = os.environ.get("DANGVU_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker: object) -> None:
    """The worker has loaded the application: leave its objects out of later garbage collections
    (dangvu.core.collector)."""
    from dangvu.core.collector import freeze_loaded_application

    freeze_loaded_application()
