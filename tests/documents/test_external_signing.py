"""Signing an outgoing document with a key outside the server (the leader's USB token through the
browser; here the command-line signer and a key file that the server never sees):
``POST /api/v1/documents/{id}/sign/prepare`` → the signer signs → ``…/sign/complete``; then the
clerk issues it. Refusals (someone else's certificate, a stale session, a signature over another
digest) change nothing."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pyhanko.sign.signers import SimpleSigner

from dangvu.audit.models import AuditEntry
from dangvu.documents import services, storage
from dangvu.documents.enums import FileKind
from dangvu.documents.models import Document, DocumentFile
from dangvu.signing import ca, keys
from dangvu.signing.models import PendingSignature
from dangvu.signing.verify import Kind, verify_pdf
from tests.documents.test_api import client_for
from tests.documents.test_flow import draft
from tests.signing.pdfsig import needs_pdfsig, pdfsig
from tests.signing.softhsm import init_token, needs_softhsm, person_on_token

pytestmark = pytest.mark.django_db

PASSPHRASE_ENV = "DANGVU_TEST_TOKEN_PASSPHRASE"


@pytest.fixture
def token(office, authority, tmp_path, settings, monkeypatch):
    """The leader's personal key on "their token" (a file outside the server's signing directory);
    the server keeps no personal key for them."""
    keys.person_key_path(office.leader.username).unlink()
    office.leader.full_name = "Lê Quang Hùng"
    office.leader.save()
    own = ca.Authority(authority.key, authority.certificate, tmp_path / "token", authority.crl_url)
    path = ca.issue_person(
        own, username=office.leader.username, full_name="Lê Quang Hùng", organisation="Đảng ủy xã A"
    )
    monkeypatch.setenv(PASSPHRASE_ENV, settings.DANGVU_SIGNING_KEY_PASSPHRASE)
    return path


def pem_of(path) -> str:
    credential = keys._load_pkcs12(path)
    return "".join(keys.to_pem(c) for c in (credential.certificate, *credential.chain))


def approved(office, tree) -> Document:
    document = draft(office, tree)
    return services.document_approve(actor=office.leader, document=document, comment="Đồng ý")


def prepare(client, document, certificate: str):
    return client.post(
        f"/api/v1/documents/{document.pk}/sign/prepare",
        {"certificate": certificate},
        content_type="application/json",
    )


def cli_sign(request: dict, key, tmp_path) -> dict:
    """The command-line signer, as a separate process with only the request and the key file."""
    (tmp_path / "request.json").write_text(json.dumps(request))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dangvu.signing.cli",
            "--request",
            str(tmp_path / "request.json"),
            "--key",
            str(key),
            "--passphrase-env",
            PASSPHRASE_ENV,
            "--out",
            str(tmp_path / "answer.json"),
        ],
        check=True,
        env=os.environ.copy(),
    )
    answer: dict = json.loads((tmp_path / "answer.json").read_text())
    return answer


def complete(client, document, body: dict):
    return client.post(
        f"/api/v1/documents/{document.pk}/sign/complete", body, content_type="application/json"
    )


def world(document: Document) -> tuple:
    """What a refusal must leave as it was."""
    document.refresh_from_db()
    return (
        document.status,
        document.updated_at,
        DocumentFile.objects.filter(document=document).count(),
        PendingSignature.objects.count(),
        AuditEntry.objects.count(),
    )


@needs_pdfsig
def test_prepare_sign_outside_complete_then_issue(office, tree, token, tmp_path):
    leader, clerk = client_for(office.leader), client_for(office.clerk)
    document = approved(office, tree)
    # The server holds no key for the leader: the one-step signature is refused.
    refused = leader.post(f"/api/v1/documents/{document.pk}/sign", {}, content_type="application/json")
    assert refused.status_code == 422, refused.content

    prepared = prepare(leader, document, pem_of(token))
    assert prepared.status_code == 200, prepared.content
    request = prepared.json()
    assert request["algorithm"] == "sha256"
    assert request["requirements"]["holder"] == "Lê Quang Hùng"
    assert request["requirements"]["key_usage"] == ["non_repudiation"]
    assert len(request["requirements"]["trust_roots_sha256"]) == 1
    document.refresh_from_db()
    assert document.status == "approved"  # nothing signed yet

    answer = cli_sign(request, token, tmp_path)
    assert "PRIVATE" not in json.dumps(answer)
    done = complete(
        leader,
        document,
        {
            "session": answer["session"],
            "signature": answer["signature"],
            "certificate": answer["certificate"],
        },
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "signed"
    assert PendingSignature.objects.count() == 0
    assert AuditEntry.objects.filter(event="documents.sign", object_id=str(document.pk)).exists()
    assert AuditEntry.objects.filter(event="documents.sign_prepare", object_id=str(document.pk)).exists()

    document.refresh_from_db()
    signed = storage.read(document.files.get(kind=FileKind.SIGNED))
    [report] = verify_pdf(signed).signatures
    assert (report.signer, report.kind, report.valid, report.intact) == (
        "Lê Quang Hùng",
        Kind.PERSONAL,
        True,
        True,
    )
    checked = pdfsig(signed, tmp_path)["ChuKyCaNhan"]
    assert checked["validation"] == "Signature is Valid."
    assert checked["signer"] == "Lê Quang Hùng"

    # The clerk issues it as after the one-step signature: number, date, seal.
    issued = clerk.post(f"/api/v1/documents/{document.pk}/issue", {}, content_type="application/json")
    assert issued.status_code == 200, issued.content
    assert issued.json()["status"] == "issued"
    assert issued.json()["number"] == f"01-NQ/{tree.xa.abbreviation}"
    document.refresh_from_db()
    final = storage.read(document.files.get(kind=FileKind.ISSUED))
    report = verify_pdf(final)
    assert report.valid
    assert [(s.field, s.kind) for s in report.signatures] == [
        ("ChuKyCaNhan", Kind.PERSONAL),
        ("ChuKyToChuc", Kind.ORGANISATION),
    ]
    both = pdfsig(final, tmp_path)
    assert both["ChuKyCaNhan"]["validation"] == both["ChuKyToChuc"]["validation"] == "Signature is Valid."


def test_a_cms_container_over_the_document_digest_is_accepted(office, tree, token):
    """Signers that build their own CMS (browser extensions of USB tokens) sign the document digest."""
    leader = client_for(office.leader)
    document = approved(office, tree)
    request = prepare(leader, document, pem_of(token)).json()
    signer = SimpleSigner.load_pkcs12(str(token), passphrase=keys.passphrase())
    container = asyncio.run(
        signer.async_sign(base64.b64decode(request["document_digest"]), "sha256", use_pades=True)
    )
    done = complete(
        leader,
        document,
        {"session": request["session"], "signature": base64.b64encode(container.dump()).decode()},
    )
    assert done.status_code == 200, done.content
    document.refresh_from_db()
    assert verify_pdf(storage.read(document.files.get(kind=FileKind.SIGNED))).valid


def test_someone_elses_certificate_is_refused_at_prepare(office, tree, token, authority, tmp_path):
    leader = client_for(office.leader)
    document = approved(office, tree)
    other = ca.Authority(authority.key, authority.certificate, tmp_path / "other", authority.crl_url)
    stranger = ca.issue_person(other, username="khac", full_name="Trần Văn Khác", organisation="Đảng ủy xã A")
    organisation = pem_of(keys.org_key_path("XA"))
    before = world(document)
    for certificate in (pem_of(stranger), organisation):
        refused = prepare(leader, document, certificate)
        assert refused.status_code == 422, refused.content
        assert world(document) == before
    assert "không phải của người ký" in prepare(leader, document, pem_of(stranger)).json()["error"]["message"]


def test_a_wrong_certificate_a_stale_session_and_another_digest_are_refused(
    office, tree, token, authority, tmp_path
):
    leader = client_for(office.leader)
    document = approved(office, tree)
    request = prepare(leader, document, pem_of(token)).json()
    answer = cli_sign(request, token, tmp_path)
    before = world(document)

    # The certificate sent back is not the prepared one (another certificate of the same person).
    second = ca.Authority(authority.key, authority.certificate, tmp_path / "second", authority.crl_url)
    other_key = ca.issue_person(
        second, username=office.leader.username, full_name="Lê Quang Hùng", organisation="Đảng ủy xã A"
    )
    refused = complete(
        leader,
        document,
        {"session": answer["session"], "signature": answer["signature"], "certificate": pem_of(other_key)},
    )
    assert refused.status_code == 422, refused.content
    assert world(document) == before
    # ... and a signature made with that other key over the right data does not verify.
    forged = cli_sign(request, other_key, tmp_path)
    refused = complete(leader, document, {"session": answer["session"], "signature": forged["signature"]})
    assert refused.status_code == 422, refused.content
    assert world(document) == before

    # A signature over another digest: the request of another document.
    document_b = approved(office, tree)
    request_b = prepare(leader, document_b, pem_of(token)).json()
    before = world(document)
    answer_b = cli_sign(request_b, token, tmp_path)
    refused = complete(leader, document, {"session": answer["session"], "signature": answer_b["signature"]})
    assert refused.status_code == 422, refused.content
    assert "không khớp" in refused.json()["error"]["message"]
    assert world(document) == before
    # ... as a CMS container over the other document's digest.
    signer = SimpleSigner.load_pkcs12(str(token), passphrase=keys.passphrase())
    container = asyncio.run(
        signer.async_sign(base64.b64decode(request_b["document_digest"]), "sha256", use_pades=True)
    )
    refused = complete(
        leader,
        document,
        {"session": answer["session"], "signature": base64.b64encode(container.dump()).decode()},
    )
    assert refused.status_code == 422, refused.content
    assert "nội dung khác" in refused.json()["error"]["message"]
    assert world(document) == before
    # ... and a session of the other document.
    refused = complete(
        leader, document, {"session": request_b["session"], "signature": answer_b["signature"]}
    )
    assert refused.status_code == 422, refused.content
    assert world(document) == before

    # Someone else cannot use the leader's session.
    secretary_b = client_for(office.leader_b)
    before = world(document)
    assert complete(
        secretary_b, document, {"session": answer["session"], "signature": answer["signature"]}
    ).status_code in (403, 404)
    assert world(document) == before

    # Stale: expired after 15 minutes ...
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        refused = complete(leader, document, {"session": answer["session"], "signature": answer["signature"]})
        assert refused.status_code == 422, refused.content
        assert "không còn hiệu lực" in refused.json()["error"]["message"]
        assert world(document) == before
    # ... or prepared before the draft last changed.
    Document.objects.filter(pk=document.pk).update(updated_at=timezone.now() + timedelta(seconds=1))
    before = world(document)
    refused = complete(leader, document, {"session": answer["session"], "signature": answer["signature"]})
    assert refused.status_code == 422, refused.content
    assert world(document) == before

    # Bad input: not base64, not a signature at all.
    assert complete(leader, document, {"session": answer["session"], "signature": "***"}).status_code == 422
    assert world(document) == before


def test_the_one_step_signature_still_works(office, tree):
    leader = client_for(office.leader)
    document = approved(office, tree)
    signed = leader.post(f"/api/v1/documents/{document.pk}/sign", {}, content_type="application/json")
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "signed"


def cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dangvu.signing.cli", *arguments],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )


@needs_softhsm
@needs_pdfsig
def test_a_signer_with_only_a_token_prepares_signs_and_completes(
    office, tree, authority, tmp_path, monkeypatch
):
    """Everything comes from the token: the command-line signer exports its certificate for
    ``/sign/prepare``, finds the certificate the request names and the key beside it, and answers
    with that certificate."""
    keys.person_key_path(office.leader.username).unlink()  # no key of theirs on the server
    office.leader.full_name = "Lê Quang Hùng"
    office.leader.save()
    token = init_token(monkeypatch)
    mine = person_on_token(
        token, authority, full_name="Lê Quang Hùng", organisation="Đảng ủy xã A", label="le-quang-hung"
    )
    # Someone else's certificate on the same token (a shared office token): chosen by the request.
    person_on_token(token, authority, full_name="Trần Văn Khác", organisation="Đảng ủy xã A", label="khac")

    exported = cli(
        "--export-certificate",
        *token.cli(),
        "--cert-label",
        "le-quang-hung",
        "--out",
        str(tmp_path / "me.pem"),
    )
    assert exported.returncode == 0, exported.stderr
    pem = (tmp_path / "me.pem").read_text()
    assert [c.dump() for c in keys.load_certificates(pem.encode())] == [mine, keys.trust_roots()[0].dump()]

    leader = client_for(office.leader)
    document = approved(office, tree)
    prepared = prepare(leader, document, pem)
    assert prepared.status_code == 200, prepared.content
    (tmp_path / "request.json").write_text(prepared.content.decode())

    signed = cli(
        "--request", str(tmp_path / "request.json"), *token.cli(), "--out", str(tmp_path / "answer.json")
    )
    assert signed.returncode == 0, signed.stderr
    answer = json.loads((tmp_path / "answer.json").read_text())
    assert keys.load_certificates(answer["certificate"].encode())[0].dump() == mine
    done = complete(leader, document, answer)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "signed"
    final = storage.read(Document.objects.get(pk=document.pk).files.get(kind=FileKind.SIGNED))
    [report] = verify_pdf(final).signatures
    assert (report.signer, report.valid) == ("Lê Quang Hùng", True)
    assert pdfsig(final, tmp_path)["ChuKyCaNhan"]["validation"] == "Signature is Valid."


@needs_softhsm
def test_the_token_signer_refuses_a_request_for_a_certificate_it_does_not_hold(
    office, tree, token, authority, tmp_path, monkeypatch
):
    hsm = init_token(monkeypatch)
    person_on_token(hsm, authority, full_name="Lê Quang Hùng", organisation="Đảng ủy xã A", label="me")
    leader = client_for(office.leader)
    document = approved(office, tree)
    # Prepared for the key file's certificate, not the token's.
    (tmp_path / "request.json").write_text(prepare(leader, document, pem_of(token)).content.decode())
    refused = cli(
        "--request", str(tmp_path / "request.json"), *hsm.cli(), "--out", str(tmp_path / "answer.json")
    )
    assert refused.returncode == 2
    assert "no certificate matching the request" in refused.stderr
    assert not (tmp_path / "answer.json").exists()
    # Asked for a certificate by a label the token does not hold.
    missing = cli(
        "--export-certificate", *hsm.cli(), "--cert-label", "nobody", "--out", str(tmp_path / "x.pem")
    )
    assert (missing.returncode, missing.stderr.count("0 matching certificates")) == (2, 1)
