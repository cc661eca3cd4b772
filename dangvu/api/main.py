from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from dangvu.api import errors
from dangvu.api.auth import BearerToken, SessionAuth
from dangvu.core.modules import import_string, modules


class Utf8JSONRenderer(JSONRenderer):
    """Vietnamese text as UTF-8, not \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8JSONRenderer(),
    title="Đảng vụ số API",
    version="1",
    description=(
        "JSON API của Đảng vụ số. Xác thực: `Authorization: Bearer <mã>` "
        "(cấp bằng `dangvu create_api_token USERNAME`). "
        'Mọi lỗi có dạng `{"error": {"code", "message" (tiếng Việt), "message_en", "details"}}`.'
    ),
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
)
errors.install(api)

# Every module's operations, from its description (dangvu.core.modules).
for _module in modules():
    if _module.api:
        api.add_router(f"/{_module.api_mount}" if _module.api_mount else "/", import_string(_module.api))
    for _mount in _module.api_mounts:
        api.add_router(f"/{_mount.prefix}", import_string(_mount.router))
