"""Verification of a signed PDF on arrival (the incoming registry calls ``verify_pdf``).

Per signature: intact (the signed bytes hash to what was signed), trusted (the certificate chains to a
configured trust root and was valid then), the document unchanged since except for permitted changes
(pyHanko's difference analysis against the signature's DocMDP/FieldMDP rules), who signed and when,
personal or organisational, what the signature covers, and the revocation status — "not checked" when
no revocation data is in the document, held locally or (if allowed) reachable online.

A signature whose certificate has since expired is still valid when a trusted timestamp proves it was
made while the certificate was valid and the document carries the revocation data of that time (B-LT).
"""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import (
    CatalogModificationRule,
    DocInfoRule,
    DSSCompareRule,
    FormUpdatingRule,
    GenericFieldModificationRule,
    MetadataUpdateRule,
    ModificationLevel,
    ObjectStreamRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
    XrefStreamRule,
)
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError  # type: ignore[attr-defined]
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature, async_validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from dangvu.signing.errors import SigningError
from dangvu.signing.keys import Certificate
from dangvu.signing.pdfdoc import read_pdf
from dangvu.signing.trust import certificate_name, validation_context


class Kind(enum.StrEnum):
    PERSONAL = "personal"
    ORGANISATION = "organisation"


class Revocation(enum.StrEnum):
    GOOD = "good"
    REVOKED = "revoked"
    NOT_CHECKED = "not_checked"


class Coverage(enum.StrEnum):
    ENTIRE_FILE = "entire_file"
    ENTIRE_REVISION = "entire_revision"  # later revisions were appended: see ``modifications``
    PARTIAL = "partial"


class Modifications(enum.StrEnum):
    NONE = "none"
    PERMITTED = "permitted"  # form filling, later signatures, validation data
    NOT_PERMITTED = "not_permitted"


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    message_en: str

    @classmethod
    def of(cls, error: SigningError) -> Problem:
        return cls(error.code, error.message, error.message_en)


@dataclass(frozen=True)
class SignatureReport:
    field: str
    kind: Kind
    signer: str
    organisation: str
    certificate_serial: str
    issuer: str
    signed_at: datetime | None  # as the signer's computer reported it
    timestamp: datetime | None  # from a trusted timestamp server (B-T)
    intact: bool
    trusted: bool
    valid: bool
    coverage: Coverage
    modifications: Modifications
    revocation: Revocation
    level: str  # PAdES level reached: B-B, B-T, B-LT
    long_term: bool = False  # validated at the timestamp's time (the certificate has expired since)
    problems: tuple[Problem, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """For JSON (a document's record of its verification on arrival)."""
        return {
            "field": self.field,
            "kind": str(self.kind),
            "signer": self.signer,
            "organisation": self.organisation,
            "certificate_serial": self.certificate_serial,
            "issuer": self.issuer,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "timestamp": self.timestamp.isoformat() if self.timestamp else None,
            "intact": self.intact,
            "trusted": self.trusted,
            "valid": self.valid,
            "coverage": str(self.coverage),
            "modifications": str(self.modifications),
            "revocation": str(self.revocation),
            "level": self.level,
            "long_term": self.long_term,
            "problems": [
                {"code": p.code, "message": str(p.message), "message_en": str(p.message_en)}
                for p in self.problems
            ],
        }


@dataclass(frozen=True)
class VerificationReport:
    signatures: tuple[SignatureReport, ...] = field(default_factory=tuple)

    @property
    def valid(self) -> bool:
        return bool(self.signatures) and all(s.valid for s in self.signatures)

    def as_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "signatures": [s.as_dict() for s in self.signatures]}


def _organisation_certificate(certificate: Certificate) -> bool:
    """Organisation certificates carry one of the configured policy identifiers (the demo CA's, the
    Ban Cơ yếu's for organisations); without one, a certificate naming no person (its common name is
    the organisation's name) counts as an organisation's."""
    policies = set()
    extension = certificate.certificate_policies_value
    if extension is not None:
        policies = {p["policy_identifier"].dotted for p in extension}
    if policies & set(settings.DANGVU_SIGNING_ORGANISATION_POLICIES):
        return True
    if policies & set(settings.DANGVU_SIGNING_PERSON_POLICIES):
        return False
    subject = certificate.subject.native
    return bool(subject.get("organization_name")) and subject.get("common_name") == subject.get(
        "organization_name"
    )


