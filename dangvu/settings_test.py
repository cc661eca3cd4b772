"""Settings for the test suite: the production settings with fast, isolated services."""

import tempfile
from pathlib import Path

from dangvu.settings import *  # noqa: F403

DATA_DIR = Path(tempfile.mkdtemp(prefix="dangvu-test-"))
MEDIA_ROOT = DATA_DIR / "media"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # speed only; production uses the default
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {"huey_class": "huey.MemoryHuey", "name": "dangvu-test", "immediate": True}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "audit_checkpoints": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "audit-checkpoints")},
    },
}
# A module that exists only for the tests, plugged in the way every module is: one line here.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.toymodule"]  # noqa: F405
# Every page under a strict Content-Security-Policy, so browser tests catch inline scripts and styles.
MIDDLEWARE = [*MIDDLEWARE, "tests.csp.StrictContentSecurityPolicy"]  # noqa: F405
