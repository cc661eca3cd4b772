"""``{% unit_picker "org" org "members.stats" %}``: the unit picker in a hand-written filter form."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from dangvu.orgs.fields import UnitInput

register = template.Library()


@register.simple_tag
def unit_picker(name: str, value: Any, source: str = "directory", **attrs: Any) -> SafeString:
    """The picker's input named ``name`` holding ``value`` (a unit or codes), searching ``source``."""
    widget = UnitInput(source)
    extra = {key.replace("_", "-"): item for key, item in attrs.items()}  # aria_describedby=…
    return widget.render(name, value, attrs={"id": name, "class": "form-control", **extra})
