"""The request guard: input no field can hold is refused at the door, with the field's name.

``RequestGuardMiddleware`` looks at every request before a view (web page, API operation, admin) sees it
and answers 400 when

* a **NUL character** (``\\x00``) is in the path, a query-string parameter, a form field (or an uploaded
  file's name) or a string of a JSON body. PostgreSQL cannot store a NUL in text (it raises
  ``DataError``, a 500) and nothing a user types contains one; SQLite would store it silently;
* a **paging parameter** (``offset``, ``page``, ``limit``, ``per_page``, ``page_size``) is not a whole
  number within its bound (``PAGING_BOUNDS``): an offset of 10^22 overflows the database's integers;
* a query-string **number** does not fit a 64-bit integer (a unit or record id is always one);
* a **free-text** query parameter (``q``, ``search``, ``query``) is longer than ``TEXT_MAX`` characters
  (a 60,000-character search is too complex a ``LIKE`` pattern for SQLite), or any other query-string
  value is longer than ``VALUE_MAX``;
* a JSON body sent to the API is not an object (``[null, null]``, ``0``): every operation takes one,
  and ninja would read a list attribute by attribute, find nothing and answer 200 for nothing.

The refusal is Vietnamese (with the English in the catalogue); the API answers in its error shape
(``{"error": {"code", "message", "message_en", "details": [{"field", …}]}}``).

Why a middleware rather than a check in each form and schema: the finding was that every list and every
operation had the hole, and a module added later would reopen it; one guard in front of all of them
closes it for every path at once. Forms and API schemas still declare their own (smaller) bounds, which
give the field-level messages; this guard is the floor under them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

PAGING_BOUNDS: dict[str, int] = {
    "offset": 1_000_000,
    "page": 100_000,
    "limit": 1_000,
    "per_page": 1_000,
    "page_size": 1_000,
}
TEXT_PARAMETERS = frozenset({"q", "search", "query"})
TEXT_MAX = 200
VALUE_MAX = 2_000
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DIGITS = re.compile(r"[0-9]{1,9}")
_BIGGEST = 2**63 - 1
_JSON_TYPES = ("application/json", "+json")


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused: a code, the field and a message builder (run per language)."""

    code: str
    field: str
    message: Callable[[], str]


def _shown(name: str) -> str:
    """A field name safe to show (its own NULs written as \\0), shortened."""
    name = name.replace("\x00", "\\0")
    return name if len(name) <= 60 else name[:57] + "…"


def _nul(field: str) -> Refusal:
    shown = _shown(field)
    return Refusal(
        "nul_character",
        shown,
        lambda: (
            _("Trường “%(field)s” chứa ký tự NUL (\\0), không thể lưu; hãy xóa ký tự đó rồi gửi lại.")
            % {"field": shown}
        ),
    )


def _json_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every (path, string) of a parsed JSON document, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            yield inner, str(key)
            yield from _json_strings(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{path}[{index}]")


def _query_refusal(name: str, value: str) -> Refusal | None:
    shown = _shown(name)
    if "\x00" in name or "\x00" in value:
        return _nul(name)
    if name in PAGING_BOUNDS and value:
        bound = PAGING_BOUNDS[name]
        if not _DIGITS.fullmatch(value) or int(value) > bound:
            return Refusal(
                "out_of_range",
                shown,
                lambda: (
                    _("Tham số phân trang “%(field)s” phải là số nguyên từ 0 đến %(bound)s.")
                    % {"field": shown, "bound": f"{bound:,}".replace(",", ".")}
                ),
            )
    elif _INTEGER.fullmatch(value) and abs(int(value[:30])) > _BIGGEST:
        return Refusal("out_of_range", shown, lambda: _("Tham số “%(field)s” quá lớn.") % {"field": shown})
    limit = TEXT_MAX if name in TEXT_PARAMETERS else VALUE_MAX
    if len(value) > limit:
        return Refusal(
            "too_long",
            shown,
            lambda: (
                _("Tham số “%(field)s” quá dài (tối đa %(limit)s ký tự).") % {"field": shown, "limit": limit}
            ),
        )
    return None


def _query_refusals(request: HttpRequest) -> Iterator[Refusal]:
    if "\x00" in request.path_info:
        yield _nul("path")
    for name, values in request.GET.lists():
        for value in values:
            refusal = _query_refusal(name, value)
            if refusal:
                yield refusal


def _body_refusals(request: HttpRequest) -> Iterator[Refusal]:
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, values in request.POST.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                yield _nul(name)
        for name, files in request.FILES.lists():
            if any("\x00" in (upload.name or "") for upload in files):
                yield _nul(name)
    elif content_type.endswith(_JSON_TYPES):
        body = request.body
        if request.path_info.startswith("/api/") and body.strip() and not body.lstrip().startswith(b"{"):
            # Every operation takes an object: a list or a bare value (``[null, null]``) is not one
            # (ninja would read it attribute by attribute and find nothing, a 200 for nothing).
            yield Refusal(
                "not_an_object", "body", lambda: _("Nội dung gửi lên phải là một đối tượng JSON ({…}).")
            )
            return
        # NUL arrives raw or escaped (\u0000); parse only when either might be there.
        if b"\x00" in body or b"\\u0000" in body:
            try:
                document = json.loads(body)
            except ValueError:
                yield _nul("body")
                return
            for path, text in _json_strings(document, ""):
                if "\x00" in text:
                    yield _nul(path or "body")
                    return


def refusal_for(request: HttpRequest) -> Refusal | None:
    """The first reason to refuse ``request``, or None."""
    for refusal in _query_refusals(request):
        return refusal
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        for refusal in _body_refusals(request):
            return refusal
    return None


def refuse(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        with translation.override("vi"):
            vietnamese = refusal.message()
        with translation.override("en"):
            english = refusal.message()
        detail = {"field": refusal.field, "message": vietnamese, "message_en": english}
        return JsonResponse(
            {
                "error": {
                    "code": refusal.code,
                    "message": vietnamese,
                    "message_en": english,
                    "details": [detail],
                }
            },
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    context = {"code": 400, "title": _("Yêu cầu không hợp lệ"), "message": refusal.message()}
    return render(request, "web/error.html", context, status=400)


class RequestGuardMiddleware:
    """Refuse (400) a request carrying input no field can hold; see the module docstring."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = refusal_for(request)
        if refusal is not None:
            return refuse(request, refusal)
        return self.get_response(request)