def _coverage(status: PdfSignatureStatus) -> Coverage:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return Coverage.ENTIRE_FILE
    if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        return Coverage.ENTIRE_REVISION
    return Coverage.PARTIAL


def _modifications(status: PdfSignatureStatus) -> Modifications:
    level = status.modification_level
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE or level == ModificationLevel.NONE:
        return Modifications.NONE
    if level is None or not status.docmdp_ok:
        return Modifications.NOT_PERMITTED
    return Modifications.PERMITTED


class _DssData:
    def __init__(self, reader: PdfFileReader) -> None:
        try:
            dss = DocumentSecurityStore.read_dss(reader)
        except NoDSSFoundError:
            dss = None
        self.present = dss is not None
        self.contexts: dict[tuple[datetime | None, bool], ValidationContext] = {}
        self.certs = list(dss.load_certs()) if dss is not None else []
        self.crls = [
            asn1_crl.CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL))
            for ref in (dss.crls if dss else ())
        ]
        self.ocsps = [
            asn1_ocsp.OCSPResponse.load(ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE))
            for ref in (dss.ocsps if dss else ())
        ]


# pyHanko's default policy, except that appearance streams may not be rewritten in place: a new value
# gets a new appearance stream (as ``fill_text_fields`` does). With in-place rewrites allowed, pyHanko
# counts every filled field's appearance as "possibly rewritten", and a field locked by a later
# signature (the seal locks the number) then fails any later update, even the validation data's.
DIFF_POLICY = StandardDiffPolicy(
    global_rules=[
        CatalogModificationRule(),
        DocInfoRule().as_qualified(ModificationLevel.LTA_UPDATES),
        XrefStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
        ObjectStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
        DSSCompareRule().as_qualified(ModificationLevel.LTA_UPDATES),
        MetadataUpdateRule().as_qualified(ModificationLevel.LTA_UPDATES),
    ],
    form_rule=FormUpdatingRule(
        field_rules=[
            SigFieldCreationRule(),
            SigFieldModificationRule(),
            GenericFieldModificationRule(allow_in_place_appearance_stream_changes=False),
        ],
    ),
)


async def _status(
    signature: EmbeddedPdfSignature, dss: _DssData, *, moment: datetime | None = None, require: bool = False
) -> PdfSignatureStatus:
    # One context per moment and mode for all the document's signatures (as pyHanko's own validator
    # does): their chains share the root and the revocation lists, validated once.
    context = dss.contexts.get((moment, require))
    if context is None:
        context = dss.contexts[moment, require] = validation_context(
            moment=moment,
            other_certs=dss.certs,
            crls=dss.crls,
            ocsps=dss.ocsps,
            require_revocation=require,
        )
    return await async_validate_pdf_signature(signature, context, context, diff_policy=DIFF_POLICY)


_EXPIRED = {AdESIndeterminate.OUT_OF_BOUNDS_NO_POE, AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED}
_REVOKED = {AdESFailure.REVOKED, AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE}


async def _trusted_status(
    signature: EmbeddedPdfSignature, dss: _DssData, moment: datetime | None = None
) -> tuple[PdfSignatureStatus, Revocation]:
    """Validate requiring revocation data; when that fails only for want of it (a soft pass trusts the
    chain), the revocation status is "not checked"."""
    status = await _status(signature, dss, moment=moment, require=True)
    if not status.trusted:
        soft = await _status(signature, dss, moment=moment)
        if soft.trusted:
            return soft, Revocation.NOT_CHECKED
    if status.trust_problem_indic in _REVOKED:
        return status, Revocation.REVOKED
    return status, Revocation.GOOD


async def _report(signature: EmbeddedPdfSignature, dss: _DssData) -> SignatureReport:
    status, revocation = await _trusted_status(signature, dss)
    long_term = False
    timestamp = status.timestamp_validity
    if (
        status.trust_problem_indic in _EXPIRED
        and timestamp is not None
        and timestamp.intact
        and timestamp.valid
    ):
        at_timestamp, at_revocation = await _trusted_status(signature, dss, timestamp.timestamp)
        if at_timestamp.bottom_line:
            status, revocation, long_term = at_timestamp, at_revocation, True
    return _describe(signature, status, dss, revocation, long_term)


