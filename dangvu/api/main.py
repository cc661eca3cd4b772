from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from dangvu.api import errors
from dangvu.api.auth import BearerToken, SessionAuth


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

from dangvu.accounts.api import router as accounts_router  # noqa: E402 - routers import the api's siblings
from dangvu.members.api import router as members_router  # noqa: E402
from dangvu.orgs.api import router as orgs_router  # noqa: E402
from dangvu.workcalendar.api import router as calendar_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/orgs", orgs_router)
api.add_router("/members", members_router)
api.add_router("/calendar", calendar_router)
