"""HTML input for members (validation only; the services write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.core import widgets
from dangvu.core.forms import PartialDateField, VNDateField
from dangvu.members.enums import (
    CardEventKind,
    DisciplineForm,
    EndingGroundCode,
    InterruptionReason,
    MemberStatus,
    TransferKind,
)
from dangvu.members.models import Member
from dangvu.members.services import EDITABLE_FIELDS
from dangvu.orgs.fields import UnitField

# The whole dates of the member file (the birth date may be partial: ``PartialDateField``).
FILE_DATES = ("admitted_on", "ceremony_on", "recognized_on", "card_admitted_on")


def date_field(label: Any, required: bool = True) -> VNDateField:
    return VNDateField(label=label, required=required)


class MemberFileForm(forms.ModelForm):  # type: ignore[type-arg]
    """The member file's editable fields (status and unit change only through the verbs).

    The birth date is one text field that also takes mm/yyyy or yyyy (it sets the date and its
    precision together); every date is typed dd/mm/yyyy, and a date that does not exist is refused
    next to its field, never stored as empty.
    """

    birth_date = PartialDateField(label=_("Ngày sinh"), required=False)

    class Meta:
        model = Member
        fields = [f for f in EDITABLE_FIELDS if f != "birth_date_precision"]
        field_classes = dict.fromkeys(FILE_DATES, VNDateField)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.birth_date is not None:
            self.initial["birth_date"] = (self.instance.birth_date, self.instance.birth_date_precision)

    def _get_validation_exclusions(self) -> set[str]:
        # The citizen ID's uniqueness is the service's to check (dangvu.members.identity): the model's
        # constraint message would tell anyone that the number is in a member file elsewhere.
        return {*super()._get_validation_exclusions(), "cccd"}  # type: ignore[misc]

    def clean_birth_date(self) -> Any:
        # The model field holds the date; its precision travels beside it (``values``).
        parsed = self.cleaned_data["birth_date"]
        self.birth_date_precision = parsed[1] if parsed else "day"
        return parsed[0] if parsed else None

    def values(self) -> dict[str, Any]:
        """Every field as service arguments, the birth date's precision included."""
        return {**self.cleaned_data, "birth_date_precision": self.birth_date_precision}

    def changes(self) -> dict[str, Any]:
        """The fields the user changed, as service arguments (the birth date with its precision)."""
        result = {name: self.cleaned_data[name] for name in self.changed_data}
        if "birth_date" in result:
            result["birth_date_precision"] = self.birth_date_precision
        return result


class MemberCreateForm(MemberFileForm):
    org = UnitField(
        label=_("Chi bộ"),
        source="members.manage",
        accepts_members=True,
        error_messages={"required": _("Chọn chi bộ.")},
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
    """The member list's filters, rendered on every list request: its controls are rendered in Python
    (``dangvu.core.widgets``)."""

    q = forms.CharField(label=_("Tìm"), required=False, widget=widgets.TextInput)
    org = UnitField(label=_("Đơn vị (gồm cấp dưới)"), source="members.view", required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        widget=widgets.Select,
        choices=[("", _("Tất cả")), *MemberStatus.choices],
    )
    sex = forms.ChoiceField(
        label=_("Giới tính"),
        required=False,
        widget=widgets.Select,
        choices=[("", _("Tất cả")), ("male", _("Nam")), ("female", _("Nữ"))],
    )
    age = forms.ChoiceField(
        label=_("Tuổi"),
        required=False,
        widget=widgets.Select,
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
        widget=widgets.Select,
        choices=[
            ("", _("Tất cả")),
            ("0-9", _("Dưới 10 năm")),
            ("10-19", "10–19 năm"),
            ("20-29", "20–29 năm"),
            ("30-39", "30–39 năm"),
            ("40-49", "40–49 năm"),
            ("50-200", _("Từ 50 năm")),
        ],
        help_text=_(
            "Tính theo năm, như trong báo cáo thống kê: từ năm kết nạp lần đầu, trừ thời gian gián đoạn."
        ),
    )
    ethnicity = forms.CharField(label=_("Dân tộc"), required=False, widget=widgets.TextInput)


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
    org = UnitField(label=_("Đơn vị nhận"), source="members.manage")
    mode = forms.ChoiceField(
        label=_("Khi có dòng lỗi"), choices=[("all", "Không nhập gì cả"), ("valid", "Nhập các dòng hợp lệ")]
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = units  # type: ignore[attr-defined]


class InterruptionForm(forms.Form):
    """A period out of party activity (the services check the dates against the member's others)."""

    reason = forms.ChoiceField(label=_("Lý do gián đoạn"), choices=InterruptionReason.choices)
    starts_on = date_field(_("Từ ngày"))
    ends_on = VNDateField(
        label=_("Đến ngày"),
        required=False,
        help_text=_("Để trống nếu chưa kết thúc: tuổi đảng dừng cho đến khi kết thúc."),
    )
    ground = forms.ChoiceField(
        label=_("Căn cứ ra khỏi Đảng"),
        required=False,
        choices=[("", _("— (chỉ với xóa tên, ra khỏi Đảng, khai trừ)")), *EndingGroundCode.choices],
    )
    rehabilitated = forms.BooleanField(
        label=_("Đã được minh oan, phục hồi (tuổi đảng liên tục)"), required=False
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=255)


class InterruptionEditForm(InterruptionForm):
    change_reason = forms.CharField(
        label=_("Lý do sửa"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
