"""Party members (the minimal record the platform needs; the members module fills out the file)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from dangvu.accounts.querysets import ScopedQuerySet
from dangvu.core.models import TimeStampedModel
from dangvu.core.text import fold, sort_key
from dangvu.members.enums import CURRENT_STATUSES, MemberStatus, Sex


class MemberQuerySet(ScopedQuerySet["Member"]):
    view_permission = "members.view"

    def current(self) -> MemberQuerySet:
        return self.filter(status__in=CURRENT_STATUSES)

    def search(self, query: str | None) -> MemberQuerySet:
        """Accent-insensitive name search, or a CCCD prefix when the query is digits."""
        from dangvu.core.search import filter_search

        text = (query or "").strip()
        if text.isdigit():
            return self.filter(cccd__startswith=text)
        return filter_search(self, text)  # type: ignore[return-value]

    def in_subtree(self, org: models.Model) -> MemberQuerySet:
        return self.filter(org__path__startswith=org.path)  # type: ignore[attr-defined]


class Member(TimeStampedModel):
    """A party member and the unit (chi bộ) they belong to now."""

    full_name = models.CharField("họ và tên", max_length=150)
    sex = models.CharField("giới tính", max_length=6, choices=Sex.choices)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    cccd = models.CharField("số CCCD", max_length=12, null=True, blank=True, unique=True)
    # No index of its own: the (org, status) index below serves lookups by unit.
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="members", verbose_name="chi bộ", db_index=False
    )
    status = models.CharField(
        "trạng thái", max_length=16, choices=MemberStatus.choices, default=MemberStatus.OFFICIAL
    )
    admitted_on = models.DateField("ngày quyết định kết nạp", null=True, blank=True)
    search_text = models.TextField(blank=True, default="", editable=False)
    sort_key = models.CharField(max_length=400, blank=True, default="", editable=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        indexes = [
            models.Index(fields=["org", "status"], name="member_org_status_idx"),
            models.Index(fields=["sort_key"], name="member_sort_key_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    def refresh_derived(self) -> None:
        # Names only: CCCD numbers are matched by prefix on their own index (see MemberQuerySet.search).
        self.search_text = fold(self.full_name)
        self.sort_key = sort_key(self.full_name)[:400]


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
        verbose_name = "số đảng viên (cộng dồn)"
        verbose_name_plural = "số đảng viên (cộng dồn)"

    def __str__(self) -> str:
        return f"{self.org_id}: {self.total}"

    @property
    def total(self) -> int:
        return self.probationary + self.official + self.exempt + self.transferring

    def as_dict(self) -> dict[str, int]:
        return {status: getattr(self, status) for status in CURRENT_STATUSES} | {"total": self.total}
