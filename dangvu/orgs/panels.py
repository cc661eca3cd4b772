"""Panels that other modules add to a unit's page (loaded with htmx, shown only to those allowed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from dangvu.accounts.permissions import has_perm


@dataclass(frozen=True)
class OrgPanel:
    key: str
    title: str
    url_name: str  # a view taking ?org=<code>
    permission: str
    order: int = 50


_PANELS: dict[str, OrgPanel] = {}


def register_org_panel(panel: OrgPanel) -> None:
    _PANELS[panel.key] = panel


def panels_for(user: Any, org: Any) -> list[dict[str, str]]:
    return [
        {"key": p.key, "title": p.title, "url": f"{reverse(p.url_name)}?org={org.code}"}
        for p in sorted(_PANELS.values(), key=lambda p: p.order)
        if has_perm(user, p.permission, org)
    ]
