"""``/api/v1/signing``: trust roots and revocation lists (public), verification, the interrupted flow."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from dangvu.accounts.permissions import require_perm_somewhere
from dangvu.api.errors import ApiError
from dangvu.signing import keys
from dangvu.signing.errors import SigningError
from dangvu.signing.verify import verify_pdf

router = Router(tags=["signing"])


def api_error(error: SigningError, status: int = 422) -> ApiError:
    return ApiError(status, error.code, error.message, error.message_en)


@router.get(
    "/trust-roots", auth=None, summary="Chứng thư gốc được tin cậy (PEM)", operation_id="signing_trust_roots"
)
def trust_roots(request: HttpRequest) -> HttpResponse:
    pem = "".join(keys.to_pem(c) for c in keys.trust_roots())
    return HttpResponse(pem, content_type="application/x-pem-file")


@router.get(
    "/crl/{name}", auth=None, summary="Danh sách chứng thư bị thu hồi (CRL)", operation_id="signing_crl"
)
def crl(request: HttpRequest, name: str) -> HttpResponse:
    path = keys.signing_dir() / "crl" / name
    if "/" in name or not name.endswith(".crl") or not path.is_file():
        raise ApiError(404, "not_found", "Không tìm thấy.", "Not found.")
    return HttpResponse(path.read_bytes(), content_type="application/pkix-crl")


class ProblemOut(Schema):
    code: str
    message: str
    message_en: str


class SignatureOut(Schema):
    field: str
    kind: str
    signer: str
    organisation: str
    certificate_serial: str
    issuer: str
    signed_at: datetime | None
    timestamp: datetime | None
    intact: bool
    trusted: bool
    valid: bool
    coverage: str
    modifications: str
    revocation: str
    level: str
    long_term: bool
    problems: list[ProblemOut]


class VerificationOut(Schema):
    valid: bool
    signatures: list[SignatureOut]


def read_upload(upload: UploadedFile) -> bytes:
    if upload.size is not None and upload.size > keys_max():
        raise api_error(SigningError("too_large", "Tệp PDF quá lớn."), 413)
    return upload.read()


def keys_max() -> int:
    from dangvu.core.uploads import max_upload_bytes

    return max_upload_bytes()


@router.post(
    "/verify",
    response=VerificationOut,
    summary="Kiểm tra chữ ký số của một tệp PDF",
    operation_id="signing_verify",
)
def verify(request: HttpRequest, pdf: File[UploadedFile]) -> Any:
    require_perm_somewhere(request.user, "signing.verify")
    try:
        report = verify_pdf(read_upload(pdf))
    except SigningError as error:
        raise api_error(error) from error
    return {"valid": report.valid, "signatures": [asdict(s) for s in report.signatures]}
