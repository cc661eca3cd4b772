"""The unit fields of forms: one searchable picker wherever a unit (or a list of units) is chosen.

``UnitField`` / ``UnitListField`` render a text input that ``web/unitpicker.js`` turns into a combobox
searching the server: the unit directory (``source="directory"``, any unit in the country: transfer
destinations, document recipients) or the picker of one verb's permission (``source="members.manage"``:
only the units where the user may do it). Each result shows its path ("Chi bộ Công an — Đảng ủy xã Hiệp
Yên — Tỉnh ủy Ninh Bình").

Without JavaScript the same input takes a unit's code (several separated by commas), or enough of its
name to match one unit. The field always validates against its ``queryset`` on the server: the picker
is a convenience, never the check.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from dangvu.core import widgets
from dangvu.orgs import directory
from dangvu.orgs.enums import OrgStatus
from dangvu.orgs.models import Org

MAX_UNITS = 100  # units in one list field


def _codes(value: Any) -> list[str]:
    """The codes a field's value stands for: units, ids (a model form's initial value) or typed text."""
    if isinstance(value, Org):
        return [value.code]
    if isinstance(value, int) and not isinstance(value, bool):
        return list(Org.objects.filter(pk=value).values_list("code", flat=True))
    if isinstance(value, list | tuple):
        return [code for item in value for code in _codes(item)]
    return [code.strip() for code in str(value or "").split(",") if code.strip()][:MAX_UNITS]


class UnitInput(widgets.TextInput):
    """The text input the unit picker enhances.

    ``source`` is ``"directory"`` or the permission of the verb the unit is chosen for; ``multiple``
    makes it a list of units; ``accepts_members`` keeps to units whose members meet there (chi bộ).
    """

    def __init__(
        self,
        source: str = "directory",
        attrs: dict[str, Any] | None = None,
        *,
        multiple: bool = False,
        accepts_members: bool = False,
    ) -> None:
        base = {
            "data-unit-picker": source,
            "autocomplete": "off",
            "placeholder": _("Mã đơn vị, cách nhau bởi dấu phẩy") if multiple else _("Gõ tên hoặc mã đơn vị"),
        }
        super().__init__({**base, **(attrs or {})})
        self.source = source
        self.multiple = multiple
        self.accepts_members = accepts_members

    def url(self) -> str:
        if self.source == "directory":
            return reverse("api:unit_directory")
        query = {"perm": self.source, **({"accepts_members": "true"} if self.accepts_members else {})}
        return f"{reverse('api:unit_picker')}?{urlencode(query)}"

    def format_value(self, value: Any) -> str | None:
        codes = _codes(value)
        return ",".join(codes) if codes else None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        codes = _codes(value)
        found = {u.code: u for u in Org.objects.filter(code__in=codes).select_related("org_type")}
        chosen = directory.describe([found[code] for code in codes if code in found])
        extra = {
            "data-unit-url": self.url(),
            "data-unit-chosen": json.dumps(
                [{"code": c.code, "name": c.name, "path": c.path} for c in chosen], ensure_ascii=False
            ),
            "data-unit-texts": json.dumps(
                {
                    "placeholder": str(_("Gõ tên hoặc mã đơn vị")),
                    "none": str(_("Không tìm thấy đơn vị phù hợp.")),
                    "more": str(_("Chỉ hiện 20 đơn vị đầu tiên; gõ thêm để thu hẹp.")),
                    "failed": str(_("Không tải được danh sách đơn vị; hãy thử lại.")),
                    "count": str(_("Tìm thấy {count} đơn vị.")),
                    "chosen": str(_("Đơn vị đã chọn")),
                    "remove": str(_("Bỏ chọn {name}")),
                    "removed": str(_("Đã bỏ chọn {name}.")),
                },
                ensure_ascii=False,
            ),
        }
        if self.multiple:
            extra["data-unit-multiple"] = "1"
        context["widget"]["attrs"].update(extra)
        return context


class UnitField(forms.Field):
    """Cleans a unit code, id or unambiguous name to an ``Org`` of ``queryset`` (default: every active
    unit). Forms set ``queryset`` to the units of the verb (``visible_to(user, perm)``)."""

    default_error_messages = {
        "missing": _("Không tìm thấy đơn vị “%(value)s”."),
        "ambiguous": _("Có nhiều đơn vị khớp với “%(value)s”: hãy chọn trong danh sách hoặc nhập mã đơn vị."),
    }

    def __init__(
        self, *, queryset: Any = None, source: str = "directory", accepts_members: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault("widget", UnitInput(source, accepts_members=accepts_members))
        super().__init__(**kwargs)
        self.queryset = queryset

    def units(self) -> Any:
        units = self.queryset if self.queryset is not None else Org.objects.filter(status=OrgStatus.ACTIVE)
        return units.select_related("org_type")

    def to_python(self, value: Any) -> Org | None:
        if isinstance(value, Org):
            return value
        text = str(value or "").strip()[:100]
        if not text:
            return None
        return self.resolve(text)

    def resolve(self, text: str) -> Org:
        """The unit ``text`` names: its code, its id, or words that match one unit's name only (or, when
        no name has them all, one unit's name with its ancestors' names)."""
        units = self.units()
        found = units.filter(code=text).first() or (
            units.filter(pk=int(text)).first() if text.isdigit() and len(text) < 10 else None
        )
        if found is not None:
            return found
        matches: list[Org] = []
        if hasattr(units, "search"):
            # The unit's own name first; only if none has every word, its ancestors' names too.
            matches = list(units.search(text).order_by()[:2]) or list(
                units.search_in_path(text).order_by()[:2]
            )
        if len(matches) == 1:
            return matches[0]
        code = "ambiguous" if matches else "missing"
        raise ValidationError(self.error_messages[code], code=code, params={"value": text})


class UnitListField(UnitField):
    """Several units: the picker's chips, or codes typed separated by commas."""

    default_error_messages = {
        "missing_many": ngettext_lazy(
            "Không tìm thấy đơn vị: %(value)s.", "Không tìm thấy các đơn vị: %(value)s.", "count"
        ),
        "too_many": _("Chọn nhiều nhất %(limit)s đơn vị."),
    }

    def __init__(
        self, *, queryset: Any = None, source: str = "directory", accepts_members: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault("widget", UnitInput(source, multiple=True, accepts_members=accepts_members))
        super().__init__(queryset=queryset, source=source, accepts_members=accepts_members, **kwargs)

    def to_python(self, value: Any) -> list[Org]:  # type: ignore[override]
        if isinstance(value, list) and all(isinstance(item, Org) for item in value):
            return value
        texts = [t.strip()[:100] for t in str(value or "").split(",") if t.strip()]
        if len(texts) > MAX_UNITS:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": MAX_UNITS}
            )
        units: list[Org] = []
        missing: list[str] = []
        errors: list[ValidationError] = []
        for text in texts:
            try:
                unit = self.resolve(text)
            except ValidationError as error:
                if error.code == "missing":
                    missing.append(text)
                else:
                    errors.append(error)
                continue
            if unit not in units:
                units.append(unit)
        if missing:
            errors.insert(
                0,
                ValidationError(
                    self.error_messages["missing_many"],
                    code="missing",
                    params={"value": ", ".join(missing), "count": len(missing)},
                ),
            )
        if errors:
            raise ValidationError(errors)
        return units
