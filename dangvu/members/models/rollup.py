from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangvu.members.enums import CURRENT_STATUSES


class OrgMemberCount(models.Model):
    """Member counts of a unit's whole subtree, kept exact by every service that moves or re-statuses members.

    The national dashboard reads these instead of recounting millions of rows.
    """

    org = models.OneToOneField(
        "orgs.Org", on_delete=models.CASCADE, primary_key=True, related_name="member_count"
    )
    probationary = models.BigIntegerField(default=0)
    official = models.BigIntegerField(default=0)
    exempt = models.BigIntegerField(default=0)
    transferring = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("số đảng viên (cộng dồn)")
        verbose_name_plural = pgettext_lazy("plural", "số đảng viên (cộng dồn)")

    def __str__(self) -> str:
        return f"{self.org_id}: {self.total}"

    @property
    def total(self) -> int:
        return self.probationary + self.official + self.exempt + self.transferring

    def as_dict(self) -> dict[str, int]:
        return {status: getattr(self, status) for status in CURRENT_STATUSES} | {"total": self.total}


class OrgMemberStat(models.Model):
    """One cell of a large unit's member statistics (its whole subtree): ``dimension`` = ``key`` → ``n``.

    Kept for units with many members (``stats.PRECOMPUTE_MIN_MEMBERS``), where recounting every
    breakdown live would take seconds; rebuilt by a nightly job and after imports. Smaller units are
    counted live. Counts by status always come from ``OrgMemberCount``, which is exact at every moment.
    """

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="member_stats")
    dimension = models.CharField(max_length=24)
    key = models.CharField(max_length=120)
    n = models.BigIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ô thống kê đảng viên (tính sẵn)")
        verbose_name_plural = pgettext_lazy("plural", "ô thống kê đảng viên (tính sẵn)")
        constraints = [
            models.UniqueConstraint(fields=["org", "dimension", "key"], name="member_stat_unique_cell")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.dimension}={self.key}: {self.n}"
