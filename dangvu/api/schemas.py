from __future__ import annotations

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    field: str
    message: str
    message_en: str


class ErrorInner(BaseModel):
    code: str
    message: str
    message_en: str
    details: list[ErrorDetail]


class ErrorOut(BaseModel):
    error: ErrorInner


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
