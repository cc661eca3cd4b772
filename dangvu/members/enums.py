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
