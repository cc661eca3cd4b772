"""Interrupted signing: the server prepares the document and the bytes to sign, a signer outside the
server (the user's USB token through the browser, or ``python -m dangvu.signing.cli``) returns the
signature value, and the server embeds it. The server never holds the person's private key.

The request handed to the signer is JSON::

    {"id": "<uuid>", "algorithm": "sha256", "mechanism": "rsassa_pkcs1v15",
     "data": "<base64 DER of the CMS signed attributes: sign these bytes>",
     "digest": "<base64 SHA-256 of data, for tokens that sign a digest>",
     "document_digest": "<base64 SHA-256 of the PDF's signed byte ranges, for signers that build
                         their own CMS container: its messageDigest attribute>",
     "certificate_sha256": "<hex>", "expires_at": "<ISO 8601>"}

and the signer answers ``{"id": "<uuid>", "signature": "<base64>"}`` (optionally with its
``"certificate"`` in PEM): the signature value over ``data``, or a DER CMS SignedData (detached) whose
signed attributes carry ``document_digest``.
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
        "document_digest": base64.b64encode(bytes(pending.document_digest)).decode(),
        "certificate_sha256": hashlib.sha256(certificate.dump()).hexdigest(),
        "expires_at": pending.expires_at.isoformat(),
    }


def signer_request(pending: PendingSignature) -> dict[str, Any]:
    """What ``POST /api/v1/documents/{id}/sign/prepare`` answers and the document page hands out as the
    signing request file: ``request_json`` with the session named ``session`` and what the signer's
    certificate and trust roots must be (``requirements``). ``python -m dangvu.signing.cli`` reads it."""
    request = request_json(pending)
    certificate = _certificates(bytes(pending.certificates))[0]
    return {
        "session": request["id"],
        "expires_at": pending.expires_at,
        **{k: request[k] for k in ("algorithm", "mechanism", "data", "digest", "document_digest")},
        "requirements": {
            "certificate_sha256": request["certificate_sha256"],
            "holder": certificate_name(certificate),
            "key_usage": ["non_repudiation"],
            "algorithms": ["rsassa_pkcs1v15", "ecdsa"],
            "trust_roots_sha256": [hashlib.sha256(r.dump()).hexdigest() for r in keys.trust_roots()],
        },
    }


def check_holder(certificate: keys.Certificate, actor: Any) -> None:
    """Refuse a certificate that is not the actor's own personal certificate: an organisation's
    certificate, or one naming someone else. Where ``people/<username>.pem`` lists the person's
    registered certificates, the certificate must be one of them; otherwise its holder's name must be
    the user's full name (compared without accents and case)."""
    from dangvu.core.text import fold
    from dangvu.signing.verify import _organisation_certificate

    name = certificate_name(certificate)
    if _organisation_certificate(certificate):
        raise SigningError(
            "wrong_certificate",
            _("Chứng thư số “%(name)s” là của cơ quan, không dùng cho chữ ký cá nhân."),
            name=name,
        )
    registered = keys.signing_dir() / "people" / f"{actor.get_username()}.pem"
    if registered.exists():
        mine = {c.dump() for c in keys.load_certificates(registered.read_bytes())}
        ok = certificate.dump() in mine
    else:
        ok = bool(fold(name)) and fold(name) == fold(getattr(actor, "full_name", ""))
    if not ok:
        raise SigningError(
            "wrong_certificate",
            _("Chứng thư số “%(name)s” không phải của người ký; không ký."),
            name=name,
        )


def external_prepare(
    *,
    pdf: bytes,
    actor: Any,
    org: Any,
    places: services.Places,
    certificates_pem: bytes,
    position: str = "",
    purpose: str = "",
    context: dict[str, Any] | None = None,
) -> PendingSignature:
    """Prepare ``pdf`` for the actor's personal signature made outside the server with the key of the
    given certificate (PEM: the signer's certificate first, then its chain). Requires ``signing.sign``
    in ``org``; refuses what ``sign_personal`` refuses and a certificate that is not the actor's
    (``check_holder``). ``purpose`` and ``context`` are kept for the finishing step. Side effects: one
    pending row (15 minutes)."""
    require_perm(actor, "signing.sign", org)
    certificates = _certificates(certificates_pem)
    certificate, chain = certificates[0], certificates[1:]
    check_holder(certificate, actor)
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
        purpose=purpose,
        context=context or {},
    )


def _missing() -> SigningError:
    return SigningError(
        "pending_missing",
        _("Không tìm thấy yêu cầu ký (đã hết hạn hoặc đã dùng); hãy ký lại từ đầu."),
    )


def _bad_signature() -> SigningError:
    return SigningError(
        "bad_signature", _("Chữ ký gửi về không khớp với chứng thư số hoặc với văn bản; chưa ký.")
    )


def _signed_data(answer: bytes) -> cms.SignedData | None:
    """The SignedData of a DER CMS ``answer`` (what browser extensions of USB tokens often return), or
    None when ``answer`` is a raw signature value."""
    if not answer.startswith(b"\x30"):
        return None
    try:
        info = cms.ContentInfo.load(answer, strict=True)
        if info["content_type"].native != "signed_data":
            return None
        signed_data: cms.SignedData = info["content"]
        signed_data.native  # noqa: B018 - parse it all now: a malformed container is refused here
    except Exception:
        return None
    return signed_data


