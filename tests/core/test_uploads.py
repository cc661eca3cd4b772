"""Hostile uploads are refused before they are unpacked or stored: zip bombs, encrypted archives,
bodies over the one cap, on the web and the API alike."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dangvu.accounts.services import api_token_create
from dangvu.core.uploads import HostileFile, check_zip
from dangvu.members.importer import ImportError_, run_import
from dangvu.members.models import Member, MemberImport

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def xlsx_bomb(unpacked_mb: int = 300) -> bytes:
    """A real .xlsx whose first sheet unpacks to ``unpacked_mb`` MB of one repeated row (≈ 300 KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
        row = b'<row><c t="inlineStr"><is><t>Nguyen Van A</t></is></c></row>' * 16384
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b"<worksheet><sheetData>")
            written = 0
            while written < unpacked_mb * MB:
                sheet.write(row)
                written += len(row)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return xlsx_bomb()


def test_a_zip_bomb_is_refused_by_its_declared_sizes_fast_and_without_memory(tree, people, bomb):
    assert len(bomb) < 2 * MB
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ImportError_, match="bom nén"):
        run_import(actor=people.province, org=tree.xa, upload=SimpleUploadedFile("a.xlsx", bomb))
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 100 * MB  # the 2 MB file itself and a few copies, never the 300 MB sheet
    assert Member.objects.count() == 0


def test_archives_are_judged_by_their_directory():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(2001):
            archive.writestr(f"x{index}.xml", "")
    with pytest.raises(HostileFile, match="quá nhiều thành phần"):
        check_zip(io.BytesIO(buffer.getvalue()))
    encrypted = bytearray(_small_zip())
    # Set the "encrypted" flag in the local header and the central directory entry.
    encrypted[6] |= 1
    central = encrypted.find(b"PK\x01\x02")
    encrypted[central + 8] |= 1
    with pytest.raises(HostileFile, match="mật khẩu") as refused:
        check_zip(io.BytesIO(bytes(encrypted)))
    assert refused.value.code == "encrypted"
    with pytest.raises(HostileFile) as not_zip:
        check_zip(io.BytesIO(b"PK\x03\x04 truncated"))
    assert not_zip.value.code == "not_archive"
    assert check_zip(io.BytesIO(_small_zip())).namelist() == ["a.xml"]


def _small_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", "<a/>" * 100)
    return buffer.getvalue()


def test_the_web_import_refuses_the_bomb_and_stores_nothing_over_the_cap(
    tree, people, bomb, settings, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(people.province)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/members/import/",
            {"file": SimpleUploadedFile("bom.xlsx", bomb), "org": tree.xa.pk, "mode": "all"},
        )
    job = MemberImport.objects.get()
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == MemberImport.Status.FAILED
    assert "bom nén" in job.message
    settings.DANGVU_UPLOAD_MAX_MB = 1
    big = client.post(
        "/members/import/",
        {"file": SimpleUploadedFile("lon.csv", b"x" * (2 * MB)), "org": tree.xa.pk, "mode": "all"},
    )
    assert big.status_code == 413
    assert "Tệp quá lớn: tối đa 1 MB" in big.content.decode()
    assert MemberImport.objects.count() == 1  # nothing stored for the refused body


def test_the_api_applies_the_same_cap(tree, people, settings):
    settings.DANGVU_UPLOAD_MAX_MB = 1
    token = api_token_create(actor=people.province, user=people.province, name="t")[1]
    response = Client().post(
        f"/api/v1/members/import?org={tree.xa.pk}",
        {"file": SimpleUploadedFile("lon.csv", b"x" * (2 * MB))},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_an_archive_declaring_an_unknown_zip_version_is_not_an_archive():
    damaged = bytearray(_small_zip())
    central = damaged.find(b"PK\x01\x02")
    damaged[central + 6] = 0xFF  # "version needed to extract": 25.5
    with pytest.raises(HostileFile) as refused:
        check_zip(io.BytesIO(bytes(damaged)))
    assert refused.value.code == "not_archive"
