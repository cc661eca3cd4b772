from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangvu.core.versions import bump_version, current_version
from dangvu.members.enums import EndingKind


class Ethnicity(models.Model):
    """One of Vietnam's 54 ethnic groups (reference list)."""

    code = models.CharField(_("mã"), max_length=3, unique=True)
    name = models.CharField(_("tên dân tộc"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("dân tộc")
        verbose_name_plural = pgettext_lazy("plural", "dân tộc")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Religion(models.Model):
    """A religion recognised in Vietnam, or "Không" (reference list)."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tôn giáo"), max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tôn giáo")
        verbose_name_plural = pgettext_lazy("plural", "tôn giáo")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class EndingGround(models.Model):
    """A ground (căn cứ) on which membership ended: removal (xóa tên), leaving (xin ra) or expulsion
    (khai trừ). Reference data with its legal basis; which grounds bar re-admission is the member rule
    ``readmission_barred_grounds`` in force on the re-admission date."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    kind = models.CharField(_("nghiệp vụ"), max_length=10, choices=EndingKind.choices)
    label = models.CharField(_("tên"), max_length=200)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("căn cứ ra khỏi Đảng")
        verbose_name_plural = pgettext_lazy("plural", "căn cứ ra khỏi Đảng")
        ordering = ["kind", "order", "code"]

    def __str__(self) -> str:
        return self.label


class MemberRuleQuerySet(models.QuerySet["MemberRule"]):
    def in_force(self, key: str, on: date) -> MemberRule | None:
        return (
            self.filter(key=key, effective_from__lte=on)
            .filter(models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=on))
            .order_by("-effective_from")
            .first()
        )


class MemberRule(models.Model):
    """A rule value with its period of validity and legal basis (probation length, time limits, …).

    Rules change with the regulations (QĐ 24 → 232 → 294); each version is a row, and the value in
    force on a given date is the one used. Values marked ``is_default`` are unconfirmed defaults that
    an administrator should check against the original texts.
    """

    key = models.CharField(_("quy tắc"), max_length=60)
    value = models.JSONField(_("giá trị"))
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    is_default = models.BooleanField(_("giá trị mặc định, chưa xác nhận"), default=False)
    description = models.CharField(_("mô tả"), max_length=300, blank=True)

    objects = MemberRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("quy tắc nghiệp vụ đảng viên")
        verbose_name_plural = pgettext_lazy("plural", "quy tắc nghiệp vụ đảng viên")
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="member_rule_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} (từ {self.effective_from:%d/%m/%Y})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        transaction.on_commit(bump_rules_version)
        bump_rules_version()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        transaction.on_commit(bump_rules_version)
        bump_rules_version()
        return result


_RULES_VERSION_KEY = "dangvu:member-rules:version"


def rules_version() -> int:
    return current_version(_RULES_VERSION_KEY)


def bump_rules_version() -> None:
    """Every process re-reads the rules after a change (the version lives in the shared cache)."""
    bump_version(_RULES_VERSION_KEY)
    all_rules.cache_clear()


@lru_cache(maxsize=4)
def all_rules(version: int) -> dict[str, list[tuple[date, date | None, Any]]]:
    """Every rule version, newest first per key (a few dozen rows, read once per version)."""
    result: dict[str, list[tuple[date, date | None, Any]]] = {}
    for row in MemberRule.objects.order_by("key", "-effective_from"):
        result.setdefault(row.key, []).append((row.effective_from, row.effective_to, row.value))
    return result


def rule(key: str, on: date, default: Any = None) -> Any:
    """The value of ``key`` in force on ``on`` (lists of members ask it per row: served from memory)."""
    for effective_from, effective_to, value in all_rules(rules_version()).get(key, []):
        if effective_from <= on and (effective_to is None or effective_to >= on):
            return value
    if default is None:
        raise LookupError(f"No member rule {key!r} in force on {on}")
    return default
