"""Refusals of the signing service: one exception with a code, a Vietnamese message and its English.

Nothing is written when one is raised: every service works on bytes in memory and returns new bytes,
so a refusal leaves the caller's document as it was.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django_stubs_ext import StrOrPromise


class SigningError(Exception):
    """``code`` says why (``not_pdf``, ``encrypted``, ``corrupt``, ``too_large``, ``field_missing``,
    ``already_signed``, ``already_numbered``, ``not_signed``, ``modified``, ``certificate_expired``,
    ``certificate_untrusted``, ``certificate_revoked``, ``key_unavailable``, ``bad_signature``,
    ``pending_missing``, ``seal_failed``, ``timestamp_failed``); ``message`` is Vietnamese (the gettext
    source), ``message_en`` its English translation."""

    def __init__(self, code: str, message: StrOrPromise, **params: Any) -> None:
        self.code = code
        self._message = message
        self.params = params
        super().__init__(self.message_en)

    def _render(self, language: str) -> str:
        with translation.override(language):
            text = str(self._message)
        return text % self.params if self.params else text

    @property
    def message(self) -> str:
        return self._render("vi")

    @property
    def message_en(self) -> str:
        return self._render("en")
