from django.db import models


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


class Sex(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"
