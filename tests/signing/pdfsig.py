"""poppler's ``pdfsig`` as the independent validator: run it and parse what it says per signature."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

needs_pdfsig = pytest.mark.skipif(
    shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) not installed"
)


def pdfsig(pdf: bytes, tmp_path: Path) -> dict[str, dict[str, str]]:
    """``{field name: {"ranges": "[0 - 123], [456 - 789]", "total": "no", "validation": ..., "certificate": ...}}``."""
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    command = ["pdfsig", "-nocert", str(path)]
    output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    result: dict[str, dict[str, str]] = {}
    for block in re.split(r"^Signature #\d+:\n", output, flags=re.M)[1:]:
        name = re.search(r"Signature Field Name: (.*)", block)
        assert name is not None, block
        fields: dict[str, str] = {}
        if match := re.search(r"Signed Ranges: (.*)", block):
            fields["ranges"] = match.group(1)
        if "not signed" in block:
            fields["signed"] = "no"
        fields["total"] = "yes" if "- Total document signed" in block else "no"
        if match := re.search(r"Signature Validation: (.*)", block):
            fields["validation"] = match.group(1)
        if match := re.search(r"Certificate Validation: (.*)", block):
            fields["certificate"] = match.group(1)
        if match := re.search(r"Signer Certificate Common Name: (.*)", block):
            fields["signer"] = match.group(1)
        result[name.group(1)] = fields
    return result


def revision_ends(pdf: bytes) -> list[int]:
    """Byte length of each revision (each ``%%EOF`` marker and its line end)."""
    ends = []
    for match in re.finditer(rb"%%EOF(\r\n|\r|\n)?", pdf):
        ends.append(match.end())
    return ends
