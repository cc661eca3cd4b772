"""The signing API: the trust roots (a contract), the revocation list, verification; the demo CA command."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from dangvu.accounts.models import Role
from dangvu.signing import keys
from dangvu.signing.services import sign_personal
from tests.signing.conftest import PLACES

pytestmark = pytest.mark.django_db


def test_trust_roots_are_served_as_pem_without_login(authority):
    response = Client().get("/api/v1/signing/trust-roots")
    assert (response.status_code, response["Content-Type"]) == (200, "application/x-pem-file")
    assert response.content.decode() == "".join(keys.to_pem(c) for c in keys.trust_roots())
    assert response.content.decode().count("BEGIN CERTIFICATE") == 1


def test_the_crl_is_served(authority):
    response = Client().get("/api/v1/signing/crl/dangvu-demo-root.crl")
    assert (response.status_code, response.content) == (
        200,
        (keys.signing_dir() / "crl" / "dangvu-demo-root.crl").read_bytes(),
    )
    assert Client().get("/api/v1/signing/crl/missing.crl").status_code == 404


def test_verify_endpoint_reports_each_signature(demo_keys, document, people, tree):
    signed = sign_personal(pdf=document, actor=people.secretary, org=tree.xa, places=PLACES)
    client = Client()
    client.force_login(people.clerk)
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = client.post("/api/v1/signing/verify", {"pdf": SimpleUploadedFile("vb.pdf", signed)}).json()
    assert body["valid"] is True
    assert [(s["field"], s["kind"], s["signer"], s["revocation"]) for s in body["signatures"]] == [
        ("ChuKyCaNhan", "personal", "Lê Quang Hùng", "good")
    ]
    refused = client.post("/api/v1/signing/verify", {"pdf": SimpleUploadedFile("x.pdf", b"hello")})
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "not_pdf")
    assert refused.json()["error"]["message_en"] == "The file sent is not a PDF."
    client.force_login(people.nobody)
    assert (
        client.post("/api/v1/signing/verify", {"pdf": SimpleUploadedFile("vb.pdf", signed)}).status_code
        == 403
    )


def test_default_grants_give_leaders_signing_and_clerks_the_seal(db):
    roles = {r.code: set(r.permissions) for r in Role.objects.all()}
    assert {"signing.sign", "signing.verify"} <= roles["lanh-dao"]
    assert {"signing.seal", "signing.verify"} <= roles["van-thu"]
    assert "signing.seal" not in roles["lanh-dao"]


def test_demo_ca_command_issues_keys_for_leaders_and_committees(signing_dir, people, tree):
    from tests.conftest import grant

    grant(people.secretary, "lanh-dao", tree.xa)
    call_command("signing_demo_ca")
    assert sorted(p.name for p in (signing_dir / "people").iterdir()) == ["secretary.p12"]
    assert sorted(p.name for p in (signing_dir / "orgs").iterdir()) == [
        "A1.p12",
        "A1.png",
        "XA.p12",
        "XA.png",
    ]  # the chi bộ A1 (its bí thư signs) and XA
    key_file = (signing_dir / "ca" / "dangvu-demo-root.key").read_bytes()
    assert key_file.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    credential = keys.load_credential(signing_dir / "orgs" / "XA.p12")
    assert credential.certificate.subject.native["common_name"] == "Đảng ủy xã An Phú"
