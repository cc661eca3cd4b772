"""People, roles scoped to a unit subtree, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangvu.core.text import fold


class User(AbstractUser):
    """A person who logs in: office staff, leaders, members, administrators."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    # Set by the language switch; empty until the person uses it (then the interface is Vietnamese).
    language = models.CharField(
        _("ngôn ngữ giao diện"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )
    search_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = pgettext_lazy("plural", "người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: object, **kwargs: object) -> None:
        # Keeping the folded copy in step with the name is an invariant of the row, not a side effect.
        self.search_text = fold(f"{self.full_name} {self.username} {self.email}")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


def _grants_changed() -> None:
    from dangvu.accounts.permissions import grants_changed

    grants_changed()


class GrantsQuerySet(models.QuerySet[Any]):
    """Bulk writes on roles and assignments make every process read the users' grants again
    (``dangvu.accounts.permissions._assignments`` keeps them in the shared cache)."""

    def update(self, **kwargs: Any) -> int:
        changed = super().update(**kwargs)
        _grants_changed()
        return changed

    def delete(self) -> tuple[int, dict[str, int]]:
        result = super().delete()
        _grants_changed()
        return result

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[Any]:
        created = super().bulk_create(*args, **kwargs)
        _grants_changed()
        return created

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        changed = super().bulk_update(*args, **kwargs)
        _grants_changed()
        return changed


class GrantsModel(models.Model):
    """A row the users' cached grants are made of: saving or deleting it invalidates them."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _grants_changed()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        _grants_changed()
        return result


class Role(GrantsModel):
    """A named bundle of permissions (văn thư, chuyên viên, lãnh đạo, …). Data, edited by administrators."""

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên vai trò"), max_length=120)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=120, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    permissions = models.JSONField(_("quyền"), default=list, blank=True)

    objects = GrantsQuerySet.as_manager()

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = pgettext_lazy("plural", "vai trò")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoleAssignmentQuerySet(GrantsQuerySet):
    def active(self, on: date | None = None) -> RoleAssignmentQuerySet:
        on = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__lte=on),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on),
            revoked_at__isnull=True,
        )


class RoleAssignment(GrantsModel):
    """A user holds a role in one unit and, unless ``include_subtree`` is off, in every unit below it."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("người dùng")
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("vai trò")
    )
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("đơn vị")
    )
    include_subtree = models.BooleanField(_("gồm các đơn vị cấp dưới"), default=True)
    valid_from = models.DateField(_("từ ngày"), default=timezone.localdate)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = pgettext_lazy("plural", "phân quyền")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="role_assignment_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} — {self.org}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = pgettext_lazy("plural", "mã truy cập API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate_key() -> str:
        return "dv_" + secrets.token_urlsafe(32)


class DefaultGrant(models.Model):
    """A permission a module's description gave a standard role by default, once. Kept so that an
    administrator who takes the permission away again does not see it come back at the next migrate."""

    role_code = models.CharField(_("vai trò"), max_length=50)
    permission = models.CharField(_("quyền"), max_length=100)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyền mặc định đã cấp")
        verbose_name_plural = pgettext_lazy("plural", "quyền mặc định đã cấp")
        constraints = [models.UniqueConstraint(fields=["role_code", "permission"], name="default_grant_once")]

    def __str__(self) -> str:
        return f"{self.role_code}: {self.permission}"
