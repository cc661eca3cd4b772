"""A person chosen in a form: by username (the picker fills it) or id."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.models import User


class UserField(forms.Field):
    default_error_messages = {"missing": _("Không tìm thấy người dùng “%(value)s”.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"data-user-picker": "1", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> User | None:
        if isinstance(value, User):
            return value
        text = str(value or "").strip()[:150]
        if not text:
            return None
        found = User.objects.filter(is_active=True, username=text).first() or (
            User.objects.filter(is_active=True, pk=int(text)).first() if text.isdigit() else None
        )
        if found is None:
            raise ValidationError(self.error_messages["missing"], code="missing", params={"value": text})
        return found
