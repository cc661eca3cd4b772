"""The external signer of the interrupted flow, on the command line (what a USB token's browser
extension does): it reads the server's request, signs its ``data`` with a key file or a PKCS#11 token,
and writes the answer for the server. It needs neither Django nor the server's database::

    python -m dangvu.signing.cli --request request.json --key me.p12 --passphrase-env MY_PASS --out answer.json
    python -m dangvu.signing.cli --request request.json --pkcs11-module /usr/lib/softhsm/libsofthsm2.so \\
        --token-label me --key-label me --pin-env MY_PIN --out answer.json
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from pathlib import Path
from typing import Any


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


def sign_with_pkcs11(data: bytes, *, module: str, token_label: str, key_label: str, pin: str) -> bytes:
    import pkcs11
    from pkcs11 import Mechanism, ObjectClass

    token = pkcs11.lib(module).get_token(token_label=token_label)
    with token.open(user_pin=pin) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=key_label)
        return bytes(key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dangvu.signing.cli", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--request", required=True, type=Path, help="the server's request (JSON)")
    parser.add_argument("--out", required=True, type=Path, help="where to write the answer (JSON)")
    parser.add_argument("--key", type=Path, help="key file: PKCS#12 (.p12/.pfx) or PEM")
    parser.add_argument(
        "--passphrase-env", default="", help="environment variable holding the key's passphrase"
    )
    parser.add_argument("--pkcs11-module", help="PKCS#11 module of the token (a .so file)")
    parser.add_argument("--token-label")
    parser.add_argument("--key-label")
    parser.add_argument("--pin-env", default="", help="environment variable holding the token's PIN")
    args = parser.parse_args(argv)
    request = json.loads(args.request.read_text())
    if request.get("algorithm") != "sha256":
        parser.error(f"unsupported algorithm {request.get('algorithm')!r}")
    data = base64.b64decode(request["data"])
    certificate = ""
    if args.pkcs11_module:
        signature = sign_with_pkcs11(
            data,
            module=args.pkcs11_module,
            token_label=args.token_label,
            key_label=args.key_label,
            pin=os.environ.get(args.pin_env, ""),
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
    args.out.write_text(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
