from django.db import models

# Re-exported: the member file stores partial dates.
from dangvu.core.enums import DatePrecision as DatePrecision


class MemberStatus(models.TextChoices):
    PROBATIONARY = "probationary", "Dự bị"
    OFFICIAL = "official", "Chính thức"
    EXEMPT = "exempt", "Miễn sinh hoạt"
    TRANSFERRING = "transferring", "Đang chuyển sinh hoạt"
    TRANSFERRED_OUT = "transferred_out", "Đã chuyển ra ngoài hệ thống"
    DECEASED = "deceased", "Từ trần"
    REMOVED = "removed", "Xóa tên"
    EXPELLED = "expelled", "Khai trừ"
    LEFT = "left", "Ra khỏi Đảng"


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
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


class TheoryLevel(models.TextChoices):
    NONE = "", "Chưa qua đào tạo"
    ELEMENTARY = "so-cap", "Sơ cấp"
    INTERMEDIATE = "trung-cap", "Trung cấp"
    ADVANCED = "cao-cap", "Cao cấp"
    BACHELOR = "cu-nhan", "Cử nhân"


class StateManagementLevel(models.TextChoices):
    NONE = "", "Chưa qua bồi dưỡng"
    SPECIALIST = "chuyen-vien", "Chuyên viên"
    PRINCIPAL = "chuyen-vien-chinh", "Chuyên viên chính"
    SENIOR = "chuyen-vien-cao-cap", "Chuyên viên cao cấp"


class TransferKind(models.TextChoices):
    OFFICIAL = "official", "Chuyển sinh hoạt chính thức"
    TEMPORARY = "temporary", "Chuyển sinh hoạt tạm thời"


class TransferStatus(models.TextChoices):
    PENDING = "pending", "Chờ tiếp nhận"
    RECEIVED = "received", "Đã tiếp nhận"
    LEFT_SYSTEM = "left_system", "Chuyển ra ngoài hệ thống"
    CANCELLED = "cancelled", "Đã hủy"
    RETURNED = "returned", "Đã trở về (tạm thời)"


class InterruptionReason(models.TextChoices):
    EXPELLED = "expelled", "Khai trừ"
    REMOVED = "removed", "Xóa tên"
    LEFT = "left", "Ra khỏi Đảng"
    LOST_CONTACT = "lost_contact", "Mất liên lạc"
    TRANSFER_GAP = "transfer_gap", "Gián đoạn do chuyển sinh hoạt"


class DisciplineForm(models.TextChoices):
    REPRIMAND = "khien-trach", "Khiển trách"
    WARNING = "canh-cao", "Cảnh cáo"
    DISMISSAL = "cach-chuc", "Cách chức"
    EXPULSION = "khai-tru", "Khai trừ"


# QĐ 69-QĐ/TW: probationers can only be reprimanded or warned.
PROBATIONER_DISCIPLINE = frozenset({DisciplineForm.REPRIMAND, DisciplineForm.WARNING})


class CardEventKind(models.TextChoices):
    ISSUE = "issue", "Phát thẻ"
    REISSUE = "reissue", "Cấp lại thẻ"
    EXCHANGE = "exchange", "Đổi thẻ"


class AwardKind(models.TextChoices):
    BADGE = "badge", "Huy hiệu Đảng"
    OTHER = "other", "Khen thưởng khác"


class HistoryKind(models.TextChoices):
    WORK = "work", "Công tác"
    PARTY = "party", "Sinh hoạt đảng"
    TRAINING = "training", "Đào tạo, bồi dưỡng"
