"""Importing members from CSV and Excel: mapping, row-by-row problems, all-or-nothing, re-import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry
from dangvu.audit.services import verify_chain
from dangvu.members import rollups
from dangvu.members.importer import ImportError_, run_import
from dangvu.members.models import Member

pytestmark = pytest.mark.django_db

HEADER = "Họ và tên,Giới tính,Ngày sinh,Số CCCD,Ngày vào Đảng,Ngày chính thức,Trạng thái,Dân tộc,Mã chi bộ\n"
GOOD = [
    "Nguyễn Văn An,Nam,12/05/1980,001080000001,01/03/2005,01/03/2006,Chính thức,Kinh,A1",
    "Trần Thị Bình,Nữ,1975,001175000002,15/08/2000,15/08/2001,Chính thức,Tày,A2",
    "Lê Văn Cường,nam,05/1990,001090000003,10/10/2025,,Dự bị,,A1",
]


def upload(text, name="members.csv", bom=True):
    data = ("\ufeff" if bom else "") + text
    return SimpleUploadedFile(name, data.encode("utf-8"))


def test_dry_run_reports_and_writes_nothing(tree, people):
    report = run_import(
        actor=people.province, org=tree.xa, upload=upload(HEADER + "\n".join(GOOD)), dry_run=True
    )
    assert (report.total_rows, report.valid_rows, report.problems) == (3, 3, [])
    assert report.mapping["Họ và tên"] == "full_name"
    assert report.mapping["Mã chi bộ"] == "org"
    assert not Member.objects.exists()


def test_import_creates_members_with_history_rollups_and_audit(tree, people):
    report = run_import(
        actor=people.province, org=tree.xa, upload=upload(HEADER + "\n".join(GOOD)), dry_run=False
    )
    assert (report.created, report.imported) == (3, True)
    an = Member.objects.get(cccd="001080000001")
    assert (an.org_id, an.status, an.birth_date_display(), an.ethnicity.name) == (
        tree.a1.pk,
        "official",
        "12/05/1980",
        "Kinh",
    )
    assert Member.objects.get(cccd="001175000002").birth_date_display() == "1975"
    assert an.org_periods.count() == 1
    assert an.status_changes.count() == 1
    assert rollups.counts_of(tree.xa) == rollups.recount(tree.xa)
    assert AuditEntry.objects.filter(event="members.import").count() == 3
    assert verify_chain().ok


def test_every_bad_row_is_reported_with_its_line_and_column(tree, people):
    rows = [
        GOOD[0],
        ",Nam,12/05/1980,001080000009,,,,,A1",  # line 3: no name
        "Phạm Văn Dũng,Khác,31/02/1980,12345,,,,,A1",  # line 4: sex, date, CCCD
        "Đỗ Thị Em,Nữ,01/01/1990,001080000001,,,,,A1",  # line 5: CCCD repeats line 2
        "Vũ Văn Phong,Nam,01/01/1990,,01/01/2030,,,,ZZ",  # line 6: future date, unknown unit
        "Hồ Thị Giang,Nữ,01/01/1990,,01/01/2010,01/01/2009,,Xyz,A1",  # line 7: recognition before admission, ethnicity
    ]
    report = run_import(
        actor=people.province, org=tree.xa, upload=upload(HEADER + "\n".join(rows)), dry_run=False, mode="all"
    )
    found = {(p.row, p.column, p.message) for p in report.problems}
    assert found == {
        (3, "Họ và tên", "Thiếu họ và tên."),
        (4, "Giới tính", "Giới tính phải là Nam hoặc Nữ."),
        (4, "Ngày sinh", "Ngày không tồn tại."),
        (4, "Số CCCD", "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."),
        (5, "Số CCCD", "Số định danh cá nhân (CCCD) trùng với dòng 2."),
        (6, "Ngày vào Đảng", "Ngày không được ở tương lai."),
        (6, "Mã chi bộ", "Không có chi bộ mã “ZZ” trong phạm vi được nhập."),
        (7, "Ngày chính thức", "Ngày công nhận chính thức phải sau ngày kết nạp."),
        (7, "Dân tộc", "“Xyz” không có trong danh mục."),
    }
    assert report.imported is False
    assert not Member.objects.exists()  # all or nothing
    valid_only = run_import(
        actor=people.province,
        org=tree.xa,
        upload=upload(HEADER + "\n".join(rows)),
        dry_run=False,
        mode="valid",
    )
    assert (valid_only.created, Member.objects.count()) == (1, 1)


def test_reimporting_the_same_file_creates_no_duplicates(tree, people):
    file_text = HEADER + "\n".join(GOOD)
    run_import(actor=people.province, org=tree.xa, upload=upload(file_text), dry_run=False)
    changed = file_text.replace("Nguyễn Văn An,Nam,12/05/1980", "Nguyễn Văn Ân,Nam,12/05/1980")
    again = run_import(actor=people.province, org=tree.xa, upload=upload(changed), dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert Member.objects.count() == 3
    assert Member.objects.get(cccd="001080000001").full_name == "Nguyễn Văn Ân"


def test_rows_outside_the_actors_scope_are_refused(tree, people):
    report = run_import(actor=people.secretary, org=tree.a1, upload=upload(HEADER + GOOD[1]), dry_run=True)
    assert [(p.row, p.column) for p in report.problems] == [(2, "Mã chi bộ")]


def test_csv_without_bom_and_with_semicolons(tree, people):
    text = HEADER.replace(",", ";") + GOOD[0].replace(",", ";")
    report = run_import(actor=people.province, org=tree.xa, upload=upload(text, bom=False), dry_run=True)
    assert (report.valid_rows, report.problems) == (1, [])


def test_unreadable_files_get_a_clear_message(tree, people):
    with pytest.raises(ImportError_, match="UTF-8"):
        run_import(
            actor=people.province,
            org=tree.xa,
            upload=SimpleUploadedFile("a.csv", "Họ và tên\nĐức".encode("utf-16")),
        )
    with pytest.raises(ImportError_, match="không phải là tệp Excel"):
        run_import(
            actor=people.province,
            org=tree.xa,
            upload=SimpleUploadedFile("a.xlsx", b"PK\x03\x04not really a zip"),
        )
    with pytest.raises(ImportError_, match="Không tìm thấy cột bắt buộc: Giới tính"):
        run_import(actor=people.province, org=tree.xa, upload=upload("Họ và tên\nĐức"))
    big = SimpleUploadedFile("big.csv", b"x")
    big.size = 50 * 1024 * 1024
    with pytest.raises(ImportError_, match="quá lớn"):
        run_import(actor=people.province, org=tree.xa, upload=big)


def xlsx(rows, merge=None, formula=None):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    if formula:
        sheet[formula] = "=1+1"
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("members.xlsx", buffer.getvalue())


def test_excel_with_serial_dates_formulas_and_merged_cells(tree, people):
    header = ["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Mã chi bộ"]
    good = xlsx(
        [
            header,
            ["Nguyễn Văn An", "Nam", 29353, "001080000001", "A1"],
            ["Trần Thị Bình", "Nữ", "1975", 1175000002, "A2"],
        ]
    )
    report = run_import(actor=people.province, org=tree.xa, upload=good, dry_run=False)
    assert report.problems == []
    assert report.created == 2
    assert (
        Member.objects.get(full_name="Nguyễn Văn An").birth_date.isoformat() == "1980-05-12"
    )  # Excel serial 29353
    bad = xlsx(
        [
            header,
            ["Lê Văn Cường", "Nam", "01/01/1980", "", "A1"],
            ["Lê Văn Dũng", "Nam", "01/01/1980", "", "A1"],
        ],
        merge="A2:A3",
        formula="C3",
    )
    report = run_import(actor=people.province, org=tree.xa, upload=bad, dry_run=True)
    messages = {(p.row, p.message) for p in report.problems}
    assert (2, "Ô gộp (merge) — hãy bỏ gộp ô trước khi nhập.") in messages
    assert (3, "Ô chứa công thức — hãy dán giá trị (Paste Values).") in messages


def test_import_over_the_api(tree, people):
    _row, token = api_token_create(actor=people.province, user=people.province)
    client = Client()
    file = SimpleUploadedFile("members.csv", ("\ufeff" + HEADER + "\n".join(GOOD)).encode())
    dry = client.post(
        f"/api/v1/members/import?dry_run=true&org={tree.xa.pk}",
        {"file": file},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert dry.status_code == 200, dry.content
    assert (dry.json()["valid_rows"], dry.json()["errors"], dry.json()["imported"]) == (3, [], False)
    file.seek(0)
    real = client.post(
        f"/api/v1/members/import?dry_run=false&org={tree.xa.pk}",
        {"file": file},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert real.json()["created"] == 3
    broken = SimpleUploadedFile("x.xlsx", b"not excel")
    bad = client.post(
        f"/api/v1/members/import?org={tree.xa.pk}", {"file": broken}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "file"


def test_a_large_file_goes_through_copy_with_every_row_linked_and_audited(tree, people):
    """Above ``COPY_FROM_ROWS`` rows PostgreSQL takes the rows by COPY: keys, history, audit all kept."""
    rows = [
        f"Phạm Văn Số{i},Nam,01/01/{1960 + i % 40},0010{60 + i % 40:02d}{i:06d},01/03/2005,01/03/2006,"
        f"Chính thức,Kinh,{'A1' if i % 2 else 'A2'}"
        for i in range(260)
    ]
    report = run_import(
        actor=people.province, org=tree.xa, upload=upload(HEADER + "\n".join(rows)), dry_run=False
    )
    assert report.created == 260, report.as_dict()["errors"][:3]
    members = Member.objects.filter(full_name__startswith="Phạm Văn Số")
    assert members.count() == 260
    assert all(m.org_periods.count() == 1 and m.status_changes.count() == 1 for m in members[:20])
    assert Member.objects.search("pham van so12", user=None).filter(full_name="Phạm Văn Số12").exists()
    assert rollups.counts_of(tree.xa) == rollups.recount(tree.xa)
    audited = set(AuditEntry.objects.filter(event="members.import").values_list("object_id", flat=True))
    assert audited == {str(pk) for pk in members.values_list("pk", flat=True)}
    assert verify_chain().ok
    # The next entry continues the chain after the copied ones.
    member_file = members.first()
    from dangvu.members.services import member_update

    member_update(actor=people.province, member=member_file, changes={"hometown": "Xã An Phú"})
    assert verify_chain().ok


def test_a_nul_or_control_character_in_a_cell_is_a_row_problem(tree, people):
    text = HEADER + GOOD[0].replace("Nguyễn Văn An", "Nguyễn\x00Văn An") + "\n" + GOOD[1] + "\n"
    report = run_import(actor=people.province, org=tree.xa, upload=upload(text), dry_run=False)
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (2, "Họ và tên", "Ô chứa ký tự điều khiển (NUL…).")
    ]
    assert (report.imported, Member.objects.count()) == (False, 0)


def test_csv_lines_ending_in_a_lone_carriage_return(tree, people):
    text = (HEADER + "\n".join(GOOD)).replace("\n", "\r")
    report = run_import(actor=people.province, org=tree.xa, upload=upload(text), dry_run=False)
    assert (report.total_rows, report.created, report.problems) == (3, 3, [])


def test_damaged_files_and_huge_cells_are_refused_with_a_message(tree, people):
    huge = HEADER + "A" * 200_000 + ",Nam\n"
    with pytest.raises(ImportError_, match="Dòng 2: một ô dài quá 131,072 ký tự"):
        run_import(actor=people.province, org=tree.xa, upload=upload(huge))
    book = xlsx([["Họ và tên", "Giới tính"], *[[f"Người {i}", "Nam"] for i in range(300)]]).read()
    with pytest.raises(ImportError_, match=r"Tệp Excel bị hỏng|không phải là tệp Excel \.xlsx hợp lệ"):
        run_import(
            actor=people.province, org=tree.xa, upload=SimpleUploadedFile("a.xlsx", _corrupt_sheet(book))
        )
    long_date = HEADER.split(",")[:3]
    report = run_import(
        actor=people.province,
        org=tree.a1,
        upload=upload(",".join(long_date) + "\nAn,Nam," + "1" * 5000 + "\n"),
    )
    assert [(p.row, p.message) for p in report.problems] == [(2, "Ngày không hợp lệ.")]


def _corrupt_sheet(data: bytes) -> bytes:
    """The same workbook with its sheet's compressed bytes damaged in the middle (the CRC fails on read)."""
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged = bytearray(data)
    for offset in range(start + info.compress_size // 2, start + info.compress_size // 2 + 16):
        damaged[offset] ^= 0x55
    return bytes(damaged)


def test_a_value_longer_than_its_field_is_a_row_problem(tree, people):
    text = HEADER + GOOD[0].replace("Nguyễn Văn An", "Nguyễn " + "A" * 200) + "\n"
    report = run_import(actor=people.province, org=tree.xa, upload=upload(text), dry_run=False)
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (2, "Họ và tên", "Giá trị này chỉ có tối đa 150 kí tự (hiện có 207)")
    ]
    assert Member.objects.count() == 0


