"""Registering a 20-page scan through the API returns at once: OCR runs later, in a background job.

A 20-page scan (each page a different Party-format page, rendered at 200 dpi as a scanner would,
no text layer) is sent to ``POST /api/v1/documents/incoming`` with a bearer token, ``REPEAT`` times;
the request's wall time is reported (target: ≤ 1 s) beside the time the OCR job then takes when run
(``processing.run_ocr``, the job's work), which the request does not wait for.

Runs against ``DANGVU_BENCH_DATABASE_URL`` (bench/common.py), migrated if needed; it adds to the unit
made by bench_document_issue.py ("Đảng ủy xã Bench-Issue", created here too if missing).

    .venv/bin/python bench/bench_document_upload.py [PAGES] [REPEAT]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402 - the path first

FONTS = ROOT / "dangvu" / "core" / "fonts"


def scanned_pdf(pages: int, directory: Path) -> bytes:
    """``pages`` different pages of text, rasterised at 200 dpi and packed into a PDF of images."""
    from fpdf import FPDF

    text = FPDF(format="A4")
    text.add_font("serif", "", str(FONTS / "LiberationSerif-Regular.ttf"))
    for page in range(pages):
        text.add_page()
        text.set_font("serif", "", 13)
        text.multi_cell(
            0,
            7,
            f"ĐẢNG BỘ TỈNH NINH BÌNH — ĐẢNG CỘNG SẢN VIỆT NAM\nSố 27-NQ/TU — Trang {page + 1}\n"
            + "Đảng ủy quyết nghị đẩy mạnh chuyển đổi số trong công tác văn thư, lưu trữ. " * 25,
        )
    source = directory / "text.pdf"
    source.write_bytes(bytes(text.output()))
    subprocess.run(
        ["pdftoppm", "-png", "-gray", "-r", "200", str(source), str(directory / "page")], check=True
    )
    scan = FPDF(format="A4")
    for image in sorted(directory.glob("page-*.png")):
        scan.add_page()
        scan.image(str(image), x=0, y=0, w=210, h=297)
    return bytes(scan.output())


def main(pages: int = 20, repeat: int = 5) -> None:
    common.create_database()
    os.environ.setdefault("DANGVU_JOBS_IMMEDIATE", "0")  # the job is queued, as in production
    common.setup_django()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from dangvu.accounts.services import api_token_create
    from dangvu.documents import processing
    from dangvu.documents.models import Document
    from dangvu.orgs.models import Org
    from dangvu.orgs.services import org_create
    from tests.conftest import grant, make_user, org_type

    users = get_user_model().objects
    admin = users.filter(username="bench-issue-admin").first() or make_user(
        "bench-issue-admin", superuser=True
    )
    org = Org.objects.filter(code="BENCHISSUE").first() or org_create(
        actor=admin, name="Đảng ủy xã Bench-Issue", code="BENCHISSUE", org_type=org_type("dang-bo-xa")
    )
    clerk = users.filter(username="bench-issue-clerk").first()
    if clerk is None:
        clerk = make_user("bench-issue-clerk")
        grant(clerk, "van-thu", org)
    token = api_token_create(actor=clerk, user=clerk, name="bench-upload")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    with tempfile.TemporaryDirectory() as directory:
        content = scanned_pdf(pages, Path(directory))
    print(f"scan: {pages} pages, {len(content) / 1e6:.1f} MB")
    seconds, ids = [], []
    for i in range(repeat):
        started = time.perf_counter()
        response = client.post(
            "/api/v1/documents/incoming",
            {
                "org": org.pk,
                "doc_type": "CV",
                "subject": f"Bản quét {pages} trang số {i}",
                "sender_name": "Tỉnh ủy Ninh Bình",
                "file": SimpleUploadedFile("scan.pdf", content, content_type="application/pdf"),
            },
        )
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    statuses = sorted({Document.objects.get(pk=pk).ocr_status for pk in ids})
    warm = seconds[1:] or seconds
    print(
        f"upload request: first (cold process: imports, caches) {seconds[0]:.3f} s; then median "
        f"{statistics.median(warm):.3f} s, worst {max(warm):.3f} s (target ≤ 1 s: "
        f"{'met' if max(warm) <= 1 else 'NOT met'}); OCR status after the request: {statuses}"
    )
    if os.environ.get("BENCH_SKIP_OCR"):
        return
    started = time.perf_counter()
    processing.run_ocr(ids[0])
    print(f"the OCR job for one scan (run afterwards, not waited for): {time.perf_counter() - started:.1f} s")
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:]])
