"""Signing through PKCS#11 with SoftHSM2: a token initialised in a temporary SOFTHSM2_CONF directory,
keys generated on the token (they never leave it), the organisation's seal applied through pyHanko's
PKCS#11 signer, and a person's signature made by the command-line signer on the same token."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from dangvu.signing import ca, keys
from dangvu.signing.external import external_finish, external_prepare, request_json
from dangvu.signing.services import DocumentState, issue_document
from dangvu.signing.verify import Kind, verify_pdf
from tests.conftest import grant
from tests.signing.conftest import PLACES
from tests.signing.softhsm import MODULE, PIN, PIN_ENV, init_token, needs_softhsm

pytestmark = [pytest.mark.django_db, needs_softhsm]


def _public_key(public):
    from pkcs11 import Attribute

    numbers = rsa.RSAPublicNumbers(
        int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
        int.from_bytes(public[Attribute.MODULUS], "big"),
    )
    return numbers.public_key()


def test_seal_through_pkcs11_and_cli_signer_on_the_token(
    authority, people, tree, document, tmp_path, monkeypatch
):
    import pkcs11
    from pkcs11 import KeyType

    hsm = init_token(monkeypatch)
    token = pkcs11.lib(MODULE).get_token(token_label=hsm.label)
    with token.open(rw=True, user_pin=PIN) as session:
        seal_public, _ = session.generate_keypair(KeyType.RSA, 2048, label="seal", store=True, id=b"\x01")
        person_public, _ = session.generate_keypair(KeyType.RSA, 2048, label="person", store=True, id=b"\x02")
        seal_key, person_key = _public_key(seal_public), _public_key(person_public)
    from cryptography.hazmat.primitives import serialization

    orgs = keys.signing_dir() / "orgs"
    orgs.mkdir(parents=True)
    certificate = authority.issue(
        common_name=tree.xa.name, organisation=tree.xa.name, public_key=seal_key, kind="organisation"
    )
    (orgs / "XA.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (orgs / "root.pem").write_bytes(authority.certificate.public_bytes(serialization.Encoding.PEM))
    (orgs / "XA.pkcs11.json").write_text(
        json.dumps(
            {
                "module": MODULE,
                "token_label": hsm.label,
                "key_label": "seal",
                "certificate": "XA.pem",
                "chain": "root.pem",
                "pin_env": PIN_ENV,
            }
        )
    )
    ca.draw_seal(orgs / "XA.png", tree.xa.name)
    grant(people.secretary, "lanh-dao", tree.xa)
    people.secretary.full_name = "Lê Quang Hùng"  # the certificate's holder
    people.secretary.save()
    person = authority.issue(
        common_name="Lê Quang Hùng", organisation=tree.xa.name, public_key=person_key, kind="person"
    )
    pem = person.public_bytes(serialization.Encoding.PEM) + authority.certificate.public_bytes(
        serialization.Encoding.PEM
    )

    # the person signs on the token through the interrupted flow and the command-line signer
    pending = external_prepare(
        pdf=document, actor=people.secretary, org=tree.xa, places=PLACES, certificates_pem=pem
    )
    (tmp_path / "request.json").write_text(json.dumps(request_json(pending)))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dangvu.signing.cli",
            "--request",
            str(tmp_path / "request.json"),
            "--pkcs11-module",
            MODULE,
            "--token-label",
            hsm.label,
            "--key-label",
            "person",
            "--pin-env",
            PIN_ENV,
            "--out",
            str(tmp_path / "answer.json"),
        ],
        check=True,
    )
    answer = json.loads((tmp_path / "answer.json").read_text())
    signed = external_finish(
        pending_id=pending.id, actor=people.secretary, signature=base64.b64decode(answer["signature"])
    )

    # the văn thư numbers it and the seal is applied through PKCS#11
    result = issue_document(
        pdf=signed,
        actor=people.clerk,
        org=tree.xa,
        places=PLACES,
        number="Số 7-QĐ/ĐU",
        date_text="ngày 01 tháng 12 năm 2026",
    )

    assert (result.state, result.seal_error) == (DocumentState.SEALED, None)
    report = verify_pdf(result.pdf)
    assert [(s.field, s.kind, s.signer, s.valid) for s in report.signatures] == [
        ("ChuKyCaNhan", Kind.PERSONAL, "Lê Quang Hùng", True),
        ("ChuKyToChuc", Kind.ORGANISATION, "Đảng ủy xã An Phú", True),
    ]
