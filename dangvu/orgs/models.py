"""The party-organisation tree: units of any depth, their types, terms and history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node

from dangvu.core.models import TimeStampedModel
from dangvu.core.text import fold, text_sort_key
from dangvu.orgs.enums import ENDED_STATUSES, OrgEventKind, OrgStatus
from dangvu.orgs.querysets import OrgManager


class OrgType(models.Model):
    """A kind of unit (Tỉnh ủy, đảng ủy xã, chi bộ, tổ đảng, …). Data, so each committee can add its own."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại"), max_length=120)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=120, blank=True)
    default_abbreviation = models.CharField(_("ký hiệu mặc định"), max_length=20, blank=True)
    rank = models.PositiveSmallIntegerField(_("cấp (0 = cao nhất)"), default=0)
    is_grassroots = models.BooleanField(_("là tổ chức cơ sở đảng"), default=False)
    has_members = models.BooleanField(_("đảng viên sinh hoạt trực tiếp"), default=False)
    is_dashboard_level = models.BooleanField(_("hiện trên bảng tổng hợp toàn quốc"), default=False)

    class Meta:
        verbose_name = _("loại tổ chức")
        verbose_name_plural = pgettext_lazy("plural", "loại tổ chức")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class Org(MP_Node, TimeStampedModel):
    """A party organisation. Ended units (merged, split, dissolved) stay in the tree with their records."""

    steplen = 4
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=120, blank=True)
    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    abbreviation = models.CharField(
        _("ký hiệu trên văn bản"),
        max_length=20,
        help_text=_("Dùng trong số ký hiệu văn bản, ví dụ TU, ĐU, CB."),
    )
    org_type = models.ForeignKey(
        OrgType, on_delete=models.PROTECT, related_name="orgs", verbose_name=_("loại")
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=OrgStatus.choices, default=OrgStatus.ACTIVE
    )
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    ended_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    search_text = models.TextField(blank=True, default="", editable=False)
    # The folded names of the unit's ancestors and its own, root first ("dang bo tinh ninh binh dang uy
    # xa hiep yen chi bo cong an"), so the picker finds a unit by its parents' names too. Root first
    # makes a unit's text the beginning of every descendant's: a rename or a move rewrites a subtree
    # with one UPDATE (``dangvu.orgs.services``).
    path_text = models.TextField(blank=True, default="", editable=False)
    sort_name = models.CharField(max_length=600, blank=True, default="", editable=False)

    objects = OrgManager()

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = pgettext_lazy("plural", "tổ chức đảng")
        indexes = [
            models.Index(fields=["org_type", "status"], name="org_type_status_idx"),
            # With the id, the index gives the picker's exact order (name, then id) and it can stop at 20
            # rows, even among 2,700 units named "Chi bộ Công an".
            models.Index(fields=["sort_name", "id"], name="org_sort_name_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(established_on__isnull=True)
                | models.Q(ended_on__gte=models.F("established_on")),
                name="org_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:detail", args=[self.pk])

    def refresh_derived(self) -> None:
        """Keep the folded search text and the Vietnamese sort key in step with the name."""
        self.search_text = fold(f"{self.name} {self.short_name} {self.code} {self.abbreviation}")
        self.sort_name = text_sort_key(self.name)[:600]

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED_STATUSES

    def ancestor_paths(self) -> list[str]:
        """Paths of every ancestor and of the unit itself, root first."""
        return [self.path[: i * self.steplen] for i in range(1, len(self.path) // self.steplen + 1)]

    def clean(self) -> None:
        if self.ended_on and self.established_on and self.ended_on < self.established_on:
            raise ValidationError({"ended_on": _("Ngày kết thúc không được trước ngày thành lập.")})


class OrgNameVersion(models.Model):
    """A name a unit carried for a period; a rename closes one version and opens the next."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="name_versions")
    name = models.CharField(_("tên"), max_length=255)
    abbreviation = models.CharField(_("ký hiệu"), max_length=20)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("tên gọi theo thời kỳ")
        verbose_name_plural = pgettext_lazy("plural", "tên gọi theo thời kỳ")
        ordering = ["org", "-valid_from"]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A committee term (nhiệm kỳ), e.g. 2025–2030. Document numbering restarts with each term."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="terms", verbose_name=_("đơn vị"))
    name = models.CharField(_("nhiệm kỳ"), max_length=40, help_text=_("Ví dụ: 2025–2030"))
    starts_on = models.DateField(_("bắt đầu"))
    ends_on = models.DateField(_("kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhiệm kỳ")
        verbose_name_plural = pgettext_lazy("plural", "nhiệm kỳ")
        ordering = ["org", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=models.F("starts_on")),
                name="term_dates_ordered",
            ),
            models.UniqueConstraint(fields=["org", "starts_on"], name="term_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.org} — {self.name}"


class OrgEvent(models.Model):
    """One structural change of a unit, with its legal basis: founding, rename, move, merge, split, dissolution."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="events", verbose_name=_("đơn vị"))
    kind = models.CharField(_("loại"), max_length=12, choices=OrgEventKind.choices)
    occurred_on = models.DateField(_("ngày hiệu lực"))
    decision = models.CharField(_("căn cứ (số quyết định)"), max_length=200, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện tổ chức")
        verbose_name_plural = pgettext_lazy("plural", "lịch sử tổ chức")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.org}"


class OrgSuccession(models.Model):
    """``predecessor`` continued as ``successor`` (a merge: many → one; a split: one → many)."""

    predecessor = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="successions_out")
    successor = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="successions_in")
    kind = models.CharField(max_length=12, choices=OrgEventKind.choices)
    occurred_on = models.DateField()

    class Meta:
        verbose_name = _("kế thừa tổ chức")
        verbose_name_plural = pgettext_lazy("plural", "kế thừa tổ chức")
        constraints = [models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique")]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
