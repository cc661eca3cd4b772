from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Re-exported: the member file stores partial dates.
from dangvu.core.enums import DatePrecision as DatePrecision


class MemberStatus(models.TextChoices):
    # A context of their own: in English a status (“Expelled”) is not the act (“Expulsion”).
    PROBATIONARY = "probationary", pgettext_lazy("member status", "Dự bị")
    OFFICIAL = "official", pgettext_lazy("member status", "Chính thức")
    EXEMPT = "exempt", pgettext_lazy("member status", "Miễn sinh hoạt")
    TRANSFERRING = "transferring", pgettext_lazy("member status", "Đang chuyển sinh hoạt")
    TRANSFERRED_OUT = "transferred_out", pgettext_lazy("member status", "Đã chuyển ra ngoài hệ thống")
    DECEASED = "deceased", pgettext_lazy("member status", "Từ trần")
    REMOVED = "removed", pgettext_lazy("member status", "Xóa tên")
    EXPELLED = "expelled", pgettext_lazy("member status", "Khai trừ")
    LEFT = "left", pgettext_lazy("member status", "Ra khỏi Đảng")


# Statuses of people who are party members now; the roll-up keeps one counter column for each.
CURRENT_STATUSES: tuple[str, ...] = (
    MemberStatus.PROBATIONARY,
    MemberStatus.OFFICIAL,
    MemberStatus.EXEMPT,
    MemberStatus.TRANSFERRING,
)
# Statuses that end membership; party age stops counting (an interruption opens) from their date.
ENDED_STATUSES: tuple[str, ...] = (MemberStatus.REMOVED, MemberStatus.EXPELLED, MemberStatus.LEFT)


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class TheoryLevel(models.TextChoices):
    NONE = "", _("Chưa qua đào tạo")
    ELEMENTARY = "so-cap", _("Sơ cấp")
    INTERMEDIATE = "trung-cap", _("Trung cấp")
    ADVANCED = "cao-cap", _("Cao cấp")
    BACHELOR = "cu-nhan", _("Cử nhân")


class StateManagementLevel(models.TextChoices):
    NONE = "", _("Chưa qua bồi dưỡng")
    SPECIALIST = "chuyen-vien", _("Chuyên viên")
    PRINCIPAL = "chuyen-vien-chinh", _("Chuyên viên chính")
    SENIOR = "chuyen-vien-cao-cap", _("Chuyên viên cao cấp")


class TransferKind(models.TextChoices):
    OFFICIAL = "official", _("Chuyển sinh hoạt chính thức")
    TEMPORARY = "temporary", _("Chuyển sinh hoạt tạm thời")


class TemporaryCategory(models.TextChoices):
    """Why a member takes part elsewhere for a while; each has its limits as a rule
    (``temporary_transfer_<category>``)."""

    WORK = "work", _("Đi công tác, làm việc ở nơi khác")
    RESIDENCE = "residence", _("Cư trú ở nơi khác")
    STUDY = "study", _("Học tập tập trung")
    SPECIAL = "special", _("Trường hợp đặc biệt")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    LEFT_SYSTEM = "left_system", _("Chuyển ra ngoài hệ thống")
    CANCELLED = "cancelled", _("Đã hủy")
    RETURNED = "returned", _("Đã trở về (tạm thời)")


class InterruptionReason(models.TextChoices):
    EXPELLED = "expelled", _("Khai trừ")
    REMOVED = "removed", _("Xóa tên")
    LEFT = "left", _("Ra khỏi Đảng")
    LOST_CONTACT = "lost_contact", _("Mất liên lạc")
    TRANSFER_GAP = "transfer_gap", _("Gián đoạn do chuyển sinh hoạt")


class EndingKind(models.TextChoices):
    """The three ways membership ends that a ground (căn cứ) is recorded for (re-admission reads it)."""

    REMOVED = "removed", _("Xóa tên")
    LEFT = "left", _("Ra khỏi Đảng")
    EXPELLED = "expelled", _("Khai trừ")


class EndingGroundCode(models.TextChoices):
    """The grounds of an ending that the forms and the API offer. The ``EndingGround`` reference table
    holds each with its legal basis and dates (which one applies on a day, and which bar re-admission,
    is data); the codes are named here because generated forms and API schemas need them when the
    code loads, before any database is read."""

    REMOVED_NO_ACTIVITY = "removal.no_activity", _("Bỏ sinh hoạt đảng (không sinh hoạt 3 tháng trong năm)")
    REMOVED_UNPAID_FEES = "removal.unpaid_fees", _("Không đóng đảng phí 3 tháng trong năm")
    REMOVED_NO_DUTIES = "removal.no_duties", _("Không làm nhiệm vụ đảng viên 12 tháng liền")
    REMOVED_DECLINE = "removal.decline", _("Giảm sút ý chí phấn đấu, không còn đủ tư cách đảng viên")
    REMOVED_OTHER = "removal.other", _("Lý do khác (xóa tên)")
    LEFT_APPLIED = "leave.applied", _("Xin ra khỏi Đảng")
    LEFT_HARDSHIP = "leave.family_hardship", _("Xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn")
    EXPELLED_DISUNITY = "expel.disunity", _("Gây mất đoàn kết nội bộ nghiêm trọng")
    EXPELLED_CORRUPTION = "expel.corruption", _("Bị kết án về tội tham nhũng")
    EXPELLED_SERIOUS_CRIME = "expel.serious_crime", _("Bị kết án về tội từ nghiêm trọng trở lên")
    EXPELLED_MINOR_CRIME = "expel.minor_crime", _("Bị kết án về tội ít nghiêm trọng")
    EXPELLED_VIOLATION = "expel.violation", _("Vi phạm kỷ luật đảng khác")


def ground_choices(kind: str) -> list[tuple[str, Any]]:
    """(code, label) of the grounds of one kind of ending (removal, leave, expel)."""
    prefix = {"removed": "removal.", "left": "leave.", "expelled": "expel."}[kind]
    return [(value, label) for value, label in EndingGroundCode.choices if value.startswith(prefix)]


class DisciplineForm(models.TextChoices):
    REPRIMAND = "khien-trach", _("Khiển trách")
    WARNING = "canh-cao", _("Cảnh cáo")
    DISMISSAL = "cach-chuc", _("Cách chức")
    EXPULSION = "khai-tru", _("Khai trừ")


# QĐ 69-QĐ/TW: probationers can only be reprimanded or warned.
PROBATIONER_DISCIPLINE = frozenset({DisciplineForm.REPRIMAND, DisciplineForm.WARNING})


class CardEventKind(models.TextChoices):
    ISSUE = "issue", _("Phát thẻ")
    REISSUE = "reissue", _("Cấp lại thẻ")
    EXCHANGE = "exchange", _("Đổi thẻ")


class AwardKind(models.TextChoices):
    BADGE = "badge", _("Huy hiệu Đảng")
    OTHER = "other", _("Khen thưởng khác")


class HistoryKind(models.TextChoices):
    WORK = "work", _("Công tác")
    PARTY = "party", _("Sinh hoạt đảng")
    TRAINING = "training", _("Đào tạo, bồi dưỡng")
