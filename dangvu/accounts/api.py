from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from dangvu.accounts.models import RoleAssignment, User
from dangvu.accounts.permissions import user_permissions
from dangvu.api.schemas import ERRORS

router = Router(tags=["me"])


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    is_superuser: bool


class RoleOut(Schema):
    role: str
    role_name: str
    org_id: int
    org_name: str
    include_subtree: bool
    valid_from: date
    valid_to: date | None


class UnitOut(Schema):
    id: int
    name: str
    code: str
    include_subtree: bool


class MeOut(Schema):
    user: UserOut
    roles: list[RoleOut]
    units: list[UnitOut]
    permissions: list[str]


@router.get(
    "/me", response={200: MeOut, **ERRORS}, summary="Người dùng hiện tại, vai trò và đơn vị được giao"
)
def me(request: HttpRequest) -> MeOut:
    user: User = request.auth  # type: ignore[attr-defined]  # set by the API authenticators
    assignments = list(
        RoleAssignment.objects.active().filter(user=user).select_related("role", "org").order_by("org__path")
    )
    units: dict[int, UnitOut] = {}
    for a in assignments:
        current = units.get(a.org_id)
        units[a.org_id] = UnitOut(
            id=a.org_id,
            name=a.org.name,
            code=a.org.code,
            include_subtree=a.include_subtree or bool(current and current.include_subtree),
        )
    return MeOut(
        user=UserOut(
            id=user.pk,
            username=user.username,
            full_name=user.full_name,
            email=user.email,
            is_superuser=user.is_superuser,
        ),
        roles=[
            RoleOut(
                role=a.role.code,
                role_name=a.role.name,
                org_id=a.org_id,
                org_name=a.org.name,
                include_subtree=a.include_subtree,
                valid_from=a.valid_from,
                valid_to=a.valid_to,
            )
            for a in assignments
        ],
        units=list(units.values()),
        permissions=sorted(user_permissions(user)),
    )
