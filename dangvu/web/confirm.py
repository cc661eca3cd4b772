"""Confirmations of final actions: what a user is told before a destructive or irreversible step.

A form page whose action is registered here shows the consequence above the form, and its submit button
carries it in data attributes; ``web/app.js`` then asks in a dialog before the form is sent (one dialog,
``web/confirm.html``, for every page). Keys are the page's URL name, with the verb for member verbs:
``"members:verb:remove"``, ``"orgs:dissolve"``. A workflow registry can feed this with
``register_confirmation`` instead of the list in ``dangvu.web.apps``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Confirmation:
    title: Any  # lazily translated strings
    consequence: Any
    button: Any
    # Ask only when this field has this value (the discipline form asks for khai trừ, not for khiển trách).
    when_field: str = ""
    when_value: str = ""


_CONFIRMATIONS: dict[str, Confirmation] = {}


def register_confirmation(key: str, confirmation: Confirmation) -> None:
    _CONFIRMATIONS[key] = confirmation


def confirmation_for(key: str) -> Confirmation | None:
    return _CONFIRMATIONS.get(key)
