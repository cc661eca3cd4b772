"""One JSON error shape for every API failure, in Vietnamese and English.

``{"error": {"code": "...", "message": "<vi>", "message_en": "<en>", "details": [...]}}``

``message`` is always Vietnamese and ``message_en`` English, whatever language the caller's interface
uses (the API runs in Vietnamese: ``dangvu.web.language``). A business rule's message (a
``ValidationError`` or ``PermissionDenied`` raised by a service) is rendered in both languages from the
catalogue: lazily translated messages (``gettext_lazy``, ``format_lazy``) in each language, plain ones
looked up in the English catalogue.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)
T = TypeVar("T")


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


def _in_both_languages(render: Callable[[], T]) -> tuple[T, T]:
    """What ``render`` gives in Vietnamese, then in English."""
    with translation.override(settings.LANGUAGE_CODE):
        vietnamese = render()
    with translation.override("en"):
        english = render()
    return vietnamese, english


def _english(vietnamese: str, english: str) -> str:
    """``english``, or when the message was not lazy (the same in both), its catalogue entry."""
    if english != vietnamese:
        return english
    with translation.override("en"):
        return translation.gettext(vietnamese)


def _business_rule_details(exc: DjangoValidationError) -> list[dict[str, str]]:
    def messages() -> list[tuple[str, str]]:
        if hasattr(exc, "error_dict"):
            return [(field, message) for field, items in exc.message_dict.items() for message in items]
        return [("", message) for message in exc.messages]

    vietnamese, english = _in_both_languages(messages)
    return [
        {"field": field, "message": message, "message_en": _english(message, in_english)}
        for (field, message), (_field, in_english) in zip(vietnamese, english, strict=True)
    ]


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
        details = _business_rule_details(exc)
        first = details[0] if details else {"message": "Dữ liệu không hợp lệ.", "message_en": ""}
        first_en = first["message_en"] if first["message_en"] != first["message"] else ""
        return respond(
            request,
            422,
            error_body(
                "validation_error",
                first["message"],
                first_en or "The request was refused by a business rule.",
                details,
            ),
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
        vietnamese, english = _in_both_languages(lambda: str(exc))
        english = _english(vietnamese, english)
        return respond(
            request,
            403,
            error_body(
                "forbidden",
                vietnamese or "Bạn không có quyền thực hiện thao tác này.",
                english if english != vietnamese else "You are not allowed to do this.",
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
