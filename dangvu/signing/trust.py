"""Validation contexts over the configured trust roots and revocation lists, and the check a signer's
certificate passes before the service signs with it."""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto.algos import SignedDigestAlgorithm
from asn1crypto.keys import PublicKeyInfo
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
from pyhanko_certvalidator.registry import SimpleTrustManager
from pyhanko_certvalidator.sig_validate import (
    DEFAULT_VALIDATION_CONTEXT,
    DefaultSignatureValidator,
    SignatureValidationContext,
)

from dangvu.signing import pathcache
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
    manager, digest = _trust_manager()
    context = ValidationContext(
        trust_manager=manager,
        other_certs=list(other_certs),
        crls=[*local_crls(), *crls],
        ocsps=list(ocsps),
        moment=moment,
        allow_fetching=bool(settings.DANGVU_SIGNING_FETCH_REVOCATION) and moment is None,
        revocation_mode="require" if require_revocation else "soft-fail",
        retroactive_revinfo=moment is not None,
        signature_validator=_SIGNATURES,
    )
    return pathcache.use_roots_digest(context, digest)


_trust_managers: dict[int, tuple[list[Certificate], SimpleTrustManager, bytes]] = {}


def _trust_manager() -> tuple[SimpleTrustManager, bytes]:
    """The trust roots as pyHanko's trust manager and the digest of the set, built again only when the
    roots' files change (``keys.trust_roots`` then returns a new list). When the set itself changed,
    the paths validated over the old one are forgotten (``pathcache``: a root taken away stops
    trusting at once)."""
    roots = trust_roots()
    cached = _trust_managers.get(id(roots))
    if cached is not None and cached[0] is roots:
        return cached[1], cached[2]
    manager = SimpleTrustManager.build(trust_roots=roots)
    digest = pathcache.roots_digest(roots)
    if any(previous[2] != digest for previous in _trust_managers.values()):
        pathcache.PATHS.clear()
    _trust_managers.clear()
    _trust_managers[id(roots)] = (roots, manager, digest)
    return manager, digest


class _RememberingSignatureValidator(DefaultSignatureValidator):
    """Checks a certificate's or a revocation list's signature once per process: every document of a
    committee carries the same certificates and lists, and each check parses the key again. Only
    successful checks are remembered, keyed by everything the check depends on."""

    def __init__(self, size: int = 4096) -> None:
        self._valid: OrderedDict[bytes, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def validate_signature(
        self,
        signature: bytes,
        signed_data: bytes,
        public_key_info: PublicKeyInfo,
        signature_algorithm: SignedDigestAlgorithm,
        context: SignatureValidationContext = DEFAULT_VALIDATION_CONTEXT,
    ) -> None:
        key = hashlib.sha256(
            b"\0".join(
                (
                    hashlib.sha256(signature).digest(),
                    hashlib.sha256(signed_data).digest(),
                    hashlib.sha256(public_key_info.dump()).digest(),
                    signature_algorithm.dump(),
                    repr(context).encode(),
                )
            )
        ).digest()
        with self._lock:
            if key in self._valid:
                self._valid.move_to_end(key)
                return
        super().validate_signature(signature, signed_data, public_key_info, signature_algorithm, context)
        with self._lock:
            self._valid[key] = None
            while len(self._valid) > self._size:
                self._valid.popitem(last=False)


_SIGNATURES = _RememberingSignatureValidator()


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
