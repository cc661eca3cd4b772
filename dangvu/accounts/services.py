"""Writes on people, roles and tokens."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangvu.accounts.models import ApiToken, Role, RoleAssignment, User
from dangvu.accounts.permissions import WHOLE_TREE, clear_cache, permission_labels, require_perm
from dangvu.audit.services import audit_created, audit_log, diff, snapshot


@transaction.atomic
def role_assign(
    *,
    actor: Any,
    user: User,
    role: Role,
    org: Any,
    include_subtree: bool = True,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> RoleAssignment:
    """Give ``user`` a role in ``org`` (and its subtree). The actor must manage users there."""
    require_perm(actor, "users.manage", org)
    unknown = sorted(set(role.permissions) - set(permission_labels()))
    if unknown:
        raise ValidationError({"role": f"Vai trò có quyền không tồn tại: {', '.join(unknown)}."})
    if valid_to and valid_from and valid_to < valid_from:
        raise ValidationError({"valid_to": "Ngày kết thúc phải sau ngày bắt đầu."})
    assignment = RoleAssignment.objects.create(
        user=user,
        role=role,
        org=org,
        include_subtree=include_subtree,
        valid_from=valid_from or timezone.localdate(),
        valid_to=valid_to,
    )
    clear_cache(user)
    audit_created(actor=actor, obj=assignment, event="accounts.role_assign", org=org)
    return assignment


@transaction.atomic
def role_set_permissions(*, actor: Any, role: Role, permissions: list[str]) -> Role:
    """Change what a role may do. Roles are shared by every unit, so only a system administrator
    (superuser) may change them; unknown codes are refused. Audited before → after."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Chỉ quản trị hệ thống được sửa quyền của vai trò.")
    unknown = sorted(set(permissions) - set(permission_labels()))
    if unknown:
        raise ValidationError({"permissions": f"Không có quyền: {', '.join(unknown)}."})
    role = Role.objects.select_for_update().get(pk=role.pk)
    before = snapshot(role)
    role.permissions = sorted(set(permissions))
    role.save(update_fields=["permissions"])
    audit_log(
        actor=actor,
        action="update",
        obj=role,
        event="accounts.role_permissions",
        changes=diff(before, snapshot(role)),
    )
    return role


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> RoleAssignment:
    """Take a role away now. The row stays (with its dates and the revocation time) for history."""
    require_perm(actor, "users.manage", assignment.org)
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.revoked_at is not None:
        return assignment
    before = snapshot(assignment)
    today = timezone.localdate()
    assignment.revoked_at = timezone.now()
    if assignment.valid_to is None or assignment.valid_to > today:
        assignment.valid_to = max(today, assignment.valid_from)
    assignment.save(update_fields=["valid_to", "revoked_at"])
    clear_cache(assignment.user)
    audit_log(
        actor=actor,
        action="update",
        obj=assignment,
        org=assignment.org,
        event="accounts.role_revoke",
        changes=diff(before, snapshot(assignment)),
    )
    return assignment


@transaction.atomic
def api_token_create(
    *, actor: Any, user: User, name: str = "", expires_at: Any = None
) -> tuple[ApiToken, str]:
    """Issue a bearer token for ``user``; returns the row and the token (shown once, stored hashed)."""
    if actor is not None and getattr(actor, "pk", None) != user.pk:
        require_perm(actor, "users.manage", WHOLE_TREE)
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:8], key_hash=ApiToken.hash_key(key), expires_at=expires_at
    )
    audit_log(
        actor=actor or "cli",
        action="create",
        obj=token,
        event="accounts.token_create",
        data={"user": user.username, "prefix": token.prefix},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if getattr(actor, "pk", None) != token.user_id:
        require_perm(actor, "users.manage", WHOLE_TREE)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(
            actor=actor,
            action="update",
            obj=token,
            event="accounts.token_revoke",
            data={"prefix": token.prefix},
        )
    return token


def api_token_authenticate(key: str) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, revoked, expired, inactive user)."""
    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
    now = timezone.now()
    if (
        token is None
        or token.revoked_at is not None
        or (token.expires_at is not None and token.expires_at <= now)
    ):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
