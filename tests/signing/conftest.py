"""Fixtures of the signing tests: a demo CA in a temporary signing directory (certificates valid at the
suite's frozen instant, 1/12/2026 08:30), a Party document with empty number and date fields, and an
RFC 3161 timestamp server on 127.0.0.1 (pyHanko's in-process TSA behind a real HTTP socket)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import tsp
from pyhanko.sign.timestamps import DummyTimeStamper

from dangvu.core.pdf import PartyPdf
from dangvu.signing import ca, keys, pathcache, trust
from dangvu.signing.pdfdoc import TextFieldSpec, add_text_fields
from dangvu.signing.services import Places
from tests.conftest import grant

PLACES = Places(number_field="so_van_ban", date_field="ngay_van_ban", page=0, box=(330, 560, 561, 640))


@pytest.fixture
def signing_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.DANGVU_SIGNING_DIR = tmp_path / "signing"
    settings.DANGVU_SIGNING_TSA_URL = ""
    keys.clear_cache()
    trust._checked.clear()
    pathcache.PATHS.clear()
    yield tmp_path / "signing"
    keys.clear_cache()
    trust._checked.clear()
    pathcache.PATHS.clear()


@pytest.fixture
def authority(signing_dir: Path) -> ca.Authority:
    return ca.open_or_create_root(signing_dir)


@dataclass
class Keys:
    leader: Path
    seal: Path


@pytest.fixture
def demo_keys(authority: ca.Authority, people: Any, tree: Any) -> Keys:
    """The secretary leads the commune XA (may sign), the clerk is its văn thư (may seal)."""
    grant(people.secretary, "lanh-dao", tree.xa)
    leader = ca.issue_person(
        authority, username="secretary", full_name="Lê Quang Hùng", organisation=tree.xa.name
    )
    seal = ca.issue_organisation(authority, code="XA", name=tree.xa.name)
    return Keys(leader, seal)


def party_document(body: str = "Nội dung quyết định về việc thử nghiệm ký số văn bản. ") -> bytes:
    pdf = PartyPdf(title="Quyết định")
    pdf.header_block(superior="Tỉnh ủy Ninh Bình", issuer="Đảng ủy xã An Phú")
    pdf.heading("Quyết định", "về việc thử nghiệm ký số")
    pdf.line_text(body * 12)
    return add_text_fields(
        pdf.to_bytes(),
        [
            TextFieldSpec(PLACES.number_field, 0, (40, 742, 250, 760)),
            TextFieldSpec(PLACES.date_field, 0, (300, 742, 570, 760)),
        ],
    )


@pytest.fixture
def document() -> bytes:
    return party_document()


@pytest.fixture
def tsa_url(authority: ca.Authority, settings: Any) -> Iterator[str]:
    """A timestamp server on 127.0.0.1 signing with the demo CA's TSA certificate."""
    credential = keys.load_credential(ca.issue_tsa(authority))
    stamper = DummyTimeStamper(
        tsa_cert=credential.certificate,
        tsa_key=credential.signer.signing_key,  # type: ignore[attr-defined]
        certs_to_embed=[credential.certificate, *credential.chain],
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = asyncio.run(stamper.async_request_tsa_response(request)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    settings.DANGVU_SIGNING_TSA_URL = url
    yield url
    server.shutdown()
    server.server_close()
