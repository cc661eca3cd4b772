"""Interrupted signing: the server prepares the document and the bytes to sign, a signer outside the
server (the user's USB token through the browser, or ``python -m dangvu.signing.cli``) returns the
signature value, and the server embeds it. The server never holds the person's private key.

The request handed to the signer is JSON::

    {"id": "<uuid>", "algorithm": "sha256", "mechanism": "rsassa_pkcs1v15",
     "data": "<base64 DER of the CMS signed attributes: sign these bytes>",
     "digest": "<base64 SHA-256 of data, for tokens that sign a digest>",
     "certificate_sha256": "<hex>", "expires_at": "<ISO 8601>"}

and the signer answers ``{"id": "<uuid>", "signature": "<base64>"}``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
from datetime import timedelta
from typing import Any

from asn1crypto import cms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko_certvalidator.registry import SimpleCertificateStore

from dangvu.accounts.permissions import require_perm
from dangvu.signing import keys, pades, services
from dangvu.signing.errors import SigningError
from dangvu.signing.models import PendingSignature
from dangvu.signing.trust import certificate_name, check_signing_certificate

PENDING_MINUTES = 15


def _certificates(pem: bytes) -> list[keys.Certificate]:
    try:
        certificates = keys.load_certificates(pem)
    except Exception as error:
        raise SigningError("bad_certificate", _("Chứng thư số gửi lên không đọc được.")) from error
    if not certificates:
        raise SigningError("bad_certificate", _("Chứng thư số gửi lên không đọc được."))
    return certificates


def request_json(pending: PendingSignature) -> dict[str, Any]:
    """The request for the external signer (see the module docstring)."""
    data = bytes(pending.signed_attributes)
    certificate = _certificates(bytes(pending.certificates))[0]
    return {
        "id": str(pending.id),
        "algorithm": "sha256",
        "mechanism": "rsassa_pkcs1v15",
        "data": base64.b64encode(data).decode(),
        "digest": base64.b64encode(hashlib.sha256(data).digest()).decode(),
        "certificate_sha256": hashlib.sha256(certificate.dump()).hexdigest(),
        "expires_at": pending.expires_at.isoformat(),
    }


def external_prepare(
    *, pdf: bytes, actor: Any, org: Any, places: services.Places, certificates_pem: bytes, position: str = ""
) -> PendingSignature:
    """Prepare ``pdf`` for the actor's personal signature made outside the server with the key of the
    given certificate (PEM: the signer's certificate first, then its chain). Requires ``signing.sign``
    in ``org``; refuses what ``sign_personal`` refuses. Side effects: one pending row (15 minutes)."""
    require_perm(actor, "signing.sign", org)
    certificates = _certificates(certificates_pem)
    certificate, chain = certificates[0], certificates[1:]
    check_signing_certificate(certificate, chain)
    writer = services.prepare_personal(pdf, places)
    box = services._rounded(places.box)
    external = signers.ExternalSigner(
        signing_cert=certificate,
        cert_registry=SimpleCertificateStore.from_certs(chain),
        signature_value=certificate.public_key.byte_size,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=services.PERSONAL_FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=MDPPerm.FILL_FORMS,
    )
    style = pades.personal_style(
        name=certificate_name(certificate), position=position, at=timezone.now(), width=box[2] - box[0]
    )
    pdf_signer = signers.PdfSigner(
        meta,
        external,
        stamp_style=style,
        new_field_spec=pades.personal_field_spec(
            name=services.PERSONAL_FIELD, page=places.page, box=box, lock=services.personal_lock(places)
        ),
    )

    async def digest() -> tuple[PreparedByteRangeDigest, Any, cms.CMSAttributes]:
        prepared, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer,
            bytes_reserved=pades.reserved_bytes([certificate, *chain], pades.timestamper() is not None),
        )
        attributes = await external.signed_attrs(prepared.document_digest, "sha256", use_pades=True)
        return prepared, output, attributes

    prepared, output, attributes = asyncio.run(digest())
    now = timezone.now()
    return PendingSignature.objects.create(
        created_by=actor,
        org=org,
        created_at=now,
        expires_at=now + timedelta(minutes=PENDING_MINUTES),
        prepared_pdf=output.getvalue(),
        signed_attributes=attributes.dump(),
        document_digest=prepared.document_digest,
        reserved_start=prepared.reserved_region_start,
        reserved_end=prepared.reserved_region_end,
        certificates=b"".join(keys.to_pem(c).encode() for c in certificates),
        input_sha256=hashlib.sha256(pdf).hexdigest(),
    )


def external_finish(*, pending_id: Any, actor: Any, signature: bytes) -> bytes:
    """Embed the signature value returned by the external signer and return the signed PDF (with a
    timestamp when a server is configured, and the validation data). Refuses an unknown, expired or
    someone else's request, and a signature that does not match the certificate. Side effects: the
    pending row is deleted, one audit entry."""
    with transaction.atomic():
        pending = (
            PendingSignature.objects.select_for_update()
            .filter(pk=pending_id, created_by=actor, expires_at__gt=timezone.now())
            .select_related("org")
            .first()
        )
        if pending is None:
            raise SigningError(
                "pending_missing",
                _("Không tìm thấy yêu cầu ký (đã hết hạn hoặc đã dùng); hãy ký lại từ đầu."),
            )
        certificates = _certificates(bytes(pending.certificates))
        attributes = bytes(pending.signed_attributes)
        if not keys.verify_raw_signature(certificates[0], attributes, signature):
            raise SigningError(
                "bad_signature", _("Chữ ký gửi về không khớp với chứng thư số hoặc với văn bản; chưa ký.")
            )
        external = signers.ExternalSigner(
            signing_cert=certificates[0],
            cert_registry=SimpleCertificateStore.from_certs(certificates[1:]),
            signature_value=signature,
        )
        output = io.BytesIO(bytes(pending.prepared_pdf))

        async def finish() -> None:
            container = await external.async_sign_prescribed_attributes(
                "sha256", signed_attrs=cms.CMSAttributes.load(attributes), timestamper=pades.timestamper()
            )
            prepared = PreparedByteRangeDigest(
                bytes(pending.document_digest), pending.reserved_start, pending.reserved_end
            )
            await PdfTBSDocument.async_finish_signing(output, prepared, container)

        asyncio.run(finish())
        signed = pades.add_validation_data(output, certificates)
        org, input_sha256 = pending.org, pending.input_sha256
        pending.delete()
    services.audit_signature(
        actor, org, "signing.personal", b"", signed, certificates[0], input_sha256=input_sha256, external=True
    )
    return signed
