"""Deployment checks of the audit log's configuration (``dangvu check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def audit_key_is_its_own(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The audit key should not be derived from the secret key: rotating that one would make the whole
    log fail verification, and the two have different keepers."""
    if getattr(settings, "DANGVU_AUDIT_KEY", "") or getattr(settings, "DANGVU_AUDIT_KEY_FILE", ""):
        return []
    return [
        Warning(
            "The audit log's key is derived from DANGVU_SECRET_KEY.",
            hint="Set DANGVU_AUDIT_KEY (or DANGVU_AUDIT_KEY_FILE) to 32+ random bytes kept outside the "
            "database, before the first entry is written (docs/configuration.md).",
            id="dangvu.audit.W001",
        )
    ]
