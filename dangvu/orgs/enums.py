from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    MERGED = "merged", _("Đã hợp nhất")
    SPLIT = "split", _("Đã chia tách")
    DISSOLVED = "dissolved", _("Đã giải thể")


ENDED_STATUSES = frozenset({OrgStatus.MERGED, OrgStatus.SPLIT, OrgStatus.DISSOLVED})


class OrgEventKind(models.TextChoices):
    # Events are nouns in English (“Merger”), the buttons that cause them verbs (“Merge”).
    CREATED = "created", pgettext_lazy("org event", "Thành lập")
    RENAMED = "renamed", pgettext_lazy("org event", "Đổi tên")
    MOVED = "moved", pgettext_lazy("org event", "Chuyển trực thuộc")
    MERGED = "merged", pgettext_lazy("org event", "Hợp nhất")
    SPLIT = "split", pgettext_lazy("org event", "Chia tách")
    DISSOLVED = "dissolved", pgettext_lazy("org event", "Giải thể")