def _problems(
    status: PdfSignatureStatus, certificate: Certificate, modifications: Modifications
) -> list[Problem]:
    name = certificate_name(certificate)
    problems: list[Problem] = []
    if not status.intact or not status.valid:
        problems.append(
            Problem.of(
                SigningError(
                    "bad_signature", _("Chữ ký số của “%(name)s” không khớp với nội dung văn bản."), name=name
                )
            )
        )
    if modifications is Modifications.NOT_PERMITTED:
        problems.append(
            Problem.of(
                SigningError("modified", _("Văn bản đã bị sửa đổi sau khi “%(name)s” ký số."), name=name)
            )
        )
    indication = status.trust_problem_indic
    if indication in _EXPIRED:
        problems.append(
            Problem.of(
                SigningError(
                    "certificate_expired",
                    _(
                        "Chứng thư số của “%(name)s” đã hết hạn và không có dấu thời gian chứng minh "
                        "chữ ký được tạo khi còn hạn."
                    ),
                    name=name,
                )
            )
        )
    elif indication in _REVOKED:
        problems.append(
            Problem.of(
                SigningError(
                    "certificate_revoked", _("Chứng thư số của “%(name)s” đã bị thu hồi."), name=name
                )
            )
        )
    elif indication is not None:
        problems.append(
            Problem.of(
                SigningError(
                    "certificate_untrusted",
                    _("Chứng thư số của “%(name)s” không do tổ chức chứng thực được tin cậy cấp."),
                    name=name,
                )
            )
        )
    return problems


def _describe(
    signature: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    dss: _DssData,
    revocation: Revocation,
    long_term: bool,
) -> SignatureReport:
    certificate: asn1_x509.Certificate = status.signing_cert
    modifications = _modifications(status)
    timestamp = status.timestamp_validity
    level = "B-T" if timestamp is not None else "B-B"
    if timestamp is not None and dss.present:
        level = "B-LT"
    problems = _problems(status, certificate, modifications)
    return SignatureReport(
        field=signature.field_name,
        kind=Kind.ORGANISATION if _organisation_certificate(certificate) else Kind.PERSONAL,
        signer=certificate_name(certificate),
        organisation=str(certificate.subject.native.get("organization_name", "")),
        certificate_serial=format(certificate.serial_number, "x"),
        issuer=certificate_name_of(certificate.issuer),
        signed_at=status.signer_reported_dt,
        timestamp=timestamp.timestamp if timestamp is not None else None,
        intact=status.intact,
        trusted=status.trusted,
        valid=status.bottom_line and not problems,
        coverage=_coverage(status),
        modifications=modifications,
        revocation=revocation,
        level=level,
        long_term=long_term,
        problems=tuple(problems),
    )


def certificate_name_of(name: asn1_x509.Name) -> str:
    return str(name.native.get("common_name", "")) or name.human_friendly


async def _reports(reader: PdfFileReader) -> tuple[SignatureReport, ...]:
    dss = _DssData(reader)
    return tuple([await _report(signature, dss) for signature in reader.embedded_regular_signatures])


def verify_reader(reader: PdfFileReader) -> VerificationReport:
    return VerificationReport(asyncio.run(_reports(reader)))


def verify_pdf(pdf: bytes) -> VerificationReport:
    """Verify every signature of ``pdf`` (see the module docstring). Refuses (``SigningError``) only a
    file that is not a readable PDF; a PDF without signatures gives a report with none (not valid)."""
    return verify_reader(read_pdf(pdf))


def require_intact(reader: PdfFileReader) -> None:
    """Refuse a document whose signatures are broken or that was modified beyond what they permit."""
    for report in verify_reader(reader).signatures:
        if not report.intact:
            raise SigningError(
                "bad_signature",
                _("Chữ ký số của “%(name)s” không khớp với nội dung văn bản."),
                name=report.signer,
            )
        if report.modifications is Modifications.NOT_PERMITTED:
            raise SigningError(
                "modified", _("Văn bản đã bị sửa đổi sau khi “%(name)s” ký số."), name=report.signer
            )
