"""OCR of scanned documents (Tesseract with Vietnamese data, through OCRmyPDF): a searchable PDF/A beside
the original, its text for the search, and proposals for the register (number and symbol, date, organ,
type) that the clerk confirms — OCR of Vietnamese mangles exactly these strings, so nothing is trusted
blind. Where the tools are not installed, registration works and the page says OCR is off."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings


def ocr_available() -> bool:
    if not getattr(settings, "DANGVU_OCR_ENABLED", True):
        return False
    if shutil.which("ocrmypdf") is None or shutil.which("tesseract") is None:
        return False
    try:
        languages = subprocess.run(
            ["tesseract", "--list-langs"],  # noqa: S607 - the system's tesseract, found on PATH above
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "vie" in languages.split()


def ocr_pdf(content: bytes, *, image: bool = False, timeout: int = 600) -> tuple[bytes, str]:
    """(searchable PDF/A, its text) from a scanned PDF or image."""
    with tempfile.TemporaryDirectory(prefix="dangvu-ocr-") as folder:
        source = Path(folder) / ("in.png" if image else "in.pdf")
        target, sidecar = Path(folder) / "out.pdf", Path(folder) / "out.txt"
        source.write_bytes(content)
        command = [
            "ocrmypdf",
            "--language",
            "vie",
            "--output-type",
            "pdfa",
            "--sidecar",
            str(sidecar),
            "--jobs",
            "1",
            "--quiet",
        ]
        if image:
            command += ["--image-dpi", "300"]
        else:
            command += ["--skip-text"]
        # Fixed arguments and our own temporary paths: nothing from the user reaches the command line.
        subprocess.run(  # noqa: S603
            [*command, str(source), str(target)], check=True, timeout=timeout, capture_output=True
        )
        return target.read_bytes(), sidecar.read_text(encoding="utf-8", errors="replace")
