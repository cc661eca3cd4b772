"""The external signer of the interrupted flow, on the command line (what a USB token's browser
extension does): it reads the server's request, signs its ``data`` with a key file or a PKCS#11 token,
and writes the answer for the server. It needs neither Django nor the server's database::

    python -m dangvu.signing.cli --request request.json --key me.p12 --passphrase-env MY_PASS --out answer.json
    python -m dangvu.signing.cli --request request.json --pkcs11-module /usr/lib/softhsm/libsofthsm2.so \\
        --token-label me --pin-env MY_PIN --out answer.json
    python -m dangvu.signing.cli --export-certificate --pkcs11-module /usr/lib/softhsm/libsofthsm2.so \\
        --token-label me --pin-env MY_PIN --out me.pem

A signer who has only a token takes everything from it: ``--export-certificate`` writes the token's
certificate (then the CA certificates the token holds for its chain) as PEM, which ``/sign/prepare``
takes; signing then finds on the token the certificate the request names (``certificate_sha256``) and
the private key with the same ``CKA_ID``, and the answer carries that certificate. ``--cert-label`` /
``--cert-id`` (hex) or ``--key-label`` / ``--key-id`` choose among several; a token holding no
certificate the request names is refused before anything is signed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class SignerError(Exception):
    """A refusal of the command-line signer, printed without a traceback (exit status 2)."""


def sign_with_key_file(data: bytes, key_path: Path, passphrase: bytes | None) -> tuple[bytes, str]:
    """The signature of ``data`` and, from a PKCS#12 file, the certificate (PEM; else empty)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.serialization import pkcs12

    raw = key_path.read_bytes()
    certificate = ""
    if key_path.suffix in {".p12", ".pfx"}:
        key: Any
        key, cert, _others = pkcs12.load_key_and_certificates(raw, passphrase)
        if cert is not None:
            certificate = cert.public_bytes(serialization.Encoding.PEM).decode()
    else:
        key = serialization.load_pem_private_key(raw, passphrase)
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256()), certificate
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256())), certificate
    raise SystemExit("unsupported key type (RSA or ECDSA only)")


def _pem(der: bytes) -> str:
    body = base64.encodebytes(der).decode().replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


@dataclass(frozen=True)
class TokenCertificate:
    """A certificate object of the token: its DER value, label and ``CKA_ID``."""

    der: bytes
    label: str
    id: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.der).hexdigest()

    @property
    def is_ca(self) -> bool:
        from asn1crypto import x509

        return bool(x509.Certificate.load(self.der).ca)


@dataclass(frozen=True)
class TokenChoice:
    """How to find the signer's certificate and key on the token (all optional)."""

    cert_label: str | None = None
    cert_id: bytes | None = None
    key_label: str | None = None
    key_id: bytes | None = None


def _certificates(session: Any) -> list[TokenCertificate]:
    from pkcs11 import Attribute, ObjectClass

    found = []
    for item in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        try:
            identifier = bytes(item[Attribute.ID])
        except Exception:  # a certificate without CKA_ID (some tokens' CA certificates)
            identifier = b""
        found.append(
            TokenCertificate(bytes(item[Attribute.VALUE]), str(item[Attribute.LABEL] or ""), identifier)
        )
    return found


def _signer_certificate(
    certificates: list[TokenCertificate], choice: TokenChoice, sha256: str | None
) -> TokenCertificate:
    """The signer's certificate among the token's: the one the request names, else the one chosen by
    label or id (the key's, when only the key is named), else the only end-entity certificate."""
    candidates = [c for c in certificates if not c.is_ca] or certificates
    if choice.cert_label is not None:
        candidates = [c for c in candidates if c.label == choice.cert_label]
    if choice.cert_id is not None:
        candidates = [c for c in candidates if c.id == choice.cert_id]
    if not sha256 and choice.cert_label is None and choice.cert_id is None:
        # Only the key was named: its certificate carries the same id (or label), as tokens store them.
        if choice.key_id is not None:
            candidates = [c for c in candidates if c.id == choice.key_id]
        elif choice.key_label is not None:
            candidates = [c for c in candidates if c.label == choice.key_label]
    if sha256:
        named = [c for c in candidates if c.sha256 == sha256.lower()]
        if not named:
            raise SignerError(
                "the token holds no certificate matching the request (certificate_sha256 "
                f"{sha256}); the request was prepared for another certificate"
            )
        return named[0]
    if len(candidates) != 1:
        raise SignerError(
            f"the token holds {len(candidates)} matching certificates: choose one with --cert-label or --cert-id"
        )
    return candidates[0]


def _chain(signer: TokenCertificate, certificates: list[TokenCertificate]) -> list[TokenCertificate]:
    """The signer's certificate, then the issuers' certificates the token holds, in order."""
    from asn1crypto import x509

    parsed = {c.der: x509.Certificate.load(c.der) for c in certificates}
    chain, current = [signer], parsed[signer.der]
    while current.issuer != current.subject:
        issuer = next(
            (c for c in certificates if c not in chain and parsed[c.der].subject == current.issuer), None
        )
        if issuer is None:
            break
        chain.append(issuer)
        current = parsed[issuer.der]
    return chain


def _open(module: str, token_label: str | None, pin: str) -> Any:
    import pkcs11

    try:
        token = pkcs11.lib(module).get_token(token_label=token_label)
    except (pkcs11.NoSuchToken, pkcs11.MultipleTokensReturned) as error:
        raise SignerError(f"token {token_label!r} not found (or several match): {error!r}") from error
    try:
        return token.open(user_pin=pin)
    except pkcs11.PinIncorrect as error:
        raise SignerError("the token refused the PIN") from error


