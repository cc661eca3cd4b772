"""The signing service's verbs, called by the documents module (and the API).

1. ``sign_personal`` — a leader's PAdES signature (a certification signature, DocMDP "fill forms")
   whose field lock leaves exactly the number field, the date field and the seal field open.
2. ``issue_document`` — the issuing step: fill the number and the date in an incremental update the
   personal signature permits, then ``seal_document`` (the organisation's signature, the seal image
   over the left third of the personal signature's box). A failed seal leaves the number filled and
   the result says ``AWAITING_SEAL``: store that PDF and call ``seal_document`` again, never renumber.
3. ``document_state`` tells where a PDF stands in that sequence.

Every verb takes the PDF as bytes and returns new bytes; a refusal (``SigningError``) writes nothing.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigFieldSpec, append_signature_field

from dangvu.accounts.permissions import require_perm
from dangvu.audit.services import audit_log
from dangvu.signing import keys, pades
from dangvu.signing.errors import SigningError
from dangvu.signing.pdfdoc import (
    Rect,
    field_value,
    fill_text_fields,
    form_fields,
    read_pdf,
    text_field,
    written,
)

PERSONAL_FIELD = "ChuKyCaNhan"
SEAL_FIELD = "ChuKyToChuc"


@dataclass(frozen=True)
class Places:
    """Where things go on the document: the names of its empty number and date text fields, and the
    personal signature's box (page, 0 = first; x0, y0, x1, y1 in points from the bottom-left)."""

    number_field: str
    date_field: str
    page: int = 0
    box: Rect = (0, 0, 0, 0)


class DocumentState(enum.StrEnum):
    UNSIGNED = "unsigned"  # no personal signature yet
    SIGNED = "signed"  # personally signed; number and date empty
    AWAITING_SEAL = "awaiting_seal"  # numbered and dated; the organisation's signature is missing
    SEALED = "sealed"  # issued: numbered, dated and sealed


@dataclass(frozen=True)
class IssueResult:
    """What ``issue_document`` produced. ``pdf`` always carries the number: keep it. When ``state`` is
    ``AWAITING_SEAL``, ``seal_error`` says why the seal is missing; call ``seal_document`` on ``pdf``."""

    state: DocumentState
    pdf: bytes
    number: str
    date_text: str
    seal_error: SigningError | None = None


def _signed_fields(reader: PdfFileReader) -> set[str]:
    return {sig.field_name for sig in reader.embedded_regular_signatures}


def state_of(reader: PdfFileReader, places: Places) -> DocumentState:
    signed = _signed_fields(reader)
    if SEAL_FIELD in signed:
        return DocumentState.SEALED
    if PERSONAL_FIELD not in signed:
        return DocumentState.UNSIGNED
    number, _ref = text_field(reader.root, places.number_field)
    return DocumentState.AWAITING_SEAL if field_value(number) else DocumentState.SIGNED


def document_state(pdf: bytes, places: Places) -> DocumentState:
    """Where ``pdf`` stands: unsigned, personally signed, numbered awaiting the seal, or sealed."""
    return state_of(read_pdf(pdf), places)


def _digest(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def personal_credential(user: Any) -> keys.Credential:
    """The key the server holds for ``user`` (demo leaders, or a key on the server's token); a real
    person's USB token signs through ``dangvu.signing.external`` instead."""
    token = keys.signing_dir() / "people" / f"{user.username}.pkcs11.json"
    return keys.load_credential(token if token.exists() else keys.person_key_path(user.username))


def seal_credential(org: Any) -> keys.Credential:
    return keys.load_credential(keys.org_key_path(org.code))


def personal_lock(places: Places) -> FieldMDPSpec:
    """Everything locked but the number, the date and the seal."""
    return FieldMDPSpec(FieldMDPAction.EXCLUDE, fields=[places.number_field, places.date_field, SEAL_FIELD])


def prepare_personal(pdf: bytes, places: Places) -> IncrementalPdfFileWriter:
    """Check ``pdf`` can take the personal signature and return a writer with the (empty, locked) seal
    field added; the personal signature is the next thing written."""
    reader = read_pdf(pdf)
    if reader.embedded_signatures:
        raise SigningError("already_signed", _("Văn bản đã được ký số; không ký cá nhân lần nữa."))
    for name in (places.number_field, places.date_field):
        field, _ref = text_field(reader.root, name)
        if field_value(field):
            raise SigningError(
                "already_numbered", _("Ô “%(field)s” đã được điền trước khi ký; không ký."), field=name
            )
    existing = form_fields(reader.root)
    for name in (PERSONAL_FIELD, SEAL_FIELD):
        if name in existing:
            raise SigningError("field_exists", _("Tệp PDF đã có ô “%(field)s”."), field=name)
    x0, y0, x1, y1 = places.box
    if x1 - x0 < 60 or y1 - y0 < 30 or places.page < 0 or places.page >= reader.root["/Pages"]["/Count"]:
        raise SigningError("bad_box", _("Vị trí chữ ký không hợp lệ (trang hoặc kích thước ô ký)."))
    writer = IncrementalPdfFileWriter.from_reader(reader)
    append_signature_field(
        writer,
        SigFieldSpec(
            sig_field_name=SEAL_FIELD,
            on_page=places.page,
            box=tuple(round(v) for v in pades.seal_rect(_rounded(places.box))),  # type: ignore[arg-type]
            field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL),
            doc_mdp_update_value=MDPPerm.NO_CHANGES,
        ),
    )
    return writer


