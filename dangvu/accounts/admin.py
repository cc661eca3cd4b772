from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.models import ApiToken, Role, RoleAssignment, User
from dangvu.accounts.permissions import permission_labels
from dangvu.accounts.services import role_assign
from dangvu.core.admin import AuditedModelAdmin
from dangvu.orgs.fields import UnitField


@admin.register(User)
class DangvuUserAdmin(UserAdmin, AuditedModelAdmin):  # type: ignore[type-arg]
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email", "search_text")
    fieldsets = (*UserAdmin.fieldsets, (_("Đảng vụ số"), {"fields": ("full_name", "phone", "language")}))  # type: ignore[misc]
    actions = ["reset_password"]

    @admin.action(description=_("Đặt lại mật khẩu (mật khẩu cũ hết hiệu lực, gửi liên kết qua thư)"))
    def reset_password(self, request: HttpRequest, queryset: Any) -> None:
        """The administrator-initiated reset (dangvu.accounts.passwords), one user at a time."""
        from dangvu.accounts.passwords import password_reset_by_administrator

        base_url = f"{request.scheme}://{request.get_host()}"
        done, refused = [], []
        for user in queryset.order_by("username")[:100]:
            try:
                password_reset_by_administrator(actor=request.user, user=user, base_url=base_url)
            except ValidationError:
                refused.append(user.username)
            else:
                done.append(user.username)
        if done:
            self.message_user(request, _("Đã đặt lại mật khẩu và gửi liên kết: %s") % ", ".join(done))
        if refused:
            self.message_user(
                request, _("Chưa có địa chỉ thư, không đặt lại được: %s") % ", ".join(refused), messages.ERROR
            )


class RoleForm(forms.ModelForm):  # type: ignore[type-arg]
    permissions = forms.MultipleChoiceField(
        label=_("Quyền"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Role
        fields = ["code", "name", "name_en", "description", "permissions"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["permissions"].choices = sorted(permission_labels().items())  # type: ignore[attr-defined]


@admin.register(Role)
class RoleAdmin(AuditedModelAdmin):
    form = RoleForm
    list_display = ("name", "code")


class RoleAssignmentForm(forms.ModelForm):  # type: ignore[type-arg]
    """The unit of a role is chosen with the unit picker (any active unit: the administrator grants it)."""

    org = UnitField(label=_("Đơn vị"), source="users.manage")

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "org", "include_subtree", "valid_from", "valid_to"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedModelAdmin):
    form = RoleAssignmentForm
    list_display = ("user", "role", "org", "include_subtree", "valid_from", "valid_to")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "org__name", "org__code")
    raw_id_fields = ("user",)

    class Media:
        css = {"all": ("web/unitpicker.css",)}
        js = ("web/unitpicker.js",)

    def save_model(self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        role_assign(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            org=obj.org,
            include_subtree=obj.include_subtree,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are issued by `dangvu create_api_token`, which shows the secret once