def _from_container(
    signed_data: cms.SignedData, certificate: keys.Certificate, pending: PendingSignature
) -> tuple[bytes, cms.CMSAttributes]:
    """The signature value and signed attributes of a CMS container returned by the signer. Its signer
    must be the prepared certificate and its message digest the prepared document's digest."""
    infos = signed_data["signer_infos"]
    if len(infos) != 1:
        raise _bad_signature()
    info = infos[0]
    sid = info["sid"]
    if sid.name != "issuer_and_serial_number" or (
        sid.chosen["serial_number"].native != certificate.serial_number
        or sid.chosen["issuer"].dump() != certificate.issuer.dump()
    ):
        raise SigningError(
            "wrong_certificate",
            _("Chữ ký gửi về được tạo bằng chứng thư số khác với chứng thư đã khai khi chuẩn bị; chưa ký."),
        )
    attributes = info["signed_attrs"]
    if not attributes:
        raise _bad_signature()
    digests = [a["values"][0].native for a in attributes if a["type"].native == "message_digest"]
    if digests != [bytes(pending.document_digest)]:
        raise SigningError(
            "other_digest",
            _("Chữ ký gửi về được tạo trên một nội dung khác với văn bản đã chuẩn bị; chưa ký."),
        )
    algorithm = info["digest_algorithm"]["algorithm"].native
    if algorithm != "sha256":
        raise _bad_signature()
    return info["signature"].native, cms.CMSAttributes.load(attributes.untag().dump())


def external_finish(
    *,
    pending_id: Any,
    actor: Any,
    signature: bytes,
    certificate_pem: bytes | None = None,
    purpose: str | None = None,
) -> bytes:
    """Embed the signature returned by the external signer and return the signed PDF (with a timestamp
    when a server is configured, and the validation data). ``signature`` is the raw signature value
    over the request's ``data``, or a DER CMS SignedData whose signed attributes carry the document's
    digest. Refuses an unknown, expired or someone else's request (or one for another ``purpose``), a
    certificate other than the prepared one, a signature over another digest or that does not verify,
    and a result pyHanko does not validate as intact. Side effects: the pending row is deleted, one
    audit entry."""
    with transaction.atomic():
        pending = (
            PendingSignature.objects.select_for_update()
            .filter(pk=pending_id, created_by=actor, expires_at__gt=timezone.now())
            .select_related("org")
            .first()
        )
        if pending is None or (purpose is not None and pending.purpose != purpose):
            raise _missing()
        certificates = _certificates(bytes(pending.certificates))
        if certificate_pem and _certificates(certificate_pem)[0].dump() != certificates[0].dump():
            raise SigningError(
                "wrong_certificate",
                _("Chứng thư số gửi về khác với chứng thư đã khai khi chuẩn bị; chưa ký."),
            )
        prepared_attributes = cms.CMSAttributes.load(bytes(pending.signed_attributes))
        container = _signed_data(signature)
        if container is not None:
            signature, attributes = _from_container(container, certificates[0], pending)
        else:
            attributes = prepared_attributes
        if not keys.verify_raw_signature(certificates[0], attributes.dump(), signature):
            raise _bad_signature()
        external = signers.ExternalSigner(
            signing_cert=certificates[0],
            cert_registry=SimpleCertificateStore.from_certs(certificates[1:]),
            signature_value=signature,
        )
        output = io.BytesIO(bytes(pending.prepared_pdf))

        async def finish() -> None:
            cms_container = await external.async_sign_prescribed_attributes(
                "sha256", signed_attrs=attributes, timestamper=pades.timestamper()
            )
            prepared = PreparedByteRangeDigest(
                bytes(pending.document_digest), pending.reserved_start, pending.reserved_end
            )
            await PdfTBSDocument.async_finish_signing(output, prepared, cms_container)

        try:
            asyncio.run(finish())
        except SigningError:
            raise
        except Exception as error:  # e.g. a container larger than the reserved place
            raise _bad_signature() from error
        signed = pades.add_validation_data(output, certificates)
        _require_valid(signed, certificates[0])
        org, input_sha256 = pending.org, pending.input_sha256
        pending.delete()
    services.audit_signature(
        actor, org, "signing.personal", b"", signed, certificates[0], input_sha256=input_sha256, external=True
    )
    return signed


def _require_valid(signed: bytes, certificate: keys.Certificate) -> None:
    """The embedded signature, validated as a recipient would (pyHanko: intact, trusted, permitted)."""
    from dangvu.signing.verify import verify_pdf

    reports = verify_pdf(signed).signatures
    mine = [r for r in reports if r.field == services.PERSONAL_FIELD]
    if (
        len(mine) != 1
        or not (mine[0].intact and mine[0].valid)
        or mine[0].certificate_serial != format(certificate.serial_number, "x")
    ):
        raise _bad_signature()
