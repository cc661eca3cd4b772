"""The module navigation: every module registers its entry; the shell shows those the user may use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from dangvu.accounts.permissions import has_perm


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    permission: str  # "" = every logged-in user
    order: int = 50


_ITEMS: dict[str, NavItem] = {}


def register_nav(item: NavItem) -> None:
    _ITEMS[item.key] = item


def nav_for(user: Any) -> list[dict[str, str]]:
    result = []
    for item in sorted(_ITEMS.values(), key=lambda i: i.order):
        if item.permission and not has_perm(user, item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        result.append({"key": item.key, "label": item.label, "url": url})
    return result
