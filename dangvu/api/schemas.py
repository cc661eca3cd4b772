from __future__ import annotations

from ninja import Schema


class ErrorDetail(Schema):
    field: str
    message: str
    message_en: str


class ErrorInner(Schema):
    code: str
    message: str
    message_en: str
    details: list[ErrorDetail]


class ErrorOut(Schema):
    error: ErrorInner


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
