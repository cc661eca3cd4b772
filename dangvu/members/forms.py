"""HTML input for members (validation only; the services write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.members.enums import CardEventKind, DisciplineForm, MemberStatus, TransferKind
from dangvu.members.models import Member
from dangvu.members.services import EDITABLE_FIELDS
from dangvu.orgs.models import Org

DATE = {
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "input_formats": ["%Y-%m-%d", "%d/%m/%Y"],
    "error_messages": {"invalid": "Ngày không hợp lệ (định dạng ngày/tháng/năm)."},
}


def date_field(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, **DATE)  # type: ignore[arg-type]


class MemberFileForm(forms.ModelForm):  # type: ignore[type-arg]
    """The member file's editable fields (status and unit change only through the verbs)."""

    class Meta:
        model = Member
        fields = list(EDITABLE_FIELDS)
        widgets = {
            f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for f in ("birth_date", "admitted_on", "ceremony_on", "recognized_on")
        }


class MemberCreateForm(MemberFileForm):
    org: forms.ModelChoiceField[Org] = forms.ModelChoiceField(
        label=_("Chi bộ"), queryset=Org.objects.none(), error_messages={"required": "Chọn chi bộ."}
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[(MemberStatus.OFFICIAL, "Chính thức"), (MemberStatus.PROBATIONARY, "Dự bị")],
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = units  # type: ignore[attr-defined]
        self.order_fields(["org", "status"])


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False)
    org = forms.CharField(label=_("Mã đơn vị (gồm cấp dưới)"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *MemberStatus.choices]
    )
    sex = forms.ChoiceField(
        label=_("Giới tính"),
        required=False,
        choices=[("", _("Tất cả")), ("male", _("Nam")), ("female", _("Nữ"))],
    )
    age = forms.ChoiceField(
        label=_("Tuổi"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("0-30", "≤30"),
            ("31-40", "31–40"),
            ("41-50", "41–50"),
            ("51-60", "51–60"),
            ("61-200", ">60"),
        ],
    )
    party_age = forms.ChoiceField(
        label=_("Tuổi đảng"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("0-9", _("Dưới 10 năm")),
            ("10-19", "10–19 năm"),
            ("20-29", "20–29 năm"),
            ("30-39", "30–39 năm"),
            ("40-49", "40–49 năm"),
            ("50-200", _("Từ 50 năm")),
        ],
        help_text=_("Tính từ năm kết nạp, như trong báo cáo thống kê."),
    )
    ethnicity = forms.CharField(label=_("Dân tộc"), required=False)


class RecognizeForm(forms.Form):
    decided_on = date_field(_("Ngày quyết định"))
    decision = forms.CharField(label=_("Số quyết định"), required=False)


class ExtendProbationForm(forms.Form):
    working_days = forms.IntegerField(
        label=_("Số ngày làm việc gia hạn"), min_value=1, max_value=30, initial=30
    )
    on = date_field(_("Ngày quyết định"))
    reason = forms.CharField(label=_("Lý do"))
    decision = forms.CharField(label=_("Số quyết định"), required=False)


class TransferForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=TransferKind.choices)
    to_org = forms.CharField(label=_("Mã chi bộ nơi đến (trên hệ thống)"), required=False)
    destination = forms.CharField(label=_("Hoặc tên tổ chức đảng nơi đến (ngoài hệ thống)"), required=False)
    issued_on = date_field(_("Ngày giới thiệu"))
    until_on = date_field(_("Đến ngày (chuyển tạm thời)"), required=False)
    letter_number = forms.CharField(label=_("Số giấy giới thiệu"), required=False)
    fees_paid_until = forms.CharField(
        label=_("Đã đóng đảng phí hết tháng (YYYY-MM)"), required=False, max_length=7
    )
    reason = forms.CharField(label=_("Lý do"), required=False)


class ReceiveForm(forms.Form):
    received_on = date_field(_("Ngày tiếp nhận"))


class ReasonForm(forms.Form):
    on = date_field(_("Ngày"))
    reason = forms.CharField(label=_("Lý do"), required=False)
    decision = forms.CharField(label=_("Số quyết định"), required=False)


class CardForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nghiệp vụ"), choices=CardEventKind.choices)
    card_number = forms.CharField(label=_("Số thẻ"), max_length=20)
    issued_on = date_field(_("Ngày cấp"))
    decision = forms.CharField(label=_("Số quyết định"), required=False)
    reason = forms.CharField(label=_("Lý do"), required=False)


class BadgeForm(forms.Form):
    milestone = forms.TypedChoiceField(
        label=_("Mốc tuổi Đảng"),
        coerce=int,
        choices=[(y, f"{y} năm") for y in (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)],
    )
    awarded_on = date_field(_("Ngày trao"))
    decision = forms.CharField(label=_("Số quyết định"), required=False)
    seriously_ill = forms.BooleanField(label=_("Đảng viên ốm nặng (tặng sớm)"), required=False)
    posthumous = forms.BooleanField(label=_("Truy tặng"), required=False)


class DisciplineFormForm(forms.Form):
    form = forms.ChoiceField(label=_("Hình thức"), choices=DisciplineForm.choices)
    decided_on = date_field(_("Ngày quyết định"))
    decision = forms.CharField(label=_("Số quyết định"))
    authority = forms.CharField(label=_("Cấp quyết định"), required=False)
    reason = forms.CharField(label=_("Lý do"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx) hoặc CSV (UTF-8)"))
    org: forms.ModelChoiceField[Org] = forms.ModelChoiceField(
        label=_("Đơn vị nhận"), queryset=Org.objects.none()
    )
    mode = forms.ChoiceField(
        label=_("Khi có dòng lỗi"), choices=[("all", "Không nhập gì cả"), ("valid", "Nhập các dòng hợp lệ")]
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = units  # type: ignore[attr-defined]
