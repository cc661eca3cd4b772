"""Confirmations of final actions: what a user is told before a destructive or irreversible step.

A form page whose action is registered here shows the consequence above the form, and its submit button
carries it in data attributes; ``web/app.js`` then asks in a dialog before the form is sent (one dialog,
``web/confirm.html``, for every page). Keys are the page's URL name (``"orgs:dissolve"``, with the verb
for pages of ``<verb>`` URLs). A page of a workflow transition passes the transition's ``confirm`` text
instead (``web/submit.html`` and ``web/consequence.html`` take either).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Confirmation:
    title: Any  # lazily translated strings
    consequence: Any
    button: Any


_CONFIRMATIONS: dict[str, Confirmation] = {}


def register_confirmation(key: str, confirmation: Confirmation) -> None:
    _CONFIRMATIONS[key] = confirmation


def confirmation_for(key: str) -> Confirmation | None:
    return _CONFIRMATIONS.get(key)
