"""pyHanko glue: visible appearances, one PAdES signature on a field, and the validation data (DSS).

Signatures are PAdES baseline (``ETSI.CAdES.detached``, SHA-256): B-B, B-T when a timestamp server is
configured (``DANGVU_SIGNING_TSA_URL``), and the certificates and revocation lists the service holds
are added to the document security store after signing (the B-LT validation data).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import crl as asn1_crl
from django.conf import settings
from django.utils import timezone
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import FieldMDPSpec, SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.fields import MDPPerm as MDPPerm
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.stamp import BaseStamp, BaseStampStyle, StaticStampStyle

from dangvu.signing.fonts import embed_font, text_operators
from dangvu.signing.keys import Certificate, Credential, local_crls, trust_roots

Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class LinesStampStyle(BaseStampStyle):
    """A signature box showing lines of Vietnamese text (with the service's embedded font), starting
    ``indent`` points from the left (the seal covers the left third of a personal signature)."""

    lines: tuple[tuple[str, float], ...] = ()
    indent: float = 4
    border_width: int = 0

    def create_stamp(
        self, writer: BasePdfFileWriter, box: object, text_params: dict[str, object]
    ) -> LinesStamp:
        return LinesStamp(writer, self, box)  # type: ignore[arg-type]


class LinesStamp(BaseStamp):
    def _render_inner_content(self) -> list[bytes]:
        style: LinesStampStyle = self.style
        font = embed_font(self.writer, text="".join(text for text, _size in style.lines))  # type: ignore[arg-type]
        self.set_resource(category=ResourceType.FONT, name=pdf_name("/DGV"), value=font)
        return [b"0 0 0 rg " + text_operators(list(style.lines), x=style.indent, top=self.box.height - 3)]


def personal_style(*, name: str, position: str, at: datetime, width: float) -> LinesStampStyle:
    local = timezone.localtime(at)
    lines = [
        ("Đã ký số", 9.5),
        (name, 11),
        *([(position, 9)] if position else []),
        (f"Thời gian ký: {local:%d/%m/%Y %H:%M:%S} {local:%z}"[:-2] + ":" + f"{local:%z}"[-2:], 8),
    ]
    return LinesStampStyle(lines=tuple(lines), indent=width / 3 + 4)


def seal_style(image_path: str) -> StaticStampStyle:
    return StaticStampStyle(background=PdfImage(image_path), background_opacity=1.0, border_width=0)


def seal_rect(personal: Rect) -> Rect:
    """The seal's box: the left third of the personal signature's box."""
    x0, y0, x1, y1 = personal
    return (x0, y0, x0 + (x1 - x0) / 3, y1)


def timestamper() -> TimeStamper | None:
    url = settings.DANGVU_SIGNING_TSA_URL
    return HTTPTimeStamper(url, timeout=10) if url else None


def reserved_bytes(certificates: Sequence[Certificate], with_timestamp: bool) -> int:
    """Room for the signature container, in hex digits: the certificates, the signature, the signed
    attributes and, with a timestamp, the token and the TSA's certificates."""
    size = sum(len(c.dump()) for c in (*certificates, *trust_roots()))
    return 2 * (size + 4096 + (12288 if with_timestamp else 0))


def sign_field(
    writer: BasePdfFileWriter,
    credential: Credential,
    *,
    field: str,
    style: BaseStampStyle,
    new_field: SigFieldSpec | None = None,
    certify: bool = False,
    permissions: MDPPerm = MDPPerm.FILL_FORMS,
    validation_data: Sequence[Certificate] | None = (),
    reason: str = "",
    location: str = "",
) -> bytes:
    """Sign ``field`` (created from ``new_field`` when given). ``validation_data``: the certificates of
    the document's earlier signatures to add to the DSS with this one's, or None for no DSS update now
    (a personal signature: the issuing step adds the data of both signatures in one update)."""
    stamper = timestamper()
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=permissions,
        reason=reason or None,
        location=location or None,
    )
    signer = signers.PdfSigner(
        meta, credential.signer, timestamper=stamper, stamp_style=style, new_field_spec=new_field
    )
    output = signer.sign_pdf(
        writer,
        existing_fields_only=new_field is None,
        bytes_reserved=reserved_bytes([credential.certificate, *credential.chain], stamper is not None),
    )
    if validation_data is None:
        return output.getvalue()
    return add_validation_data(output, [credential.certificate, *credential.chain, *validation_data])


def crls_for(certificates: Iterable[Certificate]) -> list[asn1_crl.CertificateList]:
    issuers = {c.issuer.dump() for c in certificates}
    return [c for c in local_crls() if c.issuer.dump() in issuers]


def _timestamp_certificates(output: io.BytesIO) -> list[Certificate]:
    if not settings.DANGVU_SIGNING_TSA_URL:
        return []
    reader = PdfFileReader(output, strict=False)
    last = reader.embedded_regular_signatures[-1]
    return [
        c.chosen
        for token in extract_tst_data_iter(last.signer_info, signed=False)
        for c in token["certificates"]
        if c.name == "certificate"
    ]


def add_validation_data(output: io.BytesIO, certificates: Sequence[Certificate]) -> bytes:
    """Append the document security store (certificates up to the root, the revocation lists the
    service holds for them, and the timestamp authority's certificates) as an incremental update."""
    roots = trust_roots()
    certificates = [*certificates, *_timestamp_certificates(output)]
    issuers = {c.issuer.dump() for c in certificates}
    chain = [*certificates, *(r for r in roots if r.subject.dump() in issuers)]
    DocumentSecurityStore.add_dss(output, None, certs=chain, crls=crls_for(chain), force_write=True)
    return output.getvalue()


def personal_field_spec(*, name: str, page: int, box: Rect, lock: FieldMDPSpec) -> SigFieldSpec:
    return SigFieldSpec(
        sig_field_name=name,
        on_page=page,
        box=tuple(round(v) for v in box),  # type: ignore[arg-type]
        field_mdp_spec=lock,
    )
