"""Where keys, certificates, trust roots and revocation lists live, and the signers made from them.

Everything sits under ``DANGVU_SIGNING_DIR`` (never in the database):

* ``trust/*.pem`` — the trust roots signatures must chain to (``DANGVU_SIGNING_TRUST_ROOTS`` adds more);
* ``crl/*.crl`` — revocation lists the service embeds in documents (B-LT) and checks against offline;
* ``orgs/<CODE>.p12`` — an organisation's key and certificate chain (PKCS#12, encrypted with
  ``DANGVU_SIGNING_KEY_PASSPHRASE``), or ``orgs/<CODE>.pkcs11.json`` naming a key on a PKCS#11 token
  (an HSM or a USB token: ``{"module", "token_label", "key_label", "certificate", "chain", "pin_env"}``;
  the PIN is read from the environment variable ``pin_env``); ``orgs/<CODE>.png`` is the seal image;
* ``people/<username>.p12`` — demo only: personal keys for the demo leaders. A real person's key stays
  on their USB token and signs through the interrupted flow (``dangvu.signing.external``).

A loaded signer is cached per file (until the file changes): parsing a key costs far more than
signing with it.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import pem
from asn1crypto.x509 import Certificate as Certificate
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko.sign.general import get_pyca_cryptography_hash  # type: ignore[attr-defined]
from pyhanko.sign.signers import Signer, SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from dangvu.signing.errors import SigningError


def signing_dir() -> Path:
    return Path(settings.DANGVU_SIGNING_DIR)


def passphrase() -> bytes:
    return str(settings.DANGVU_SIGNING_KEY_PASSPHRASE).encode()


def person_key_path(username: str) -> Path:
    return signing_dir() / "people" / f"{username}.p12"


def org_key_path(org_code: str) -> Path:
    """The organisation's PKCS#11 descriptor when there is one, else its PKCS#12 file."""
    token = signing_dir() / "orgs" / f"{org_code}.pkcs11.json"
    return token if token.exists() else signing_dir() / "orgs" / f"{org_code}.p12"


def seal_image_path(org_code: str) -> Path:
    return signing_dir() / "orgs" / f"{org_code}.png"


def load_certificates(data: bytes) -> list[Certificate]:
    """Every certificate in PEM (one or several) or DER ``data``."""
    if pem.detect(data):
        return [Certificate.load(der) for _kind, _headers, der in pem.unarmor(data, multiple=True)]
    return [Certificate.load(data)]


def to_pem(certificate: Certificate) -> str:
    return pem.armor("CERTIFICATE", certificate.dump()).decode()


class CachedKeySigner(SimpleSigner):
    """pyHanko's SimpleSigner re-parses its private key for every signature (RSA key checks make that
    ~100 times the cost of the signature itself); this one keeps the parsed key."""

    def __init__(self, *, certificate: Certificate, key: Any, chain: list[Certificate]) -> None:
        der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        super().__init__(
            signing_cert=certificate,
            signing_key=asn1_keys.PrivateKeyInfo.load(der),
            cert_registry=SimpleCertificateStore.from_certs(chain),
        )
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hash_algorithm)
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(hash_algorithm))
        raise SigningError("key_unavailable", _("Loại khóa không được hỗ trợ (chỉ RSA hoặc ECDSA)."))

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        return self.sign_raw(data, digest_algorithm)


@dataclass(frozen=True)
class Credential:
    """A signer ready to use, with its certificate and the chain above it (without the root)."""

    signer: Signer
    certificate: Certificate
    chain: tuple[Certificate, ...]
    source: str


_cache: dict[tuple[str, int, int], Credential] = {}
_cache_lock = threading.Lock()


