"""The KPI panel: the share exchanged electronically, the share digitally signed, the average handling
time and what is overdue now, over the documents the user sees."""

import re
from datetime import date

import pytest
from django.test import Client

from dangvu.documents import services
from tests.conftest import grant, make_user

pytestmark = pytest.mark.django_db


def _incoming(office, tree, received_on, subject):
    return services.document_register_incoming(
        actor=office.clerk,
        org=tree.xa,
        doc_type="CV",
        subject=subject,
        sender_name="Tỉnh ủy Ninh Bình",
        received_on=received_on,
    )


def _panel(user) -> list[tuple[str, str]]:
    client = Client()
    client.force_login(user)
    page = client.get("/documents/kpi/")
    assert page.status_code == 200
    table = page.content.decode().split('data-testid="documents-kpi"', 1)[1].split("</table>", 1)[0]
    return [
        (label.strip(), value.strip())
        for label, value in re.findall(
            r'<th scope="row">([^<]*)</th><td class="text-nowrap">([^<]*)</td>', table
        )
    ]


def test_the_panel_counts_electronic_signed_handling_time_and_overdue(office, tree):
    specialist = make_user("specialist")
    grant(specialist, "chuyen-vien", tree.xa)
    done = _incoming(office, tree, date(2026, 11, 26), "Đã xử lý xong")
    services.document_assign(actor=office.leader, document=done, instruction="Xử lý", lead_user=specialist)
    services.document_complete(actor=specialist, document=done, result="done", note="Xong")  # on 01/12
    _incoming(office, tree, date(2026, 11, 2), "Quá hạn")  # due mid-November, still open
    _incoming(office, tree, date(2026, 11, 30), "Còn hạn")
    outgoing = services.document_draft(
        actor=office.clerk,
        org=tree.xa,
        doc_type="NQ",
        subject="về thử",
        body="Nội dung.",
        recipients=[tree.xb],
    )
    outgoing = services.document_sign(
        actor=office.leader, document=services.document_approve(actor=office.leader, document=outgoing)
    )
    services.document_issue(actor=office.clerk, document=outgoing, on=date(2026, 12, 1))

    assert _panel(office.clerk) == [
        ("Văn bản gửi, nhận điện tử", "1 / 4 (25 %)"),
        ("Văn bản ban hành có chữ ký số", "1 / 1 (100 %)"),
        ("Thời gian xử lý trung bình (ngày)", "5,0"),  # 26/11 → 01/12, Vietnamese decimal comma
        ("Văn bản đến đang quá hạn", "1"),
    ]
    # the receiving unit's clerk sees its own figures: the delivery arrived electronically, not registered
    assert _panel(office.clerk_b) == [
        ("Văn bản gửi, nhận điện tử", "0 / 0"),
        ("Văn bản ban hành có chữ ký số", "0 / 0"),
        ("Thời gian xử lý trung bình (ngày)", "—"),
        ("Văn bản đến đang quá hạn", "0"),
    ]
