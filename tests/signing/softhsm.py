"""A SoftHSM2 token for the tests: initialised in a temporary ``SOFTHSM2_CONF`` directory, an RSA key
pair generated on it (the private key never leaves it) and, as a CA delivers a USB token, the holder's
certificate and the CA's certificate stored on it beside the key (same ``CKA_ID``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN, SO_PIN = "246810", "135790"
PIN_ENV = "DANGVU_TEST_TOKEN_PIN"
needs_softhsm = pytest.mark.skipif(
    shutil.which("softhsm2-util") is None or not os.path.exists(MODULE), reason="softhsm2 not installed"
)


@dataclass(frozen=True)
class Token:
    module: str
    label: str
    pin_env: str

    def cli(self) -> list[str]:
        """The command-line signer's options that name this token."""
        return ["--pkcs11-module", self.module, "--token-label", self.label, "--pin-env", self.pin_env]


_conf: list[Path] = []


def _configuration() -> Path:
    """One token directory per test process: SoftHSM reads its configuration once, when a process
    first loads the module (python-pkcs11 keeps it loaded), so every test of the process shares it
    and each initialises a token of its own label."""
    if not _conf:
        directory = Path(tempfile.mkdtemp(prefix="dangvu-softhsm-"))
        (directory / "tokens").mkdir()
        conf = directory / "softhsm2.conf"
        conf.write_text(
            f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
        )
        _conf.append(conf)
    return _conf[0]


def init_token(monkeypatch: Any, label: str = "dangvu-test") -> Token:
    """A new token (its label made unique) in the process's SoftHSM directory."""
    monkeypatch.setenv("SOFTHSM2_CONF", str(_configuration()))
    monkeypatch.setenv(PIN_ENV, PIN)
    label = f"{label}-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", SO_PIN],
        check=True,
        capture_output=True,
    )
    import pkcs11

    pkcs11.lib(MODULE).reinitialize()  # a module loaded before sees only the tokens it found then
    return Token(MODULE, label, PIN_ENV)


def public_key(public: Any) -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from pkcs11 import Attribute

    numbers = rsa.RSAPublicNumbers(
        int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
        int.from_bytes(public[Attribute.MODULUS], "big"),
    )
    return numbers.public_key()


def person_on_token(token: Token, authority: Any, *, full_name: str, organisation: str, label: str) -> bytes:
    """A key pair generated on the token, its personal certificate from ``authority`` and the CA's
    certificate stored on the token; returns the person's certificate (DER)."""
    import pkcs11
    from cryptography.hazmat.primitives import serialization
    from pkcs11 import Attribute, KeyType
    from pkcs11.util.x509 import decode_x509_certificate

    identifier = label.encode()
    with pkcs11.lib(token.module).get_token(token_label=token.label).open(rw=True, user_pin=PIN) as session:
        public, _private = session.generate_keypair(KeyType.RSA, 2048, label=label, id=identifier, store=True)
        certificate = authority.issue(
            common_name=full_name, organisation=organisation, public_key=public_key(public), kind="person"
        )
        for value, name, cka_id in (
            (certificate.public_bytes(serialization.Encoding.DER), label, identifier),
            (authority.certificate.public_bytes(serialization.Encoding.DER), "CA", b"ca"),
        ):
            template = decode_x509_certificate(value)
            template.update({Attribute.TOKEN: True, Attribute.LABEL: name, Attribute.ID: cka_id})
            session.create_object(template)
    der: bytes = certificate.public_bytes(serialization.Encoding.DER)
    return der
