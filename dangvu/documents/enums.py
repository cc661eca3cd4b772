"""The states and codes of official documents (DOMAIN §8, §9, §12)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Văn bản đến")
    OUTGOING = "outgoing", _("Văn bản đi")


class Secrecy(models.TextChoices):
    """Luật BVBMNN 2018: three levels. TỐI MẬT and TUYỆT MẬT are registered as metadata only (their
    files travel on paper or through the cơ yếu service); MẬT files only on the Party's network."""

    NONE = "", _("Thường")
    MAT = "mat", _("Mật")
    TOI_MAT = "toi-mat", _("Tối mật")
    TUYET_MAT = "tuyet-mat", _("Tuyệt mật")


# Clearance permissions by level: a user sees a secret document only where they hold its clearance.
CLEARANCE = {
    Secrecy.MAT: "documents.secret_mat",
    Secrecy.TOI_MAT: "documents.secret_toi_mat",
    Secrecy.TUYET_MAT: "documents.secret_tuyet_mat",
}
METADATA_ONLY = frozenset({Secrecy.TOI_MAT, Secrecy.TUYET_MAT})


class Urgency(models.TextChoices):
    NORMAL = "", _("Thường")
    KHAN = "khan", _("Khẩn")
    THUONG_KHAN = "thuong-khan", _("Thượng khẩn")
    HOA_TOC = "hoa-toc", _("Hỏa tốc")


class OutgoingStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_REVIEW = "in_review", _("Đang trình duyệt")
    APPROVED = "approved", _("Đã duyệt")
    SIGNED = "signed", _("Đã ký")
    AWAITING_SEAL = "awaiting_seal", _("Đã cấp số, chờ đóng dấu số")
    ISSUED = "issued", _("Đã ban hành")
    CANCELLED = "cancelled", _("Đã hủy")


class IncomingStatus(models.TextChoices):
    ARRIVED = "arrived", _("Mới đến, chưa vào sổ")
    REFUSED = "refused", _("Đã từ chối tiếp nhận")
    REGISTERED = "registered", _("Đã vào sổ")
    ASSIGNED = "assigned", _("Đã giao xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", _("Đã hoàn thành")


class DeliveryStatus(models.TextChoices):
    """The edXML business status codes (QCVN 102:2016, DOMAIN §9) a recipient reports back."""

    ARRIVED = "01", _("Đã đến")
    REFUSED = "02", _("Từ chối tiếp nhận")
    REGISTERED = "03", _("Đã vào sổ")
    ASSIGNED = "04", _("Đã giao xử lý")
    PROCESSING = "05", _("Đang xử lý")
    DONE = "06", _("Đã hoàn thành")


class FileKind(models.TextChoices):
    ORIGINAL = "original", _("Bản gốc")
    OCR = "ocr", _("Bản số hóa (PDF/A, có lớp chữ)")
    STAMPED = "stamped", _("Bản có dấu đến")
    DRAFT_PDF = "draft_pdf", _("Dự thảo (PDF)")
    DRAFT_DOCX = "draft_docx", _("Dự thảo (Word)")
    SIGNED = "signed", _("Bản đã ký")
    ISSUED = "issued", _("Bản ban hành")


class HandlingResult(models.TextChoices):
    INFORMATION = "information", _("Để biết")
    REPLY = "reply", _("Đã trả lời bằng văn bản")
    CASE = "case", _("Đã lập hồ sơ giải quyết")
    DONE = "done", _("Đã xử lý xong")


class SeriesPeriod(models.TextChoices):
    """How a number series restarts: within a committee term (the Party rule, HD 36 §II.1.3) or each
    year (an organ-level option)."""

    TERM = "term", _("Theo nhiệm kỳ cấp ủy")
    YEAR = "year", _("Theo năm")
