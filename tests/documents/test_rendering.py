"""Party-format rendering from the types' Typst templates (HD 36-HD/VPTW): the text a reader sees
(pdftotext), the empty number and date places that stay fillable after the personal signature, the
signatures checked by pdfsig, administrators' templates, and the editable .docx."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from docx import Document as WordDocument
from pypdf import PdfReader

from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry
from dangvu.documents import drafting, printing, services, storage
from dangvu.documents.enums import FileKind
from dangvu.documents.models import Document, DocumentType
from dangvu.documents.rendering import TEMPLATE_DIR, render_document
from tests.signing.pdfsig import needs_pdfsig, pdfsig

pytestmark = pytest.mark.django_db

BODY = (
    "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;\n"
    "QUYẾT NGHỊ:\n"
    "Điều 1. Đẩy mạnh số hóa văn bản đi, đến; ứng dụng chữ ký số.\n"
    "Điều 2. Các chi bộ trực thuộc tổ chức thực hiện nghị quyết này."
)


def draft(office, tree, doc_type="NQ", **overrides):
    values = {
        "actor": office.clerk,
        "org": tree.xa,
        "doc_type": doc_type,
        "subject": "về đẩy mạnh chuyển đổi số, ứng dụng chữ ký số năm 2027",
        "body": BODY,
        "recipients": [tree.xb],
        "recipients_text": "Ban Thường vụ Tỉnh ủy (để b/c),\nĐảng ủy phường Đông Tiến,\nLưu Văn phòng Đảng ủy.",
        "authority": "T/M Đảng ủy",
        "signer_title": "Bí thư",
        "signer_name": "Lê Quang Hùng",
    }
    return services.document_draft(**(values | overrides))


def pdftotext(content: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def issued_pdf(office, document) -> bytes:
    document = services.document_approve(actor=office.leader, document=document)
    document = services.document_sign(actor=office.leader, document=document)
    document = services.document_issue(actor=office.clerk, document=document, on=date(2026, 12, 1))
    return storage.read(document.files.get(kind=FileKind.ISSUED))


@pytest.mark.parametrize(
    ("code", "heading"),
    [
        ("nghi-quyet", "NGHỊ QUYẾT"),
        ("quyet-dinh", "QUYẾT ĐỊNH"),
        ("thong-bao", "THÔNG BÁO"),
        ("bao-cao", "BÁO CÁO"),
        ("ket-luan", "KẾT LUẬN"),  # no template of its own: the general one, with the type's name
    ],
)
def test_each_type_renders_the_party_heading_type_subject_and_signature_block(
    office, tree, tmp_path, code, heading
):
    document = draft(office, tree, doc_type=code, urgency="khan")

    text = pdftotext(drafting.render(document).pdf, tmp_path)

    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    assert lines[0] == "ĐẢNG BỘ TỈNH NINH BÌNH ĐẢNG CỘNG SẢN VIỆT NAM"  # parent left, Party name right
    assert lines[1] == tree.xa.name.upper()
    assert lines[2] == "*"
    assert "KHẨN" in lines
    position = lines.index(heading)
    assert lines[position + 1 : position + 3] == [
        "về đẩy mạnh chuyển đổi số, ứng dụng chữ ký số năm 2027",
        "-----",
    ]
    assert "QUYẾT NGHỊ:" in lines
    assert "Điều 1. Đẩy mạnh số hóa văn bản đi, đến; ứng dụng chữ ký số." in lines
    assert lines[-5:] == [
        "Nơi nhận: T/M ĐẢNG ỦY",
        "- Ban Thường vụ Tỉnh ủy (để b/c), BÍ THƯ",
        "- Đảng ủy phường Đông Tiến,",
        "- Lưu Văn phòng Đảng ủy.",
        "Lê Quang Hùng",
    ]


def test_a_letter_has_its_subject_under_the_number_and_greets_the_recipient_units(office, tree, tmp_path):
    document = draft(
        office, tree, doc_type="CV", subject="về việc báo cáo số liệu đảng viên", body="Đề nghị…"
    )

    text = pdftotext(drafting.render(document).pdf, tmp_path)

    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    assert lines[3] == "V/v về việc báo cáo số liệu đảng viên"
    assert lines[4] == f"Kính gửi: {tree.xb.name}"
    assert "CÔNG VĂN" not in text


def test_the_number_and_date_places_are_empty_fields_under_the_organ_and_the_party_name(office, tree):
    document = draft(office, tree)

    rendered = drafting.render(document)

    fields = {
        str(f["/T"]): [float(v) for v in f["/Rect"]]
        for f in (a.get_object() for a in PdfReader(io.BytesIO(rendered.pdf)).pages[0]["/Annots"])
    }
    number, when = fields[drafting.NUMBER_FIELD], fields[drafting.DATE_FIELD]
    mm = 72 / 25.4
    assert [round(v / mm) for v in (number[0], number[2], when[0], when[2])] == [30, 105, 105, 195]
    assert number[3] < when[3] < 297 * mm - 20 * mm  # the number sits lower, under the organ's name
    assert rendered.places.number_field == drafting.NUMBER_FIELD
    x0, y0, x1, y1 = rendered.places.box
    assert (rendered.places.page, round(x1 - x0), round(y1 - y0)) == (0, round(72 * mm), round(26 * mm))


def test_a_long_body_puts_the_signature_box_on_the_last_page(office, tree):
    paragraph = "Mỗi chi bộ phân công một đồng chí cấp ủy phụ trách, báo cáo kết quả hằng quý về Văn phòng."
    document = draft(office, tree, body="\n".join([paragraph] * 40))

    rendered = drafting.render(document)

    pages = len(PdfReader(io.BytesIO(rendered.pdf)).pages)
    assert pages >= 2
    assert rendered.places.page == pages - 1


def test_what_a_drafter_types_is_text_never_template_code(office, tree, tmp_path):
    document = draft(
        office, tree, subject='#panic("x") *đậm* $x^2$ <nhan> @ref', body="#set page(width: 1cm)"
    )

    text = pdftotext(drafting.render(document).pdf, tmp_path)

    assert '#panic("x") *đậm* $x^2$ <nhan> @ref' in text
    assert "#set page(width: 1cm)" in text


@needs_pdfsig
@pytest.mark.parametrize(("doc_type", "number"), [("QĐ", "Số 01-QĐ/ĐU"), ("CV", "Số 01-CV/ĐU")])
def test_issued_from_the_template_the_number_and_date_are_filled_and_both_signatures_verify(
    office, tree, tmp_path, doc_type, number
):
    document = draft(office, tree, doc_type=doc_type, subject="về việc triển khai ký số, lưu trữ điện tử")

    pdf = issued_pdf(office, document)

    text = pdftotext(pdf, tmp_path)
    assert number in text
    assert "Ninh Bình, ngày 01 tháng 12 năm 2026" in text
    assert "triển khai ký số, lưu trữ điện tử" in text
    checked = pdfsig(pdf, tmp_path)
    assert [s["validation"] for s in checked.values()] == ["Signature is Valid.", "Signature is Valid."]
    fonts = {
        str(field["/T"]): str(field["/AP"]["/N"]["/Resources"]["/Font"]["/DGV"]["/BaseFont"])
        for field in (
            f.get_object() for f in PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/AcroForm"]["/Fields"]
        )
        if str(field["/T"]) in (drafting.NUMBER_FIELD, drafting.DATE_FIELD)
    }
    assert fonts == {  # the date line in italics (HD 36)
        drafting.NUMBER_FIELD: "/DGVSIG+LiberationSerif",
        drafting.DATE_FIELD: "/DGVSIH+LiberationSerif-Italic",
    }


def copy_templates(tmp_path, settings):
    folder = tmp_path / "mau"
    shutil.copytree(TEMPLATE_DIR, folder)
    settings.DANGVU_DOCUMENT_TEMPLATES_DIR = str(folder)
    return folder


def test_an_administrator_adjusts_a_type_template_in_the_configured_folder(office, tree, tmp_path, settings):
    folder = copy_templates(tmp_path, settings)
    source = (folder / "nghi-quyet.typ").read_text()
    (folder / "nghi-quyet.typ").write_text(source.replace('"Nghị quyết"', '"Nghị quyết chuyên đề"'))
    document = draft(office, tree)

    text = pdftotext(render_document(document).pdf, tmp_path)

    assert "NGHỊ QUYẾT CHUYÊN ĐỀ" in text


def test_a_broken_template_refuses_signing_with_its_message_and_stores_nothing(
    office, tree, tmp_path, settings
):
    folder = copy_templates(tmp_path, settings)
    (folder / "nghi-quyet.typ").write_text('#import "party.typ": party-document\n#party-document(\n')
    document = services.document_approve(actor=office.leader, document=draft(office, tree))

    with pytest.raises(ValidationError, match="Không trình bày được văn bản theo mẫu “nghi-quyet”"):
        services.document_sign(actor=office.leader, document=document)

    document.refresh_from_db()
    assert (document.status, document.files.count()) == ("approved", 0)


def test_a_template_without_the_number_place_is_refused(office, tree, tmp_path, settings):
    folder = copy_templates(tmp_path, settings)
    (folder / "nghi-quyet.typ").write_text("Chỉ có chữ.\n")
    document = draft(office, tree)

    with pytest.raises(ValidationError, match="thiếu chỗ để trống cho: number, date, signature"):
        drafting.render(document)


def test_a_type_whose_template_names_a_path_outside_the_folder_uses_the_general_template(
    office, tree, tmp_path
):
    DocumentType.objects.filter(code="thong-bao").update(template="../../settings")
    document = draft(office, tree, doc_type="TB")

    text = pdftotext(render_document(document).pdf, tmp_path)

    assert "THÔNG BÁO" in text  # van-ban.typ, with the type's own name


# --- .docx ------------------------------------------------------------------------------------------


def docx_text(content: bytes) -> list[str]:
    word = WordDocument(io.BytesIO(content))
    cells = [p.text for t in word.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return [p.text for p in word.paragraphs] + cells


def test_the_draft_page_offers_the_docx_that_python_docx_opens_with_the_subject(office, tree):
    document = draft(office, tree)
    client = Client()
    client.force_login(office.clerk)

    page = client.get(document.get_absolute_url())
    response = client.get(f"/documents/{document.pk}/draft.docx")

    assert b'data-testid="draft-docx"' in page.content
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="du-thao-{document.pk}.docx"'
    text = docx_text(response.content)
    assert "về đẩy mạnh chuyển đổi số, ứng dụng chữ ký số năm 2027" in text
    assert {"ĐẢNG CỘNG SẢN VIỆT NAM", "NGHỊ QUYẾT", "Số      -NQ/ĐU", "Lê Quang Hùng"} <= set(text)
    entry = AuditEntry.objects.filter(event="documents.export_docx").get()
    assert (entry.actor, entry.object_id) == (office.clerk, str(document.pk))


def test_the_api_gives_the_docx_of_an_issued_document_with_its_number_and_date(office, tree):
    document = issued_pdf(office, draft(office, tree)) and Document.objects.get(direction="outgoing")
    token = api_token_create(actor=office.clerk, user=office.clerk, name="t")[1]

    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(f"/api/v1/documents/{document.pk}/docx")

    assert response.status_code == 200, response.content
    assert (
        response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    text = docx_text(response.content)
    assert {"Số 01-NQ/ĐU", "Ninh Bình, ngày 01 tháng 12 năm 2026"} <= set(text)


def test_the_draft_pdf_preview_is_the_template_layout(office, tree, tmp_path):
    document = draft(office, tree)
    client = Client()
    client.force_login(office.clerk)

    response = client.get(f"/documents/{document.pk}/draft.pdf")

    assert response.status_code == 200
    assert "NGHỊ QUYẾT" in pdftotext(response.content, tmp_path)
    assert AuditEntry.objects.filter(event="documents.preview_pdf", actor=office.clerk).count() == 1


def test_previews_of_a_draft_say_du_thao_and_the_signed_and_issued_files_do_not(office, tree, tmp_path):
    document = draft(office, tree)
    client = Client()
    client.force_login(office.clerk)

    draft_preview = pdftotext(client.get(f"/documents/{document.pk}/draft.pdf").content, tmp_path)
    draft_docx = docx_text(client.get(f"/documents/{document.pk}/draft.docx").content)
    to_sign = pdftotext(drafting.render(document).pdf, tmp_path)  # what the signer signs
    approved = services.document_approve(actor=office.leader, document=document)
    approved_preview = pdftotext(client.get(f"/documents/{document.pk}/draft.pdf").content, tmp_path)
    signed = services.document_sign(actor=office.leader, document=approved)
    signed_file = pdftotext(storage.read(signed.files.get(kind=FileKind.SIGNED)), tmp_path)
    signed_preview = pdftotext(client.get(f"/documents/{document.pk}/draft.pdf").content, tmp_path)
    issued_doc = services.document_issue(actor=office.clerk, document=signed, on=date(2026, 12, 1))
    issued = pdftotext(storage.read(issued_doc.files.get(kind=FileKind.ISSUED)), tmp_path)
    issued_docx = docx_text(client.get(f"/documents/{document.pk}/draft.docx").content)

    assert draft_preview.count("DỰ THẢO") >= 1
    assert "DỰ THẢO" in draft_docx
    assert "DỰ THẢO" in approved_preview  # approved but not signed: still a draft
    assert "NGHỊ QUYẾT" in draft_preview
    assert "NGHỊ QUYẾT" in to_sign
    for text in (to_sign, signed_file, signed_preview, issued):
        assert "DỰ THẢO" not in text
        assert "THẢO" not in text
    assert "DỰ THẢO" not in issued_docx
    assert "Số 01-NQ/ĐU" in issued


def test_the_draft_mark_does_not_move_the_text_of_the_page(office, tree):
    from dangvu.documents.rendering import render_document

    document = draft(office, tree)

    marked = render_document(document, draft_mark=True)
    plain = render_document(document)

    assert marked.places == plain.places  # the signature box and the number places stay put
    assert len(PdfReader(io.BytesIO(marked.pdf)).pages) == len(PdfReader(io.BytesIO(plain.pdf)).pages)


def test_docx_is_refused_for_a_secret_document_an_incoming_one_and_outside_the_drafting_permission(
    office, tree
):
    secret = draft(office, tree, secrecy="mat", body="")
    incoming = services.document_register_incoming(
        actor=office.clerk, org=tree.xa, doc_type="CV", subject="Công văn đến", sender_name="Tỉnh ủy"
    )
    before = AuditEntry.objects.count()

    with pytest.raises(ValidationError, match="Văn bản mật không xuất"):
        printing.draft_docx(actor=office.clerk, document=secret)
    with pytest.raises(ValidationError, match="Chỉ văn bản đi"):
        printing.draft_docx(actor=office.clerk, document=incoming)
    with pytest.raises(PermissionDenied):
        printing.draft_docx(actor=office.clerk_b, document=draft(office, tree))

    assert AuditEntry.objects.count() == before + 1  # only the third draft's creation
    token = api_token_create(actor=office.clerk, user=office.clerk, name="t")[1]
    refused = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(f"/api/v1/documents/{secret.pk}/docx")
    assert refused.status_code == 422
    assert refused.json()["error"]["message"].startswith("Văn bản mật không xuất")


# --- Registers --------------------------------------------------------------------------------------


def test_the_incoming_register_of_the_year_as_xlsx_lists_documents_by_incoming_number(office, tree):
    from openpyxl import load_workbook

    for subject in ["Công văn về báo cáo số liệu", "Kế hoạch kiểm tra giám sát"]:
        services.document_register_incoming(
            actor=office.clerk,
            org=tree.xa,
            doc_type="CV",
            subject=subject,
            sender_name="Tỉnh ủy Ninh Bình",
            number_text="15-CV/TU",
            issued_on=date(2026, 11, 28),
            urgency="khan",
        )
    draft(office, tree)  # an outgoing draft is in no register
    client = Client()
    client.force_login(office.clerk)

    response = client.get(f"/documents/register/?org={tree.xa.code}&direction=incoming&year=2026&format=xlsx")

    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="so-van-ban-den-{tree.xa.code}-2026.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    rows = [
        [c.date() if isinstance(c, datetime) else "" if c is None else c for c in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    # The office layout of every export: title, the unit and the day printed, a blank row, the header.
    assert rows[0][0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM 2026"
    assert rows[1][0] == f"Đơn vị: {tree.xa.name} — ngày in: 01/12/2026"
    assert rows[3][:3] == ["Số đến", "Ngày đến", "Tác giả (cơ quan gửi)"]
    assert sheet.freeze_panes == "A5"
    assert [row[:7] for row in rows[4:]] == [
        [
            1,
            date(2026, 12, 1),
            "Tỉnh ủy Ninh Bình",
            "15-CV/TU",
            date(2026, 11, 28),
            "Công văn: Công văn về báo cáo số liệu",
            "Khẩn",
        ],
        [
            2,
            date(2026, 12, 1),
            "Tỉnh ủy Ninh Bình",
            "15-CV/TU",
            date(2026, 11, 28),
            "Công văn: Kế hoạch kiểm tra giám sát",
            "Khẩn",
        ],
    ]
    assert sheet.cell(row=5, column=2).number_format == "dd/mm/yyyy"  # a real date, shown the Vietnamese way
    entry = AuditEntry.objects.get(event="documents.export_register")
    assert (entry.actor, entry.data) == (office.clerk, {"format": "xlsx", "rows": 2})


def test_the_outgoing_register_as_pdf_through_the_api_shows_the_issued_number(office, tree, tmp_path):
    issued_pdf(office, draft(office, tree))
    draft(office, tree, subject="dự thảo chưa ban hành")
    token = api_token_create(actor=office.clerk, user=office.clerk, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = api.get(f"/api/v1/documents/register?direction=outgoing&year=2026&format=pdf&org={tree.xa.pk}")
    empty = api.get(f"/api/v1/documents/register?direction=outgoing&year=2025&format=pdf&org={tree.xa.pk}")

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    lines = [
        " ".join(line.split()) for line in pdftotext(response.content, tmp_path).splitlines() if line.strip()
    ]
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI NĂM 2026" in lines
    assert any(line.startswith("01-NQ/ĐU 01/12/2026 Nghị quyết: về đẩy mạnh chuyển đổi số") for line in lines)
    assert "dự thảo chưa ban hành" not in " ".join(lines)
    assert "Chưa có văn bản nào trong sổ." in pdftotext(empty.content, tmp_path)


def test_a_register_outside_the_callers_units_is_not_found_and_bad_input_is_refused(office, tree):
    token = api_token_create(actor=office.clerk_b, user=office.clerk_b, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    outside = api.get(f"/api/v1/documents/register?direction=incoming&year=2026&org={tree.xa.pk}")
    bad_format = api.get("/api/v1/documents/register?direction=incoming&year=2026&format=doc")
    bad_year = api.get("/api/v1/documents/register?direction=incoming&year=99999")
    own = api.get("/api/v1/documents/register?direction=incoming&year=2026")  # the caller's unit

    assert outside.status_code == 404
    assert (bad_format.status_code, bad_year.status_code) == (422, 422)
    assert own.status_code == 200
    assert own["Content-Disposition"] == f'attachment; filename="so-van-ban-den-{tree.xb.code}-2026.xlsx"'
    assert AuditEntry.objects.filter(event="documents.export_register").count() == 1


def test_the_register_page_shows_its_form_until_the_input_is_complete(office, tree):
    client = Client()
    client.force_login(office.clerk)

    page = client.get("/documents/register/")
    incomplete = client.get(
        f"/documents/register/?org={tree.xa.code}&direction=incoming&year=abc&format=xlsx"
    )

    assert (page.status_code, incomplete.status_code) == (200, 200)
    assert incomplete["Content-Type"].startswith("text/html")
    assert b'data-testid="download-register"' in incomplete.content
    assert not AuditEntry.objects.filter(event="documents.export_register").exists()


def test_the_register_reads_the_same_number_of_queries_for_one_or_three_documents(office, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangvu.documents.registers import register_of

    def register_incoming(count):
        for _ in range(count):
            document = services.document_register_incoming(
                actor=office.clerk, org=tree.xa, doc_type="CV", subject="Công văn", sender_name="Tỉnh ủy"
            )
            services.document_assign(
                actor=office.leader, document=document, instruction="Giao xử lý", lead_user=office.clerk
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            register = register_of(office.clerk, org=tree.xa, direction="incoming", year=2026)
        return len(captured), len(register.rows)

    register_incoming(1)
    one = queries()
    register_incoming(2)
    three = queries()

    assert (one[1], three[1]) == (1, 3)
    assert one[0] == three[0]
