"""One JSON error shape for every API failure, in Vietnamese and English.

``{"error": {"code": "...", "message": "<vi>", "message_en": "<en>", "details": [...]}}``
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """Raise from an endpoint to answer with a specific status and bilingual message."""

    def __init__(
        self, status: int, code: str, message: str, message_en: str, details: list[Any] | None = None
    ) -> None:
        super().__init__(message_en)
        self.status, self.code, self.message, self.message_en, self.details = (
            status,
            code,
            message,
            message_en,
            details or [],
        )


def error_body(code: str, message: str, message_en: str, details: list[Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "message_en": message_en, "details": details or []}}


_PYDANTIC_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("Thiếu giá trị bắt buộc.", "This value is required."),
    "date_from_datetime_parsing": (
        "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
        "Invalid date (expected YYYY-MM-DD).",
    ),
    "date_parsing": ("Ngày không hợp lệ (định dạng YYYY-MM-DD).", "Invalid date (expected YYYY-MM-DD)."),
    "date_type": ("Ngày không hợp lệ (định dạng YYYY-MM-DD).", "Invalid date (expected YYYY-MM-DD)."),
    "date_from_datetime_inexact": (
        "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
        "Invalid date (expected YYYY-MM-DD).",
    ),
    "int_parsing": ("Phải là số nguyên.", "Must be a whole number."),
    "int_type": ("Phải là số nguyên.", "Must be a whole number."),
    "int_from_float": ("Phải là số nguyên.", "Must be a whole number."),
    "greater_than_equal": ("Giá trị phải lớn hơn hoặc bằng {ge}.", "Must be greater than or equal to {ge}."),
    "greater_than": ("Giá trị phải lớn hơn {gt}.", "Must be greater than {gt}."),
    "less_than_equal": ("Giá trị phải nhỏ hơn hoặc bằng {le}.", "Must be less than or equal to {le}."),
    "string_too_long": (
        "Chuỗi quá dài (tối đa {max_length} ký tự).",
        "Too long (at most {max_length} characters).",
    ),
    "string_too_short": ("Chuỗi quá ngắn.", "Too short."),
    "json_invalid": ("Nội dung JSON không hợp lệ.", "The request body is not valid JSON."),
    "enum": ("Giá trị không nằm trong danh sách cho phép.", "Not one of the allowed values."),
    "literal_error": ("Giá trị không nằm trong danh sách cho phép.", "Not one of the allowed values."),
}


def _translate(error: dict[str, Any]) -> dict[str, Any]:
    context = error.get("ctx") or {}
    vi, en = _PYDANTIC_MESSAGES.get(
        error.get("type", ""), ("Giá trị không hợp lệ.", str(error.get("msg", "Invalid value.")))
    )
    with contextlib.suppress(KeyError, IndexError):
        vi, en = vi.format(**context), en.format(**context)
    location = [
        str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body", "form", "file")
    ]
    return {"field": ".".join(location), "message": vi, "message_en": en}


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        details = [_translate(error) for error in exc.errors]
        return respond(
            request,
            422,
            error_body(
                "validation_error", "Dữ liệu gửi lên không hợp lệ.", "The request is not valid.", details
            ),
        )

    @api.exception_handler(DjangoValidationError)
    def _domain_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            details = [
                {"field": field, "message": message, "message_en": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            details = [{"field": "", "message": message, "message_en": message} for message in exc.messages]
        first = details[0]["message"] if details else "Dữ liệu không hợp lệ."
        return respond(
            request,
            422,
            error_body("validation_error", first, "The request was refused by a business rule.", details),
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(
            request,
            401,
            error_body(
                "unauthenticated",
                "Cần đăng nhập hoặc mã truy cập (Authorization: Bearer <mã>) hợp lệ.",
                "Authentication required: send a valid 'Authorization: Bearer <token>' header.",
            ),
        )

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(
            request,
            403,
            error_body(
                "forbidden",
                str(exc) or "Bạn không có quyền thực hiện thao tác này.",
                "You are not allowed to do this.",
            ),
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("not_found", "Không tìm thấy.", "Not found."))

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, error_body(exc.code, exc.message, exc.message_en, exc.details))

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, error_body("http_error", str(exc), str(exc)))

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled API error")
        return respond(
            request,
            500,
            error_body(
                "server_error",
                "Lỗi hệ thống. Thao tác chưa được thực hiện.",
                "Internal error. Nothing was changed.",
            ),
        )
