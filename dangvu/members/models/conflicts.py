from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.querysets import ByUnit, Relation, ScopedQuerySet


class ConflictOutcome(models.TextChoices):
    """How the reviewing unit settled a conflict."""

    SAME_PERSON = "same_person", _("Cùng một người — đã gộp hồ sơ hoặc sửa một hồ sơ")
    DIFFERENT_PEOPLE = "different_people", _("Hai người khác nhau — đã sửa số CCCD nhập sai")
    DISMISSED = "dismissed", _("Không cần xử lý (nhập nhầm, đã bỏ)")


class IdentityConflictQuerySet(ScopedQuerySet["IdentityConflict"]):
    view_permission = "members.manage"
    # Only the level that sees both records reviews the conflict.
    relations: ClassVar[tuple[Relation, ...]] = (ByUnit("reviewer_org"),)

    def open(self) -> IdentityConflictQuerySet:
        return self.filter(resolved_at__isnull=True)

    def resolved(self) -> IdentityConflictQuerySet:
        return self.filter(resolved_at__isnull=False)


class IdentityConflict(models.Model):
    """A citizen ID (CCCD) someone tried to record that already belongs to a member outside their scope.

    They were told only that the number cannot be used and that the higher level will look at it (telling
    them it belongs to a member elsewhere would reveal Party membership); the unit that sees both
    records (``reviewer_org``, the nearest common unit above both) finds it in its work list.
    """

    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    existing = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("hồ sơ đã có số này")
    )
    requested_org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị nhập")
    )
    reviewer_org = models.ForeignKey(
        "orgs.Org",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị xem xét"),
    )
    channel = models.CharField(_("kênh"), max_length=10, blank=True)
    resolved_at = models.DateTimeField(_("đã xử lý lúc"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người xử lý"),
    )
    outcome = models.CharField(_("kết quả xử lý"), max_length=20, choices=ConflictOutcome.choices, blank=True)
    resolution_note = models.TextField(_("ghi chú xử lý"), blank=True, default="")

    objects = IdentityConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("trùng số CCCD cần xem xét")
        verbose_name_plural = _("trùng số CCCD cần xem xét")
        indexes = [models.Index(fields=["reviewer_org", "resolved_at"], name="identity_conflict_review_idx")]

    def __str__(self) -> str:
        return f"{self.existing_id} @ {self.requested_org_id}"

    def get_absolute_url(self) -> str:
        return reverse("members:identity_conflict", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
