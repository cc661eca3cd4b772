from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangvu.members.enums import CURRENT_STATUSES


class OrgMemberCount(models.Model):
    """Member counts of a unit's whole subtree by status, as of the last fold of ``MemberStatDelta``.

    Writers never update these rows (every change in the country would queue on the national row):
    they append deltas, which a job folds in within seconds; ``dangvu.members.rollups`` adds the
    deltas not yet folded to what it reads, so the figures are exact at every moment. The national
    dashboard reads these instead of recounting millions of rows.
    """

    org = models.OneToOneField(
        "orgs.Org", on_delete=models.CASCADE, primary_key=True, related_name="member_count"
    )
    probationary = models.BigIntegerField(default=0)
    official = models.BigIntegerField(default=0)
    exempt = models.BigIntegerField(default=0)
    transferring = models.BigIntegerField(default=0)
    # Set on the units whose statistics cells (``OrgMemberStat``) are kept: when they were recounted.
    cells_computed_at = models.DateTimeField(null=True, blank=True)

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
    breakdown live would take too long: folded from ``MemberStatDelta`` like the counts, and recounted
    nightly (which checks the drift). Smaller units are counted live.
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


class MemberStatDelta(models.Model):
    """One change to the statistics: ``n`` members (+ arrived, − left) of unit ``org`` with these facts.

    Every member change appends rows here (the member's facts before, with −1, at their old unit;
    after, with +1, at their new unit) instead of updating the shared roll-up rows, so that changes in
    different units never wait on each other. ``dangvu.members.rollups.fold`` adds them to
    ``OrgMemberCount`` and ``OrgMemberStat`` of the unit and its ancestors and deletes them. The fact
    columns hold the statistics cells' keys ("" = unknown); the event months are "YYYY-MM".
    """

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    n = models.IntegerField()
    status = models.CharField(max_length=20)
    sex = models.CharField(max_length=6, blank=True)
    birth_year = models.CharField(max_length=4, blank=True)
    party_age_year = models.CharField(max_length=6, blank=True)
    # "YYYY-MM" of the birth and of a running party-age clock's start ("" = unknown or clock stopped):
    # the month cells from which the bands count whole years on any report day. Blank by default in
    # the database too: a process started before these columns existed still appends its deltas.
    birth_month = models.CharField(max_length=7, blank=True, default="", db_default="")
    party_age_month = models.CharField(max_length=7, blank=True, default="", db_default="")
    ethnicity_id = models.IntegerField(null=True, blank=True)
    religion_id = models.IntegerField(null=True, blank=True)
    general_education = models.CharField(max_length=20, blank=True)
    political_theory = models.CharField(max_length=12, blank=True)
    admitted_month = models.CharField(max_length=7, blank=True)
    recognized_month = models.CharField(max_length=7, blank=True)
    deceased_month = models.CharField(max_length=7, blank=True)

    class Meta:
        verbose_name = _("thay đổi thống kê đảng viên (chưa cộng dồn)")
        verbose_name_plural = pgettext_lazy("plural", "thay đổi thống kê đảng viên (chưa cộng dồn)")

    def __str__(self) -> str:
        return f"{self.org_id} {self.status} {self.n:+d}"
