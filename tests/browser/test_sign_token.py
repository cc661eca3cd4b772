"""Signing with the signer's own token from the document's page (the interrupted flow), in a real
browser: the leader gives the certificate exported from their token, downloads the signing request,
signs it with the command-line signer on the token (a SoftHSM2 token here, as the user's USB token
would) and uploads the answer. Someone else's certificate, a stale session, an answer of another
session and a signature over another digest are refused in Vietnamese with nothing changed. The
pages fit 390 and 1366 px."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from dangvu.documents import services, storage
from dangvu.documents.enums import FileKind
from dangvu.documents.models import Document
from dangvu.signing import ca, keys
from dangvu.signing.models import PendingSignature
from dangvu.signing.verify import verify_pdf
from tests.browser.test_documents import Person
from tests.documents.conftest import office  # noqa: F401 - the fixture used below
from tests.documents.test_flow import draft
from tests.signing.conftest import authority, demo_keys, signing_dir  # noqa: F401 - fixtures of office
from tests.signing.pdfsig import needs_pdfsig, pdfsig
from tests.signing.softhsm import init_token, needs_softhsm, person_on_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_softhsm, needs_pdfsig]
SHOTS = os.environ.get("DANGVU_SCREENSHOTS", "")


def cli(*arguments: str) -> None:
    """The command-line signer, as the user runs it beside their token."""
    done = subprocess.run(
        [sys.executable, "-m", "dangvu.signing.cli", *arguments],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr


def shot(person: Person, name: str) -> None:
    person.no_overflow()
    if SHOTS:
        person.page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_sign_with_my_token_from_the_document_page(
    browser,
    live_server,
    office,  # noqa: F811
    tree,
    authority,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    keys.person_key_path(office.leader.username).unlink()  # the server holds no key of theirs
    office.leader.full_name = "Lê Quang Hùng"
    office.leader.save()
    token = init_token(monkeypatch)
    person_on_token(token, authority, full_name="Lê Quang Hùng", organisation="Đảng ủy xã A", label="me")
    cli("--export-certificate", *token.cli(), "--out", str(tmp_path / "chung-thu-so.pem"))
    other = ca.Authority(authority.key, authority.certificate, tmp_path / "other", authority.crl_url)
    stranger = keys._load_pkcs12(
        ca.issue_person(other, username="khac", full_name="Trần Văn Khác", organisation="Đảng ủy xã A")
    )
    (tmp_path / "khac.pem").write_text(keys.to_pem(stranger.certificate))
    document = services.document_approve(actor=office.leader, document=draft(office, tree), comment="Đồng ý")
    other_document = services.document_approve(
        actor=office.leader, document=draft(office, tree, subject="về việc khác"), comment="Đồng ý"
    )

    for width in (390, 1366):
        leader = Person(browser, live_server, office.leader.username, width=width)
        leader.open(document.get_absolute_url())
        assert leader.status() == "Đã duyệt"
        leader.page.click("[data-testid=sign-with-token]")
        leader.page.wait_for_selector("[data-testid=export-command]")
        assert "--export-certificate" in leader.page.inner_text("[data-testid=export-command]")
        shot(leader, f"sign-token-1-{width}")
        if width == 1366:
            break
        leader.close()

    # Someone else's certificate: refused, nothing prepared.
    leader.page.set_input_files("#id_certificate_file", str(tmp_path / "khac.pem"))
    leader.page.fill("#id_token_label", token.label)
    leader.page.click("[data-testid=prepare]")
    assert "không phải của người ký" in leader.page.inner_text(".alert-danger")
    assert PendingSignature.objects.count() == 0

    # Their own certificate, exported from the token: a session, the digest, the command.
    leader.page.set_input_files("#id_certificate_file", str(tmp_path / "chung-thu-so.pem"))
    leader.page.click("[data-testid=prepare]")
    leader.page.wait_for_selector("[data-testid=sign-command]")
    assert leader.page.inner_text("[data-testid=holder]") == "Lê Quang Hùng"
    command = leader.page.inner_text("[data-testid=sign-command]")
    assert f"--token-label {token.label}" in command
    assert "--pkcs11-module /usr/lib/softhsm/libsofthsm2.so" in command
    shot(leader, "sign-token-2-1366")
    leader.page.set_viewport_size({"width": 390, "height": 900})
    shot(leader, "sign-token-2-390")
    leader.page.set_viewport_size({"width": 1366, "height": 900})

    # The session goes stale (15 minutes pass): refused, prepared again.
    PendingSignature.objects.update(expires_at=PendingSignature.objects.get().created_at)
    leader.page.fill("#id_signature", "AAAA")
    leader.page.click("[data-testid=complete]")
    leader.page.wait_for_selector("[data-testid=sign-token-stale]")
    assert "Phiên ký không còn hiệu lực" in leader.page.inner_text("h1")
    assert Document.objects.get(pk=document.pk).status == "approved"
    leader.page.click("[data-testid=prepare-again]")
    leader.page.set_input_files("#id_certificate_file", str(tmp_path / "chung-thu-so.pem"))
    leader.page.click("[data-testid=prepare]")
    leader.page.wait_for_selector("[data-testid=sign-command]")
    digest = leader.page.inner_text("[data-testid=digest]")

    with leader.page.expect_download() as download:
        leader.page.click("[data-testid=download-request]")
    request_file = tmp_path / "yeu-cau-ky.json"
    download.value.save_as(request_file)
    request = json.loads(request_file.read_text())
    assert base64.b64decode(request["digest"]).hex() == digest

    # An answer of another session (the other document's request signed on the same token).
    # (in a thread of its own: Playwright's event loop runs in this one, and signing runs pyHanko's)
    with ThreadPoolExecutor(1) as pool:
        other_session = pool.submit(
            services.document_sign_prepare,
            actor=office.leader,
            document=other_document,
            certificates_pem=(tmp_path / "chung-thu-so.pem").read_bytes(),
        ).result()
    from dangvu.signing.external import signer_request

    (tmp_path / "other.json").write_text(json.dumps(signer_request(other_session), default=str))
    cli("--request", str(tmp_path / "other.json"), *token.cli(), "--out", str(tmp_path / "other-answer.json"))
    leader.page.set_input_files("#id_answer_file", str(tmp_path / "other-answer.json"))
    leader.page.click("[data-testid=complete]")
    assert "phiên ký khác" in leader.page.inner_text(".alert-danger")
    # ... its signature pasted: a signature over another digest.
    other_answer = json.loads((tmp_path / "other-answer.json").read_text())
    leader.page.fill("#id_signature", other_answer["signature"])
    leader.page.click("[data-testid=complete]")
    assert "không khớp" in leader.page.inner_text(".alert-danger")
    assert Document.objects.get(pk=document.pk).status == "approved"
    assert not Document.objects.get(pk=document.pk).files.filter(kind=FileKind.SIGNED).exists()

    # The right answer: signed.
    cli("--request", str(request_file), *token.cli(), "--out", str(tmp_path / "chu-ky.json"))
    leader.page.set_input_files("#id_answer_file", str(tmp_path / "chu-ky.json"))
    leader.page.click("[data-testid=complete]")
    leader.page.wait_for_selector("[data-testid=document-status]")
    assert leader.status() == "Đã ký"
    shot(leader, "sign-token-3-1366")
    leader.close()
    signed = storage.read(Document.objects.get(pk=document.pk).files.get(kind=FileKind.SIGNED))
    with ThreadPoolExecutor(1) as pool:
        [report] = pool.submit(verify_pdf, signed).result().signatures
    assert (report.signer, report.valid) == ("Lê Quang Hùng", True)
    assert pdfsig(signed, tmp_path)["ChuKyCaNhan"]["validation"] == "Signature is Valid."
