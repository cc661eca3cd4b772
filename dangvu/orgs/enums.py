from django.db import models


class OrgStatus(models.TextChoices):
    ACTIVE = "active", "Đang hoạt động"
    MERGED = "merged", "Đã hợp nhất"
    SPLIT = "split", "Đã chia tách"
    DISSOLVED = "dissolved", "Đã giải thể"


ENDED_STATUSES = frozenset({OrgStatus.MERGED, OrgStatus.SPLIT, OrgStatus.DISSOLVED})


class OrgEventKind(models.TextChoices):
    CREATED = "created", "Thành lập"
    RENAMED = "renamed", "Đổi tên"
    MOVED = "moved", "Chuyển trực thuộc"
    MERGED = "merged", "Hợp nhất"
    SPLIT = "split", "Chia tách"
    DISSOLVED = "dissolved", "Giải thể"