def export_certificate(*, module: str, token_label: str | None, pin: str, choice: TokenChoice) -> str:
    """The token's signing certificate and its chain on the token, as PEM (what ``/sign/prepare`` takes)."""
    with _open(module, token_label, pin) as session:
        certificates = _certificates(session)
        if not certificates:
            raise SignerError("the token holds no certificate")
        signer = _signer_certificate(certificates, choice, None)
        return "".join(_pem(c.der) for c in _chain(signer, certificates))


def sign_with_pkcs11(
    data: bytes,
    *,
    module: str,
    token_label: str | None,
    pin: str,
    choice: TokenChoice = TokenChoice(),
    certificate_sha256: str | None = None,
) -> tuple[bytes, str]:
    """The signature of ``data`` by the token's key and the certificate (PEM) it belongs to: the
    certificate the request names when the token holds one, and the private key with its ``CKA_ID``
    (or the key chosen by label or id)."""
    from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
    from pkcs11.util.ec import encode_ecdsa_signature

    with _open(module, token_label, pin) as session:
        certificates = _certificates(session)
        certificate = _signer_certificate(certificates, choice, certificate_sha256) if certificates else None
        query: dict[Any, Any] = {Attribute.CLASS: ObjectClass.PRIVATE_KEY}
        if choice.key_label is not None:
            query[Attribute.LABEL] = choice.key_label
        if choice.key_id is not None:
            query[Attribute.ID] = choice.key_id
        elif certificate is not None and certificate.id:
            query[Attribute.ID] = certificate.id
        found = list(session.get_objects(query))
        if len(found) != 1:
            raise SignerError(
                f"the token holds {len(found)} matching private keys: choose one with --key-label or --key-id"
            )
        key = found[0]
        if key.key_type == KeyType.EC:
            signature = encode_ecdsa_signature(key.sign(data, mechanism=Mechanism.ECDSA_SHA256))
        elif key.key_type == KeyType.RSA:
            signature = key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS)
        else:
            raise SignerError("unsupported key type (RSA or ECDSA only)")
        return bytes(signature), _pem(certificate.der) if certificate is not None else ""


def _hex(value: str | None) -> bytes | None:
    return bytes.fromhex(value.replace(":", "")) if value else None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dangvu.signing.cli", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--request", type=Path, help="the server's request (JSON)")
    parser.add_argument("--out", required=True, type=Path, help="where to write the answer (JSON) or the PEM")
    parser.add_argument(
        "--export-certificate",
        action="store_true",
        help="write the token's certificate and its chain (PEM) instead of signing",
    )
    parser.add_argument("--key", type=Path, help="key file: PKCS#12 (.p12/.pfx) or PEM")
    parser.add_argument(
        "--passphrase-env", default="", help="environment variable holding the key's passphrase"
    )
    parser.add_argument("--pkcs11-module", help="PKCS#11 module of the token (a .so file)")
    parser.add_argument("--token-label", help="the token's label (default: the only token)")
    parser.add_argument("--key-label", help="the private key's label on the token")
    parser.add_argument("--key-id", help="the private key's CKA_ID on the token (hex)")
    parser.add_argument("--cert-label", help="the certificate's label on the token")
    parser.add_argument("--cert-id", help="the certificate's CKA_ID on the token (hex)")
    parser.add_argument("--pin-env", default="", help="environment variable holding the token's PIN")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    choice = TokenChoice(args.cert_label, _hex(args.cert_id), args.key_label, _hex(args.key_id))
    pin = os.environ.get(args.pin_env, "") if args.pin_env else ""
    try:
        if args.export_certificate:
            if not args.pkcs11_module:
                parser.error("--export-certificate needs --pkcs11-module")
            args.out.write_text(
                export_certificate(
                    module=args.pkcs11_module, token_label=args.token_label, pin=pin, choice=choice
                )
            )
            return 0
        if args.request is None:
            parser.error("give --request (or --export-certificate)")
        answer = _answer(parser, args, choice, pin)
    except SignerError as error:
        print(f"dangvu.signing.cli: {error}", file=sys.stderr)
        return 2
    args.out.write_text(json.dumps(answer))
    return 0


def _answer(
    parser: argparse.ArgumentParser, args: argparse.Namespace, choice: TokenChoice, pin: str
) -> dict[str, str]:
    request = json.loads(args.request.read_text())
    if request.get("algorithm") != "sha256":
        parser.error(f"unsupported algorithm {request.get('algorithm')!r}")
    data = base64.b64decode(request["data"])
    # The signing service's request names the certificate at the top, the documents API in requirements.
    wanted = request.get("certificate_sha256") or (request.get("requirements") or {}).get(
        "certificate_sha256"
    )
    if args.pkcs11_module:
        signature, certificate = sign_with_pkcs11(
            data,
            module=args.pkcs11_module,
            token_label=args.token_label,
            pin=pin,
            choice=choice,
            certificate_sha256=wanted,
        )
    elif args.key:
        secret = os.environ.get(args.passphrase_env) if args.passphrase_env else None
        signature, certificate = sign_with_key_file(data, args.key, secret.encode() if secret else None)
    else:
        parser.error("give --key or --pkcs11-module")
    # The documents API names the request "session"; the signing service's own request "id".
    session = request.get("session") or request["id"]
    answer = {"id": session, "session": session, "signature": base64.b64encode(signature).decode()}
    if certificate:
        answer["certificate"] = certificate
    return answer


if __name__ == "__main__":
    sys.exit(main())
