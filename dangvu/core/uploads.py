"""Uploads are bounded before they are stored, and archives are judged before they are unpacked.

* ``UploadLimitMiddleware`` refuses a request whose declared body is larger than the one upload cap
  (``DANGVU_UPLOAD_MAX_MB``) before Django reads a byte of it. Django reads no more of a body than it
  declares (and none of a multipart body that declares no length), so every upload path (web forms,
  the API, the admin) is bounded by it.
* ``check_zip`` reads only an archive's central directory (a few kilobytes) and refuses it by the
  sizes it declares: too many entries, too much unpacked data, a compression ratio no office file has,
  encrypted entries. Python's ``zipfile`` never unpacks more than an entry declares, so the declared
  sizes bound what any reader can be made to unpack.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


class HostileFile(ValueError):
    """A file refused before it is read; the message is Vietnamese and safe to show. ``code`` says
    why: ``not_archive`` (not a zip at all), ``encrypted``, ``too_large``, ``bomb``."""

    def __init__(self, message: str, code: str = "too_large") -> None:
        super().__init__(message)
        self.code = code


def max_upload_bytes() -> int:
    return int(getattr(settings, "DANGVU_UPLOAD_MAX_MB", 20)) * 1024 * 1024


def too_large_message() -> str:
    return f"Tệp quá lớn: tối đa {max_upload_bytes() // 1024 // 1024} MB. Hãy chia nhỏ tệp."


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 2_000
    max_unpacked_bytes: int = 512 * 1024 * 1024
    max_entry_bytes: int = 256 * 1024 * 1024
    # Spreadsheets' XML packs 5–30×; a cell repeated a million times packs 1,000× (a bomb).
    max_ratio: int = 100
    # Below this size an entry's ratio says nothing (a few repeated bytes pack very well).
    ratio_floor_bytes: int = 1024 * 1024

    @classmethod
    def from_settings(cls) -> ZipLimits:
        return cls(
            max_unpacked_bytes=int(getattr(settings, "DANGVU_UPLOAD_MAX_UNPACKED_MB", 512)) * 1024 * 1024
        )


def check_zip(source: IO[bytes], limits: ZipLimits | None = None) -> zipfile.ZipFile:
    """Open ``source`` as a zip archive after checking what its directory declares; raise
    ``HostileFile`` with the reason otherwise. Nothing is decompressed here."""
    limits = limits or ZipLimits.from_settings()
    try:
        archive = zipfile.ZipFile(source)
    # NotImplementedError: a damaged header can declare a zip version or method Python lacks.
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise HostileFile(
            "Tệp không phải là tệp nén hợp lệ (hỏng hoặc không đúng định dạng).", "not_archive"
        ) from error
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise HostileFile(f"Tệp chứa quá nhiều thành phần ({len(entries):,}); không mở.")
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise HostileFile("Tệp được đặt mật khẩu (mã hóa); hãy bỏ mật khẩu rồi tải lại.", "encrypted")
        if entry.file_size > limits.ratio_floor_bytes and entry.file_size > limits.max_ratio * max(
            entry.compress_size, 1
        ):
            raise HostileFile("Tệp có tỉ lệ nén bất thường (nghi là “bom nén”); không mở.", "bomb")
        if entry.file_size > limits.max_entry_bytes:
            raise HostileFile("Tệp giải nén ra quá lớn; không mở.")
        total += entry.file_size
        if total > limits.max_unpacked_bytes:
            raise HostileFile("Tệp giải nén ra quá lớn; không mở.")
    return archive


# Form fields and headers around the file: a little room above the cap for them.
_ENVELOPE_BYTES = 256 * 1024


class UploadLimitMiddleware:
    """Answer 413 to a body declared larger than the cap, before anything reads or stores it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_upload_bytes() + _ENVELOPE_BYTES:
            return refuse_too_large(request)
        return self.get_response(request)


def refuse_too_large(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {
                "error": {
                    "code": "too_large",
                    "message": too_large_message(),
                    "message_en": f"File too large: at most {max_upload_bytes() // 1024 // 1024} MB.",
                    "details": {},
                }
            },
            status=413,
        )
    context: dict[str, Any] = {"code": 413, "title": "Tệp quá lớn", "message": too_large_message()}
    return render(request, "web/error.html", context, status=413)