def _rounded(box: Rect) -> Rect:
    x0, y0, x1, y1 = (round(v) for v in box)
    # a width divisible by 3, so that the seal's third has whole-point edges
    return (x0, y0, x1 - (x1 - x0) % 3, y1)


def sign_personal(
    *,
    pdf: bytes,
    actor: Any,
    org: Any,
    places: Places,
    position: str = "",
    reason: str = "",
    location: str = "",
) -> bytes:
    """The actor's personal signature on ``pdf`` (a leader signing for ``org``).

    Requires ``signing.sign`` in ``org``; refuses a document already signed, a filled number or date,
    missing fields, an expired, revoked or untrusted certificate. Side effects: one audit entry.
    """
    require_perm(actor, "signing.sign", org)
    credential = personal_credential(actor)
    signed = personal_signature(pdf, credential, places, position=position, reason=reason, location=location)
    audit_signature(actor, org, "signing.personal", pdf, signed, credential.certificate)
    return signed


def personal_signature(
    pdf: bytes,
    credential: keys.Credential,
    places: Places,
    *,
    position: str = "",
    reason: str = "",
    location: str = "",
) -> bytes:
    """The signing work of ``sign_personal`` (checks of the document and the certificate, the seal
    field, the visible signature), without the permission check and the audit entry."""
    writer = prepare_personal(pdf, places)
    pades_check(credential)
    box = _rounded(places.box)
    return pades.sign_field(
        writer,
        credential,
        field=PERSONAL_FIELD,
        new_field=pades.personal_field_spec(
            name=PERSONAL_FIELD, page=places.page, box=box, lock=personal_lock(places)
        ),
        style=pades.personal_style(
            name=keys_name(credential), position=position, at=timezone.now(), width=box[2] - box[0]
        ),
        certify=True,
        validation_data=None,  # added with the seal's, in one update (see issue_document)
        reason=reason,
        location=location,
    )


def keys_name(credential: keys.Credential) -> str:
    from dangvu.signing.trust import certificate_name

    return certificate_name(credential.certificate)


def pades_check(credential: keys.Credential) -> None:
    from dangvu.signing.trust import check_signing_certificate

    check_signing_certificate(credential.certificate, credential.chain)


def audit_signature(
    actor: Any,
    org: Any,
    event: str,
    before: bytes,
    after: bytes,
    certificate: keys.Certificate | None,
    *,
    input_sha256: str = "",
    **data: Any,
) -> None:
    """One audit entry for a signing step: the document's digests before and after, the certificate."""
    from dangvu.signing.trust import certificate_name

    if certificate is not None:
        data = {
            "certificate": certificate_name(certificate),
            "certificate_serial": format(certificate.serial_number, "x"),
            **data,
        }
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="sign",
            event=event,
            org=org,
            object_type="signing.document",
            object_id=_digest(after)[:16],
            data={"input_sha256": input_sha256 or _digest(before), "output_sha256": _digest(after), **data},
        )


