"""Interrupted signing with the command-line signer: the server never holds the person's key."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dangvu.signing import ca, keys
from dangvu.signing.errors import SigningError
from dangvu.signing.external import external_finish, external_prepare, request_json
from dangvu.signing.models import PendingSignature
from dangvu.signing.verify import Kind, verify_pdf
from tests.conftest import grant
from tests.signing.conftest import PLACES

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_key(authority, people, tree, tmp_path):
    """A person's key kept outside the server's signing directory (their USB token's stand-in)."""
    grant(people.secretary, "lanh-dao", tree.xa)
    people.secretary.full_name = "Lê Quang Hùng"  # the certificate's holder
    people.secretary.save()
    own = ca.Authority(authority.key, authority.certificate, tmp_path / "own", authority.crl_url)
    path = ca.issue_person(own, username="secretary", full_name="Lê Quang Hùng", organisation=tree.xa.name)
    assert not keys.person_key_path("secretary").exists()
    return path


def _certificates_pem(path):
    credential = keys._load_pkcs12(path)
    return "".join(keys.to_pem(c) for c in (credential.certificate, *credential.chain)).encode()


def test_the_cli_signer_signs_what_the_server_prepared(token_key, document, people, tree, tmp_path, settings):
    pending = external_prepare(
        pdf=document,
        actor=people.secretary,
        org=tree.xa,
        places=PLACES,
        certificates_pem=_certificates_pem(token_key),
    )
    request = tmp_path / "request.json"
    request.write_text(json.dumps(request_json(pending)))
    answer = tmp_path / "answer.json"
    environment = {**os.environ, "MY_PASS": settings.DANGVU_SIGNING_KEY_PASSPHRASE}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dangvu.signing.cli",
            "--request",
            str(request),
            "--key",
            str(token_key),
            "--passphrase-env",
            "MY_PASS",
            "--out",
            str(answer),
        ],
        check=True,
        env=environment,
    )
    reply = json.loads(answer.read_text())
    assert reply["id"] == str(pending.id)

    signed = external_finish(
        pending_id=pending.id,
        actor=people.secretary,
        signature=__import__("base64").b64decode(reply["signature"]),
    )

    [report] = verify_pdf(signed).signatures
    assert (report.signer, report.kind, report.valid) == ("Lê Quang Hùng", Kind.PERSONAL, True)
    assert PendingSignature.objects.count() == 0


def test_a_wrong_signature_is_refused_and_nothing_is_embedded(token_key, document, people, tree):
    pending = external_prepare(
        pdf=document,
        actor=people.secretary,
        org=tree.xa,
        places=PLACES,
        certificates_pem=_certificates_pem(token_key),
    )
    with pytest.raises(SigningError) as refused:
        external_finish(pending_id=pending.id, actor=people.secretary, signature=b"\x00" * 256)
    assert refused.value.code == "bad_signature"
    assert PendingSignature.objects.filter(pk=pending.pk).exists()
    with pytest.raises(SigningError) as someone_else:
        external_finish(pending_id=pending.id, actor=people.clerk, signature=b"\x00" * 256)
    assert someone_else.value.code == "pending_missing"
