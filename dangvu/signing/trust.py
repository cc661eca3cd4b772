"""Validation contexts over the configured trust roots and revocation lists, and the check a signer's
certificate passes before the service signs with it."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Iterable
from datetime import datetime

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from dangvu.signing.errors import SigningError
from dangvu.signing.keys import Certificate, local_crls, trust_roots


def validation_context(
    *,
    moment: datetime | None = None,
    other_certs: Iterable[Certificate] = (),
    crls: Iterable[asn1_crl.CertificateList] = (),
    ocsps: Iterable[asn1_ocsp.OCSPResponse] = (),
    require_revocation: bool = False,
) -> ValidationContext:
    """Trust roots from the configuration, the local revocation lists plus ``crls``/``ocsps`` (e.g. a
    document's DSS). Fetching revocation data online only when ``DANGVU_SIGNING_FETCH_REVOCATION`` is on;
    ``require_revocation`` makes missing revocation data a failure instead of "not checked"."""
    return ValidationContext(
        trust_roots=trust_roots(),
        other_certs=list(other_certs),
        crls=[*local_crls(), *crls],
        ocsps=list(ocsps),
        moment=moment,
        allow_fetching=bool(settings.DANGVU_SIGNING_FETCH_REVOCATION) and moment is None,
        revocation_mode="require" if require_revocation else "soft-fail",
        retroactive_revinfo=moment is not None,
    )


def certificate_name(certificate: Certificate) -> str:
    return str(certificate.subject.native.get("common_name", "")) or certificate.subject.human_friendly


_checked: dict[tuple[str, int], float] = {}
CHECK_SECONDS = 600


def check_signing_certificate(
    certificate: Certificate,
    chain: Iterable[Certificate],
    *,
    usage: frozenset[str] = frozenset({"non_repudiation"}),
) -> None:
    """Refuse to sign with a certificate that is expired, not yet valid, revoked or does not chain to a
    configured trust root. A certificate that passed is not checked again for ten minutes (the check
    costs more than the signature)."""
    key = (hashlib.sha256(certificate.dump()).hexdigest(), len(local_crls()))
    if time.monotonic() - _checked.get(key, -CHECK_SECONDS) < CHECK_SECONDS:
        return
    name = certificate_name(certificate)
    now = timezone.now()
    if certificate.not_valid_after < now:
        raise SigningError(
            "certificate_expired",
            _("Chứng thư số của “%(name)s” đã hết hạn ngày %(day)s; không ký được."),
            name=name,
            day=timezone.localtime(certificate.not_valid_after).strftime("%d/%m/%Y"),
        )
    validator = CertificateValidator(
        certificate, intermediate_certs=list(chain), validation_context=validation_context()
    )
    try:
        asyncio.run(validator.async_validate_usage(set(usage)))
    except RevokedError as error:
        raise SigningError(
            "certificate_revoked", _("Chứng thư số của “%(name)s” đã bị thu hồi; không ký được."), name=name
        ) from error
    except (ExpiredError, NotYetValidError) as error:
        raise SigningError(
            "certificate_expired",
            _("Chứng thư số của “%(name)s” không còn hiệu lực; không ký được."),
            name=name,
        ) from error
    except InsufficientRevinfoError:
        pass  # offline: revocation is "not checked", the signature still goes ahead
    except (PathBuildingError, PathValidationError) as error:
        raise SigningError(
            "certificate_untrusted",
            _("Chứng thư số của “%(name)s” không do tổ chức chứng thực được tin cậy cấp; không ký được."),
            name=name,
        ) from error
    _checked[key] = time.monotonic()
