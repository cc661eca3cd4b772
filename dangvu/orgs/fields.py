"""The unit field of forms: a unit chosen by the picker (or typed as its code), any unit in the
directory unless a narrower queryset is given."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangvu.orgs.enums import OrgStatus
from dangvu.orgs.models import Org


class UnitInput(forms.TextInput):
    """A text input the unit picker enhances (``data-unit-picker``: ``directory`` or a permission)."""

    def __init__(self, source: str = "directory", attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"data-unit-picker": source, "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Org):
            return value.code
        return super().format_value(value)


class UnitField(forms.Field):
    """Cleans a unit code or id to an active ``Org`` of ``queryset`` (default: every active unit)."""

    default_error_messages = {"missing": _("Không tìm thấy đơn vị “%(value)s”.")}

    def __init__(self, *, queryset: Any = None, source: str = "directory", **kwargs: Any) -> None:
        kwargs.setdefault("widget", UnitInput(source))
        super().__init__(**kwargs)
        self.queryset = queryset

    def to_python(self, value: Any) -> Org | None:
        if isinstance(value, Org):
            return value
        text = str(value or "").strip()[:60]
        if not text:
            return None
        units = self.queryset if self.queryset is not None else Org.objects.filter(status=OrgStatus.ACTIVE)
        units = units.select_related("org_type")
        found = units.filter(code=text).first() or (
            units.filter(pk=int(text)).first() if text.isdigit() else None
        )
        if found is None:
            raise ValidationError(self.error_messages["missing"], code="missing", params={"value": text})
        return found


class UnitListField(forms.Field):
    """Several units, typed as codes separated by commas (the picker fills them)."""

    widget = UnitInput

    def to_python(self, value: Any) -> list[Org]:
        if isinstance(value, list):
            return value
        single = UnitField(required=False)
        return [
            unit for code in str(value or "").split(",")[:100] if (unit := single.to_python(code)) is not None
        ]