def _load_pkcs12(path: Path) -> Credential:
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase())
    except (ValueError, TypeError) as error:
        raise SigningError(
            "key_unavailable",
            _("Không mở được tệp khóa %(name)s (sai mật khẩu hoặc tệp hỏng)."),
            name=path.name,
        ) from error
    if key is None or certificate is None:
        raise SigningError(
            "key_unavailable", _("Tệp khóa %(name)s không có khóa hoặc chứng thư."), name=path.name
        )
    cert = Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    chain = [Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in others]
    return Credential(
        signer=CachedKeySigner(certificate=cert, key=key, chain=chain),
        certificate=cert,
        chain=tuple(chain),
        source=str(path),
    )


def _load_pkcs11(path: Path) -> Credential:
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    spec = json.loads(path.read_text())
    base = path.parent
    certificate = load_certificates((base / spec["certificate"]).read_bytes())[0]
    chain = load_certificates((base / spec["chain"]).read_bytes()) if spec.get("chain") else []
    pin = os.environ.get(spec.get("pin_env", ""), "")
    try:
        session = open_pkcs11_session(
            spec["module"], token_criteria=TokenCriteria(label=spec["token_label"]), user_pin=pin
        )
    except Exception as error:
        raise SigningError(
            "key_unavailable",
            _("Không mở được thiết bị ký số (PKCS#11) “%(token)s”: %(reason)s"),
            token=spec.get("token_label", ""),
            reason=str(error) or type(error).__name__,
        ) from error
    signer = PKCS11Signer(
        session, key_label=spec["key_label"], signing_cert=certificate, ca_chain=chain, other_certs_to_pull=()
    )
    return Credential(signer=signer, certificate=certificate, chain=tuple(chain), source=str(path))


def load_credential(path: Path) -> Credential:
    """The signer kept in ``path`` (PKCS#12 or a PKCS#11 descriptor), loaded once per file version."""
    try:
        stat = path.stat()
    except FileNotFoundError as error:
        raise SigningError(
            "key_unavailable",
            _("Chưa có khóa ký số (%(name)s). Hãy liên hệ quản trị hệ thống."),
            name=path.name,
        ) from error
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    credential = _load_pkcs11(path) if path.suffix == ".json" else _load_pkcs12(path)
    with _cache_lock:
        for stale in [k for k in _cache if k[0] == key[0]]:
            del _cache[stale]
        _cache[key] = credential
    return credential


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
    _files_cache.clear()


_files_cache: dict[tuple[str, ...], Any] = {}


def _files_key(paths: list[Path]) -> tuple[str, ...]:
    return tuple(f"{p}:{p.stat().st_mtime_ns}" for p in paths if p.exists())


def trust_root_paths() -> list[Path]:
    own = sorted((signing_dir() / "trust").glob("*.pem"))
    return own + [Path(p) for p in settings.DANGVU_SIGNING_TRUST_ROOTS]


def trust_roots() -> list[Certificate]:
    """The configured trust roots (read again only when a file changes)."""
    paths = trust_root_paths()
    key = ("roots", *_files_key(paths))
    if key not in _files_cache:
        _files_cache[key] = [c for p in paths if p.exists() for c in load_certificates(p.read_bytes())]
    roots: list[Certificate] = _files_cache[key]
    return roots


def local_crls() -> list[asn1_crl.CertificateList]:
    """Revocation lists kept under ``crl/`` (the demo CA writes its list there)."""
    paths = sorted((signing_dir() / "crl").glob("*.crl"))
    key = ("crls", *_files_key(paths))
    if key not in _files_cache:
        _files_cache[key] = [asn1_crl.CertificateList.load(_der(p.read_bytes())) for p in paths]
    crls: list[asn1_crl.CertificateList] = _files_cache[key]
    return crls


def _der(data: bytes) -> bytes:
    return pem.unarmor(data)[2] if pem.detect(data) else data


def verify_raw_signature(certificate: Certificate, data: bytes, signature: bytes) -> bool:
    """Does ``signature`` (PKCS#1 v1.5 or ECDSA over SHA-256 of ``data``) match the certificate's key?"""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature

    public_key = x509.load_der_x509_certificate(certificate.dump()).public_key()
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True
