"""The module navigation: each module's description lists its entries; the shell shows those the user
may use."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from dangvu.accounts.permissions import has_perm
from dangvu.core.modules import modules


def nav_for(user: Any) -> list[dict[str, str]]:
    entries = sorted((entry for m in modules() for entry in m.nav), key=lambda e: (e.order, e.key))
    result = []
    for entry in entries:
        if entry.permission and not has_perm(user, entry.permission):
            continue
        if entry.shown_to is not None and not entry.shown_to(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        result.append({"key": entry.key, "label": str(entry.label), "url": url, "icon": entry.icon})
    return result
