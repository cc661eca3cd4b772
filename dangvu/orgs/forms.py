"""HTML input for the organization tree (validation only; the services write)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dangvu.core.forms import VNDateField
from dangvu.orgs.fields import UnitField, UnitListField
from dangvu.orgs.models import Org, OrgType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _date_field(label: StrOrPromise, required: bool = True) -> VNDateField:
    """A date typed dd/mm/yyyy with the kit's picker (never ``type=date``, which sends an impossible
    date as empty)."""
    return VNDateField(label=label, required=required)


class OrgCreateForm(forms.Form):
    name = forms.CharField(label=_("Tên đơn vị"), max_length=255)
    code = forms.CharField(label=_("Mã đơn vị"), max_length=40)
    abbreviation = forms.CharField(
        label=_("Ký hiệu trên văn bản"),
        max_length=20,
        required=False,
        help_text=_("Để trống để dùng ký hiệu mặc định của loại đơn vị."),
    )
    org_type = forms.ModelChoiceField(
        label=_("Loại đơn vị"),
        queryset=OrgType.objects.all(),
        error_messages={"required": _("Chọn loại đơn vị.")},
    )
    established_on = _date_field(_("Ngày thành lập"), required=False)
    decision = forms.CharField(label=_("Căn cứ (số quyết định)"), max_length=200, required=False)


class OrgRenameForm(forms.Form):
    name = forms.CharField(label=_("Tên mới"), max_length=255)
    abbreviation = forms.CharField(label=_("Ký hiệu trên văn bản"), max_length=20)
    effective_on = _date_field(_("Có hiệu lực từ ngày"))
    decision = forms.CharField(label=_("Căn cứ (số quyết định)"), max_length=200, required=False)


class OrgMoveForm(forms.Form):
    new_parent = UnitField(label=_("Đơn vị cấp trên mới"), source="orgs.manage")
    effective_on = _date_field(_("Có hiệu lực từ ngày"))
    decision = forms.CharField(label=_("Căn cứ (số quyết định)"), max_length=200, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = units  # type: ignore[attr-defined]


class OrgMergeForm(forms.Form):
    sources = UnitListField(
        label=_("Các đơn vị hợp nhất vào đơn vị này"),
        source="orgs.manage",
        error_messages={"required": _("Chọn ít nhất một đơn vị.")},
    )
    effective_on = _date_field(_("Có hiệu lực từ ngày"))
    decision = forms.CharField(label=_("Căn cứ (số quyết định)"), max_length=200, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = units  # type: ignore[attr-defined]


class OrgSplitForm(forms.Form):
    effective_on = _date_field(_("Có hiệu lực từ ngày"))
    decision = forms.CharField(label=_("Căn cứ (số quyết định)"), max_length=200, required=False)
    part1_name = forms.CharField(label=_("Đơn vị mới 1 — tên"), max_length=255)
    part1_code = forms.CharField(label=_("Đơn vị mới 1 — mã"), max_length=40)
    part2_name = forms.CharField(label=_("Đơn vị mới 2 — tên"), max_length=255)
    part2_code = forms.CharField(label=_("Đơn vị mới 2 — mã"), max_length=40)
    part3_name = forms.CharField(
        label=_("Đơn vị mới 3 — tên (không bắt buộc)"), max_length=255, required=False
    )
    part3_code = forms.CharField(label=_("Đơn vị mới 3 — mã"), max_length=40, required=False)

    def __init__(self, *args: Any, children: list[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.children = children
        for child in children:
            self.fields[f"child_{child.pk}"] = forms.ChoiceField(
                label=format_lazy(_("“{name}” chuyển về"), name=child.name),
                choices=[("1", _("Đơn vị mới 1")), ("2", _("Đơn vị mới 2")), ("3", _("Đơn vị mới 3"))],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["parts"] = self._parts(data)
        return data

    def _parts(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        parts = []
        for index in (1, 2, 3):
            name, code = data.get(f"part{index}_name"), data.get(f"part{index}_code")
            if name and code:
                children = [
                    child.pk for child in self.children if data.get(f"child_{child.pk}") == str(index)
                ]
                parts.append({"name": name, "code": code, "children": children})
        return parts


class OrgDissolveForm(forms.Form):
    effective_on = _date_field(_("Giải thể từ ngày"))
    decision = forms.CharField(label=_("Căn cứ (số quyết định)"), max_length=200)
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận giải thể đơn vị này"), error_messages={"required": _("Hãy đánh dấu xác nhận.")}
    )


class TermForm(forms.Form):
    name = forms.CharField(label=_("Nhiệm kỳ"), max_length=40, help_text=_("Ví dụ: 2025–2030"))
    starts_on = _date_field(_("Bắt đầu"))
    ends_on = _date_field(_("Kết thúc"), required=False)


def today() -> Any:
    return timezone.localdate()