def test_the_import_and_one_record_match_existing_members_by_the_same_rule(tree, people, admin_user):
    """One matching rule (``selectors.members_by_identity``, judged by ``identity.match_refusal``): the
    same số định danh cá nhân (CCCD), else the same file number (the CCCD first when they point at two
    files). A number outside the user's scope gets the neutral answer and a conflict for the reviewing unit
    by both paths; a new record with a number the user can see is refused with the usual message."""
    from django.core.exceptions import ValidationError

    from dangvu.members.identity import KNOWN, NEUTRAL
    from dangvu.members.models import IdentityConflict
    from dangvu.members.selectors import identity_match, members_by_identity
    from dangvu.members.services import member_create
    from tests.conftest import grant, make_user

    by_cccd = member_create(
        actor=admin_user, org=tree.a1, full_name="Nguyễn Văn An", sex="male", cccd="001080000001"
    )
    by_file = member_create(
        actor=admin_user, org=tree.a1, full_name="Trần Văn Bảo", sex="male", file_number="NB-000777"
    )
    elsewhere = member_create(
        actor=admin_user, org=tree.b1, full_name="Lê Thị Mai", sex="female", cccd="001080000099"
    )
    found = members_by_identity(["001080000001", "001080000099"], ["NB-000777"])
    assert identity_match(found, "001080000001", "NB-000777") == by_cccd
    assert identity_match(found, None, "NB-000777") == by_file
    assert identity_match(found, "001080000002", None) is None

    header = "Họ và tên,Giới tính,Số CCCD,Số lý lịch,Mã chi bộ\n"
    report = run_import(
        actor=people.province,
        org=tree.xa,
        upload=upload(header + "Nguyễn Văn Ân,Nam,001080000001,,A1\nTrần Văn Báu,Nam,,NB-000777,A1"),
        dry_run=False,
    )
    assert (report.created, report.updated, report.problems) == (0, 2, [])
    assert Member.objects.get(pk=by_cccd.pk).full_name == "Nguyễn Văn Ân"
    assert Member.objects.get(pk=by_file.pk).full_name == "Trần Văn Báu"

    # A board of XA sees A1 but not B1 (under XB).
    board = make_user("xaboard")
    grant(board, "ban-to-chuc", tree.xa)
    with pytest.raises(ValidationError) as refused:
        member_create(actor=board, org=tree.a2, full_name="Phạm Văn Cư", sex="male", cccd="001080000099")
    assert refused.value.message_dict == {"cccd": [str(NEUTRAL)]}
    row = run_import(
        actor=board,
        org=tree.xa,
        upload=upload(header + "Phạm Văn Cư,Nam,001080000099,,A2"),
        dry_run=True,
    )
    assert [(p.row, p.message) for p in row.problems] == [(2, str(NEUTRAL))]
    assert IdentityConflict.objects.filter(existing=elsewhere).count() == 2
    with pytest.raises(ValidationError) as known:
        member_create(actor=board, org=tree.a2, full_name="Phạm Văn Cư", sex="male", cccd="001080000001")
    assert known.value.message_dict == {"cccd": [str(KNOWN)]}
