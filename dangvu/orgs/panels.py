"""Panels that modules add to a unit's page (``unit_panels`` in their description), loaded with htmx and
shown only to users who hold the panel's permission in that unit."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from dangvu.accounts.permissions import has_perm
from dangvu.core.modules import modules


def panels_for(user: Any, org: Any) -> list[dict[str, str]]:
    panels = sorted((p for m in modules() for p in m.unit_panels), key=lambda p: (p.order, p.key))
    return [
        {"key": p.key, "title": str(p.title), "url": f"{reverse(p.url_name)}?org={org.code}"}
        for p in panels
        if has_perm(user, p.permission, org)
    ]