def fill_number(*, pdf: bytes, places: Places, number: str, date_text: str) -> bytes:
    """The number and the date written into their fields, as an incremental update (the personal
    signature's lock permits exactly this). Refuses a document not signed, already numbered or sealed."""
    reader = read_pdf(pdf)
    state = state_of(reader, places)
    if state is DocumentState.UNSIGNED:
        raise SigningError("not_signed", _("Văn bản chưa có chữ ký số của người có thẩm quyền; chưa cấp số."))
    if state is not DocumentState.SIGNED:
        number_field, _ref = text_field(reader.root, places.number_field)
        raise SigningError(
            "already_numbered",
            _("Văn bản đã được cấp số “%(number)s”; không cấp số lại."),
            number=field_value(number_field),
        )
    if not number.strip() or not date_text.strip():
        raise SigningError("bad_number", _("Số và ngày văn bản không được để trống."))
    from dangvu.signing.verify import require_intact

    require_intact(reader)
    writer = IncrementalPdfFileWriter.from_reader(reader)
    fill_text_fields(
        writer,
        {places.number_field: number.strip(), places.date_field: date_text.strip()},
        italic=frozenset({places.date_field}),  # "Ninh Bình, ngày … tháng … năm …" in italics (HD 36)
    )
    return written(writer)


def seal_document(*, pdf: bytes, actor: Any, org: Any, places: Places) -> bytes:
    """The organisation's signature (the seal) on a numbered document. Requires ``signing.seal`` in
    ``org``; refuses a document not numbered yet or already sealed. Side effects: one audit entry."""
    require_perm(actor, "signing.seal", org)
    image = keys.seal_image_path(org.code)
    if not image.exists():
        raise SigningError("key_unavailable", _("Chưa có hình con dấu của %(org)s."), org=org.name)
    credential = seal_credential(org)
    signed = seal_signature(pdf, credential, places, image=str(image))
    audit_signature(actor, org, "signing.seal", pdf, signed, credential.certificate)
    return signed


def seal_signature(pdf: bytes, credential: keys.Credential, places: Places, *, image: str) -> bytes:
    """The signing work of ``seal_document`` (state and certificate checks, the seal with its image
    and the validation data of both signatures), without the permission check and the audit entry."""
    reader = read_pdf(pdf)
    state = state_of(reader, places)
    if state is DocumentState.SEALED:
        raise SigningError(
            "already_signed", _("Văn bản đã được ký số của cơ quan (đóng dấu); không ký lần nữa.")
        )
    if state is not DocumentState.AWAITING_SEAL:
        raise SigningError("not_numbered", _("Văn bản chưa được cấp số và ngày; chưa ký số của cơ quan."))
    pades_check(credential)
    return pades.sign_field(
        IncrementalPdfFileWriter.from_reader(reader),
        credential,
        field=SEAL_FIELD,
        style=pades.seal_style(image),
        permissions=MDPPerm.NO_CHANGES,  # the seal field's lock: nothing changes after the seal
        validation_data=[
            c
            for sig in reader.embedded_regular_signatures
            for c in (sig.signer_cert, *sig.other_embedded_certs)
        ],
    )


def issue_document(
    *, pdf: bytes, actor: Any, org: Any, places: Places, number: str, date_text: str
) -> IssueResult:
    """Number, date and seal a personally signed document (see the module docstring). Requires
    ``signing.seal`` in ``org``. A refusal before the number is written raises ``SigningError``; once
    the number is written the result always carries it, sealed or ``AWAITING_SEAL``. Side effects: an
    audit entry for the numbering and one for the seal."""
    require_perm(actor, "signing.seal", org)
    filled = fill_number(pdf=pdf, places=places, number=number, date_text=date_text)
    audit_signature(
        actor, org, "signing.number", pdf, filled, None, number=number.strip(), date=date_text.strip()
    )
    try:
        sealed = seal_document(pdf=filled, actor=actor, org=org, places=places)
    except SigningError as error:
        return IssueResult(DocumentState.AWAITING_SEAL, filled, number.strip(), date_text.strip(), error)
    except Exception as error:  # a token or a timestamp server failing mid-way: the number stays
        failure = SigningError(
            "seal_failed",
            _("Chưa ký số được của cơ quan: %(reason)s"),
            reason=str(error) or type(error).__name__,
        )
        return IssueResult(DocumentState.AWAITING_SEAL, filled, number.strip(), date_text.strip(), failure)
    return IssueResult(DocumentState.SEALED, sealed, number.strip(), date_text.strip())
