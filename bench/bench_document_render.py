"""Rendering a two-page Party document (a resolution with heading, body, signature block and "Nơi
nhận"), per core, as a ratio of a baseline measured in the same run.

* ours: ``dangvu.documents.rendering.render_template`` (the type's Typst template, warm compiler)
  plus the empty number and date fields ``drafting.render`` adds (``add_text_fields``) — what
  signing a draft costs before the signature; target ≥ 15 pages/s on one core;
* baseline: bare fpdf2 writing two pages of the same text with the same embedded font (as
  ``dangvu.core.pdf.PartyPdf`` does, fonts added per document), no layout rules, no fields.

Needs no database. One process, one thread: the figures are per core.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PARAGRAPH = (
    "Mỗi chi bộ phân công một đồng chí cấp ủy phụ trách chuyển đổi số, rà soát quy trình tiếp nhận, "
    "xử lý văn bản đến, bảo đảm văn bản đi được ký số và gửi trên mạng thông tin diện rộng của Đảng; "
    "định kỳ hằng quý báo cáo kết quả về Văn phòng Đảng ủy."
)


def document_data(index: int) -> dict[str, object]:
    return {
        "organ": "Đảng ủy xã An Phú",
        "parent_line": "Đảng bộ tỉnh Ninh Bình",
        "place": "Ninh Bình",
        "type_name": "Nghị quyết",
        "abbreviation": "NQ",
        "is_letter": False,
        "subject": f"về đẩy mạnh chuyển đổi số trong hoạt động của Đảng bộ, đợt {index}",
        "body": ["QUYẾT NGHỊ:"] + [f"Điều {i}. {PARAGRAPH}" for i in range(1, 14)],
        "greeting": [],
        "secrecy": "",
        "urgency": "",
        "authority": "T/M Đảng ủy",
        "signer_title": "Bí thư",
        "signer_name": "Lê Quang Hùng",
        "recipients": ["Ban Thường vụ Tỉnh ủy (để b/c),", "Các chi bộ trực thuộc,", "Lưu Văn phòng Đảng ủy."],
    }


def ours(index: int) -> tuple[bytes, int]:
    from dangvu.documents.drafting import DATE_FIELD, NUMBER_FIELD
    from dangvu.documents.rendering import render_template
    from dangvu.signing.pdfdoc import TextFieldSpec, add_text_fields

    output = render_template("nghi-quyet", document_data(index))
    number, date = output.places["number"], output.places["date"]
    pdf = add_text_fields(
        output.pdf,
        [
            TextFieldSpec(NUMBER_FIELD, number.page, number.rect),
            TextFieldSpec(DATE_FIELD, date.page, date.rect),
        ],
    )
    return pdf, output.places["signature"].page + 1


def baseline(index: int) -> tuple[bytes, int]:
    from fpdf import FPDF

    from dangvu.core.pdf import FONT_DIR

    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("Serif", "", str(FONT_DIR / "LiberationSerif-Regular.ttf"))
    pdf.add_font("Serif", "B", str(FONT_DIR / "LiberationSerif-Bold.ttf"))
    pdf.set_margins(30, 20, 15)
    data = document_data(index)
    pdf.add_page()
    pdf.set_font("Serif", "B", 14)
    pdf.cell(0, 7, "ĐẢNG CỘNG SẢN VIỆT NAM", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, str(data["subject"]), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", 14)
    for line in data["body"]:  # type: ignore[attr-defined]
        pdf.multi_cell(0, 7, line, align="J", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output()), pdf.page_no()


def pages_per_second(render: object, seconds: float) -> tuple[float, int]:
    pages_done, count = 0, 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        _pdf, pages = render(count)  # type: ignore[operator]
        pages_done += pages
        count += 1
    return pages_done / (time.perf_counter() - started), pages


def main(seconds: float = 5.0) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
    os.environ.setdefault("DANGVU_DATA_DIR", tempfile.mkdtemp(prefix="dangvu-bench-"))
    import django

    django.setup()
    ours(0)  # warm: fonts loaded, template compiled once
    baseline(0)
    rate, pages = pages_per_second(ours, seconds)
    base_rate, base_pages = pages_per_second(baseline, seconds)
    assert pages == 2, f"the benchmark document should take two pages, not {pages}"
    print(f"bare fpdf2, {base_pages} pages, same font: {base_rate:,.1f} pages/s (baseline, same run)")
    print(
        f"Party-format template (Typst) + number/date fields: {rate:,.1f} pages/s on one core "
        f"= {rate / base_rate:,.2f}× the baseline (target ≥ 15 pages/s)"
    )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0)
