from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from dangvu.accounts.models import ApiToken, RoleAssignment, User
from dangvu.accounts.permissions import user_permissions
from dangvu.accounts.services import api_token_create, api_token_revoke
from dangvu.accounts.twofactor import confirm_identity
from dangvu.api.errors import ApiError
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


# --- The caller's own API tokens: creating or revoking one asks for the password or a fresh code ------


class ConfirmIn(Schema):
    password: str = Field("", max_length=200, description="Mật khẩu hiện tại")
    otp: str = Field("", max_length=6, description="hoặc một mã xác thực 6 số mới (chưa dùng)")


class TokenCreateIn(ConfirmIn):
    name: str = Field("", max_length=100, description="Tên gợi nhớ của mã (chương trình dùng nó)")


class TokenOut(Schema):
    id: int
    prefix: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="Mã truy cập: chỉ hiện một lần, hệ thống chỉ lưu bản băm")


def _confirmed(user: User, payload: ConfirmIn) -> None:
    if not confirm_identity(user, payload.password, payload.otp.strip()):
        raise ApiError(
            403,
            "reauthentication_required",
            "Cần nhập đúng mật khẩu hiện tại hoặc một mã xác thực mới để xác nhận thao tác này.",
            "Enter your current password or a new authentication code to confirm this.",
        )


def _token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "prefix": token.prefix,
        "name": token.name,
        "created_at": token.created_at,
        "revoked_at": token.revoked_at,
    }


@router.post(
    "/me/tokens",
    response={201: TokenCreatedOut, **ERRORS},
    summary="Tạo mã truy cập API cho chính mình (cần mật khẩu hoặc mã xác thực)",
)
def create_own_token(request: HttpRequest, payload: TokenCreateIn) -> tuple[int, dict[str, Any]]:
    user: User = request.auth  # type: ignore[attr-defined]  # set by the API authenticators
    _confirmed(user, payload)
    token, key = api_token_create(actor=user, user=user, name=payload.name.strip())
    return 201, {**_token_out(token), "token": key}


@router.post(
    "/me/tokens/{token_id}/revoke",
    response={200: TokenOut, **ERRORS},
    summary="Thu hồi một mã truy cập của chính mình (cần mật khẩu hoặc mã xác thực)",
)
def revoke_own_token(request: HttpRequest, token_id: int, payload: ConfirmIn) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]  # set by the API authenticators
    token = get_object_or_404(ApiToken.objects.filter(user=user), pk=token_id)
    _confirmed(user, payload)
    return _token_out(api_token_revoke(actor=user, token=token))
