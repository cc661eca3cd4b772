"""HTML input for documents (validation only; the services write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvu.core.forms import VNDateField
from dangvu.core.uploads import max_upload_bytes, too_large_message
from dangvu.documents.enums import Direction, IncomingStatus, OutgoingStatus, Secrecy, Urgency
from dangvu.documents.models import DocumentType, FileHeading, RetentionPeriod
from dangvu.orgs.fields import UnitField, UnitListField


def _types() -> Any:
    return DocumentType.objects.filter(active=True).order_by("name")


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm (số ký hiệu, trích yếu, nội dung)"), required=False, max_length=200)
    direction = forms.ChoiceField(
        label=_("Sổ"), required=False, choices=[("", _("Tất cả")), *Direction.choices]
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *OutgoingStatus.choices, *IncomingStatus.choices],
    )
    doc_type = forms.ChoiceField(label=_("Loại"), required=False)
    secrecy = forms.ChoiceField(
        label=_("Độ mật"), required=False, choices=[("", _("Tất cả")), *Secrecy.choices[1:]]
    )
    date_from = VNDateField(label=_("Từ ngày"), required=False)
    date_to = VNDateField(label=_("Đến ngày"), required=False)
    overdue = forms.BooleanField(label=_("Quá hạn"), required=False)
    mine = forms.BooleanField(label=_("Tôi được giao"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        abbreviations = sorted({t.abbreviation for t in _types()})
        self.fields["doc_type"].choices = [("", _("Tất cả")), *((a, a) for a in abbreviations)]  # type: ignore[attr-defined]


class OutgoingForm(forms.Form):
    org = UnitField(label=_("Đơn vị ban hành"), source="documents.draft")
    doc_type = forms.ModelChoiceField(label=_("Loại văn bản"), queryset=DocumentType.objects.none())
    subject = forms.CharField(label=_("Trích yếu"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(
        label=_("Nội dung"), required=False, max_length=200_000, widget=forms.Textarea(attrs={"rows": 14})
    )
    recipients = UnitListField(label=_("Đơn vị nhận trên hệ thống"), required=False)
    recipients_text = forms.CharField(
        label=_("Nơi nhận (in trên văn bản)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    secrecy = forms.ChoiceField(label=_("Độ mật"), required=False, choices=Secrecy.choices)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), required=False, choices=Urgency.choices)
    authority = forms.CharField(label=_("Thẩm quyền ký (T/M …, K/T …)"), required=False, max_length=120)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), required=False, max_length=120)
    signer_name = forms.CharField(label=_("Họ tên người ký"), required=False, max_length=120)
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].queryset = _types()  # type: ignore[attr-defined]
        self.fields["org"].queryset = units  # type: ignore[attr-defined]


class IncomingForm(forms.Form):
    org = UnitField(label=_("Đơn vị vào sổ"), source="documents.register")
    file = forms.FileField(label=_("Tệp (bản quét PDF/ảnh, hoặc PDF đã ký số)"), required=False)
    doc_type = forms.ModelChoiceField(label=_("Loại văn bản"), queryset=DocumentType.objects.none())
    sender_org = UnitField(
        label=_("Đơn vị gửi trên hệ thống"),
        required=False,
        help_text=_(
            "Chọn trong danh bạ đơn vị khi nơi gửi là một đơn vị của Đảng bộ; để trống nếu là cơ quan ngoài."
        ),
    )
    sender_name = forms.CharField(
        label=_("Cơ quan gửi"),
        max_length=255,
        required=False,
        help_text=_("Tên cơ quan gửi như trên văn bản; để trống khi đã chọn đơn vị gửi."),
    )
    number = forms.CharField(label=_("Số, ký hiệu"), required=False, max_length=80)
    issued_on = VNDateField(label=_("Ngày văn bản"), required=False)
    received_on = VNDateField(label=_("Ngày đến"), required=False)
    subject = forms.CharField(label=_("Trích yếu"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    secrecy = forms.ChoiceField(label=_("Độ mật"), required=False, choices=Secrecy.choices)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), required=False, choices=Urgency.choices)
    pages = forms.IntegerField(label=_("Số trang"), required=False, min_value=1, max_value=10_000)
    deadline = VNDateField(label=_("Hạn xử lý (để trống: theo quy định)"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].queryset = _types()  # type: ignore[attr-defined]
        self.fields["org"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        no_sender = not data.get("sender_org") and not (data.get("sender_name") or "").strip()
        if no_sender and "sender_org" not in self.errors:
            self.add_error("sender_name", _("Chọn đơn vị gửi hoặc ghi tên cơ quan gửi."))
        return data

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > max_upload_bytes():
            raise forms.ValidationError(too_large_message())
        return upload


class RegisterForm(forms.Form):
    """Which register to print: a unit, incoming or outgoing, a year, a format."""

    org = UnitField(label=_("Đơn vị"), source="documents.view")
    direction = forms.ChoiceField(label=_("Sổ"), choices=Direction.choices, initial=Direction.INCOMING)
    year = forms.IntegerField(label=_("Năm"), min_value=1930, max_value=2100)
    format = forms.ChoiceField(
        label=_("Định dạng"), choices=[("xlsx", _("Excel (.xlsx)")), ("pdf", _("PDF"))]
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = units  # type: ignore[attr-defined]


# --- Filing: the list of files (danh mục hồ sơ) ------------------------------------------------------


class FileListForm(forms.Form):
    """Which list of files to show: a unit and a year."""

    org = UnitField(label=_("Đơn vị"), source="documents.view")
    year = forms.IntegerField(label=_("Năm"), min_value=1930, max_value=2100)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = units  # type: ignore[attr-defined]


class FileListExportForm(FileListForm):
    format = forms.ChoiceField(
        label=_("Định dạng"), choices=[("xlsx", _("Excel (.xlsx)")), ("pdf", _("PDF"))]
    )


class FileHeadingForm(forms.Form):
    """A file of the list: the retention period is a number of years, or permanent (ticked)."""

    year = forms.IntegerField(label=_("Năm"), min_value=1930, max_value=2100)
    section = forms.CharField(
        label=_("Đề mục"),
        required=False,
        max_length=200,
        help_text=_("Nhóm hồ sơ trong danh mục, ví dụ “I. Tổng hợp”; để trống nếu không chia đề mục."),
    )
    code = forms.CharField(label=_("Số và ký hiệu hồ sơ"), max_length=40)
    title = forms.CharField(
        label=_("Tiêu đề hồ sơ"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    retention_period = forms.ModelChoiceField(
        label=_("Nhóm tài liệu (bảng thời hạn bảo quản mẫu)"),
        queryset=RetentionPeriod.objects.filter(active=True),
        required=False,
        empty_label=_("— Không chọn —"),
        help_text=_(
            "Chọn nhóm tài liệu để lấy thời hạn bảo quản đề xuất: để trống hai ô dưới thì hồ sơ nhận "
            "thời hạn của nhóm. Nhóm có dấu * là giá trị mặc định chưa đối chiếu văn bản gốc."
        ),
    )
    permanent = forms.BooleanField(label=_("Bảo quản vĩnh viễn"), required=False)
    retention_years = forms.IntegerField(
        label=_("Thời hạn bảo quản (năm)"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Số năm bảo quản, ví dụ 5, 10, 20, 70; bỏ trống khi bảo quản vĩnh viễn."),
    )
    keeper = forms.CharField(label=_("Đơn vị, người lập hồ sơ"), required=False, max_length=200)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)
    legal_basis = forms.CharField(label=_("Căn cứ"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["retention_period"]
        field.label_from_instance = lambda p: (  # type: ignore[attr-defined]
            f"{p.code}. {p.group} — {p.title} ({p.retention_label}){'' if p.confirmed else ' *'}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        permanent, years = data.get("permanent"), data.get("retention_years")
        if permanent and years:
            self.add_error("retention_years", _("Bảo quản vĩnh viễn thì không ghi số năm."))
        elif (
            not (permanent or years or data.get("retention_period")) and "retention_years" not in self.errors
        ):
            self.add_error(
                "retention_years",
                _("Ghi số năm bảo quản, chọn “Bảo quản vĩnh viễn”, hoặc chọn nhóm tài liệu."),
            )
        return data

    def service_values(self) -> dict[str, Any]:
        """The values the filing services take: the retention from the group when none is written."""
        from dangvu.documents.filing import FROM_PERIOD

        data = dict(self.cleaned_data)
        permanent = data.pop("permanent")
        if not permanent and not data.get("retention_years"):
            data["retention_years"] = FROM_PERIOD
        return data


class FileHeadingCreateForm(FileHeadingForm):
    org = UnitField(label=_("Đơn vị"), source="documents.register")
    field_order = ["org", "year"]

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = units  # type: ignore[attr-defined]
        self.order_fields(["org", "year"])


class CloseFileForm(forms.Form):
    """Closing a file: the end date, the sheets and documents in it, the keeper."""

    closed_on = VNDateField(label=_("Ngày kết thúc"))
    started_on = VNDateField(label=_("Ngày bắt đầu (để trống: ngày của văn bản sớm nhất)"), required=False)
    page_count = forms.IntegerField(label=_("Số tờ"), min_value=0, max_value=100_000)
    document_count = forms.IntegerField(
        label=_("Số văn bản (để trống: số văn bản đã lập vào hồ sơ)"),
        required=False,
        min_value=0,
        max_value=100_000,
    )
    keeper = forms.CharField(label=_("Người lập hồ sơ"), required=False, max_length=200)


class ReopenFileForm(forms.Form):
    reason = forms.CharField(label=_("Lý do mở lại"), max_length=500)


class ArchiveUnitForm(forms.Form):
    """Whose files go to the archive: a unit."""

    org = UnitField(label=_("Đơn vị"), source="documents.view")

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = units  # type: ignore[attr-defined]


class HandoverForm(forms.Form):
    """A handover record: the closed files (ticked in the list), when, who gives and who receives."""

    headings = forms.ModelMultipleChoiceField(
        label=_("Hồ sơ giao nộp"), queryset=FileHeading.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    handed_on = VNDateField(label=_("Ngày giao nộp"))
    delivered_by = forms.CharField(label=_("Người giao (họ tên, chức vụ)"), max_length=200)
    received_by = forms.CharField(label=_("Người nhận — lưu trữ cơ quan (họ tên, chức vụ)"), max_length=200)
    archive_name = forms.CharField(label=_("Lưu trữ cơ quan"), required=False, max_length=200)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)

    def __init__(self, *args: Any, headings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["headings"]
        field.queryset = headings  # type: ignore[attr-defined]
        field.label_from_instance = lambda h: f"{h.year} · {h.code} — {h.title}"  # type: ignore[attr-defined]


class CopyYearForm(forms.Form):
    from_year = forms.IntegerField(
        label=_("Sao chép từ danh mục năm"),
        min_value=1930,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "kit-year"}),
    )


class FilingForm(forms.Form):
    """Which file a document goes in (the unit's files of the document's year and the years around)."""

    heading: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Hồ sơ"),
        queryset=FileHeading.objects.none(),
        required=False,
        empty_label=_("— Không thuộc hồ sơ nào —"),
    )

    def __init__(self, *args: Any, headings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["heading"]
        field.queryset = headings  # type: ignore[attr-defined]
        field.label_from_instance = lambda h: f"{h.year} · {h.code} — {h.title} ({h.retention_label})"  # type: ignore[attr-defined]


class TokenPrepareForm(forms.Form):
    """Signing with the signer's own token, step 1: their certificate (the file the token's software
    exports, or pasted PEM) and, for the command the page then shows, how to reach the token."""

    certificate_file = forms.FileField(label=_("Tệp chứng thư số (.pem, .crt, .cer)"), required=False)
    certificate = forms.CharField(
        label=_("Hoặc dán chứng thư số (PEM)"),
        required=False,
        max_length=65_536,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    position = forms.CharField(
        label=_("Chức vụ ghi dưới chữ ký (để trống: theo dự thảo)"), required=False, max_length=120
    )
    module = forms.CharField(label=_("Thư viện PKCS#11 của thiết bị ký số"), max_length=300)
    token_label = forms.CharField(label=_("Nhãn thiết bị ký số (token)"), required=False, max_length=64)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("certificate_file")
        if upload is not None:
            if upload.size > 65_536:
                raise forms.ValidationError(_("Tệp chứng thư số quá lớn."))
            data["pem"] = upload.read()
        elif data.get("certificate", "").strip():
            data["pem"] = data["certificate"].encode()
        else:
            raise forms.ValidationError(_("Hãy chọn tệp chứng thư số hoặc dán chứng thư số."))
        return data


class TokenCompleteForm(forms.Form):
    """Step 2: what the signer returned: the answer file of the signing program (JSON), a signature file
    (raw value or CMS, DER) or the signature pasted as base64."""

    answer_file = forms.FileField(label=_("Tệp chữ ký do chương trình ký trả về"), required=False)
    signature = forms.CharField(
        label=_("Hoặc dán chữ ký (base64)"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, session: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session

    def clean(self) -> dict[str, Any]:
        import base64
        import binascii
        import json

        data = super().clean() or {}
        upload = data.get("answer_file")
        certificate = None
        if upload is not None:
            if upload.size > 300_000:
                raise forms.ValidationError(_("Tệp chữ ký quá lớn."))
            raw = upload.read()
            try:
                answer = json.loads(raw)
            except ValueError:
                answer = None
            if isinstance(answer, dict):
                if str(answer.get("session") or answer.get("id") or "") != self.session:
                    raise forms.ValidationError(
                        _("Tệp chữ ký được tạo cho một phiên ký khác; hãy ký tệp yêu cầu của phiên này.")
                    )
                text, certificate = str(answer.get("signature", "")), answer.get("certificate")
            else:
                data["signature_bytes"] = raw  # a signature file (DER)
                data["certificate_pem"] = None
                return data
        else:
            text = data.get("signature", "").strip()
        if not text:
            raise forms.ValidationError(_("Hãy chọn tệp chữ ký hoặc dán chữ ký."))
        try:
            data["signature_bytes"] = base64.b64decode("".join(text.split()), validate=True)
        except (ValueError, binascii.Error) as error:
            raise forms.ValidationError(_("Chữ ký không đúng định dạng base64.")) from error
        data["certificate_pem"] = str(certificate).encode() if certificate else None
        return data
