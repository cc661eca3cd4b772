"""The document journey in a real browser, each person in their own session: the clerk registers an
incoming document, the leader assigns it with a deadline, the specialist drafts the reply from it, the
leader approves and signs it, the clerk issues it with its number, and it arrives in the incoming
register of the unit it answers, whose clerk registers it; the sender sees the edXML status and the
specialist closes the incoming document with its reply. Then the clerk files both documents."""

from __future__ import annotations

import re

import pytest

from dangvu.documents.models import Document, FileHeading
from tests.conftest import grant, make_user
from tests.documents.conftest import office  # noqa: F401 - the fixture used below
from tests.signing.conftest import authority, demo_keys, signing_dir  # noqa: F401 - fixtures of office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-rat-manh-2026"


class Person:
    """One user's browser session (a context of its own), failing on any CSP violation."""

    def __init__(self, browser, live_server, username, width=1366):
        self.live_server = live_server
        self.context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(20000)
        self.violations: list[str] = []
        self.page.on(
            "console",
            lambda m: self.violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        self.page.goto(f"{live_server.url}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("[data-testid=login-submit]")
        self.page.wait_for_url(f"{live_server.url}/home/")

    def open(self, path):
        self.page.goto(f"{self.live_server.url}{path}")

    def verb(self, name, fill=None, select=None):
        """Fire a workflow verb from the document's page through its form."""
        self.page.click(f"[data-verb={name}]")
        for selector, value in (fill or {}).items():
            self.page.fill(selector, value)
        for selector, value in (select or {}).items():
            self.page.select_option(selector, value)
        self.page.click("[data-testid=save]")
        self.page.wait_for_selector("[data-testid=document-status]")

    def status(self):
        return self.page.locator("[data-testid=document-status]").inner_text()

    def no_overflow(self):
        """The page fits its width (nothing wider than the viewport)."""
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.page.viewport_size["width"], f"{self.page.url}: {width}px wide"

    def close(self):
        self.context.close()
        assert self.violations == []


def choose_unit(page, selector, typed):
    combobox = page.locator(selector)
    combobox.press_sequentially(typed)
    page.locator(f"{selector}-listbox [role=option]").first.wait_for()
    combobox.press("ArrowDown")
    combobox.press("Enter")


def document_id(page):
    return int(re.search(r"/documents/(\d+)/", page.url).group(1))


def test_register_assign_reply_approve_sign_issue_and_receive(browser, live_server, office, tree):  # noqa: F811
    specialist = make_user("specialist")
    grant(specialist, "chuyen-vien", tree.xa)
    heading = FileHeading.objects.create(
        org=tree.xa,
        year=2026,
        code="04.TC",
        title="Công văn trao đổi về công tác tổ chức",
        retention_years=10,
    )

    # 1. The clerk of XA registers a letter received on paper from XB.
    clerk = Person(browser, live_server, "clerk")
    clerk.open("/documents/")
    clerk.page.click("[data-testid=new-incoming]")
    assert clerk.page.locator("input[type=hidden][name=org]").input_value() == "XA"  # their own unit
    clerk.page.select_option("#id_doc_type", label="Công văn (CV)")
    clerk.page.fill("#id_sender_name", "Đảng ủy phường Đông Tiến")
    clerk.page.fill("#id_number", "07-CV/ĐU")
    clerk.page.fill("#id_issued_on", "27/11/2026")
    clerk.page.fill("#id_subject", "Đề nghị cung cấp danh sách đảng viên chuyển sinh hoạt đến")
    clerk.page.click("[data-testid=save]")
    clerk.page.wait_for_selector("[data-testid=incoming-number]")
    incoming_id = document_id(clerk.page)
    assert clerk.page.locator("[data-testid=incoming-number]").inner_text() == "1 (2026)"
    assert clerk.status() == "Đã vào sổ"

    # 2. The leader assigns it to the specialist with a deadline.
    leader = Person(browser, live_server, "secretary")
    leader.open(f"/documents/{incoming_id}/")
    leader.verb(
        "assign",
        {
            "#id_instruction": "Giao đồng chí chuyên viên tham mưu văn bản trả lời",
            "#id_lead_user": "specialist",
            "#id_deadline": "10/12/2026",
        },
    )
    assert leader.status() == "Đã giao xử lý"
    assert "hạn 10/12/2026" in leader.page.content()

    # 3. The specialist drafts the reply from the incoming document (at phone width).
    worker = Person(browser, live_server, "specialist", width=390)
    worker.open(f"/documents/{incoming_id}/")
    worker.no_overflow()
    worker.page.click("[data-testid=draft-reply]")
    worker.page.wait_for_selector("[data-testid=replying-to]")
    worker.no_overflow()
    assert worker.page.input_value("#id_subject") == (
        "trả lời công văn số 07-CV/ĐU của Đảng ủy phường Đông Tiến"
    )
    choose_unit(worker.page, "#id_recipients", "dong tien")  # the sender, a unit inside dangvu
    assert worker.page.locator("input[type=hidden][name=recipients]").input_value() == "XB"
    worker.page.fill("#id_body", "Đảng ủy xã An Phú gửi danh sách 03 đảng viên chuyển sinh hoạt đến.")
    worker.page.fill("#id_authority", "T/M ĐẢNG ỦY")
    worker.page.fill("#id_signer_title", "BÍ THƯ")
    worker.page.fill("#id_signer_name", "Lê Quang Hùng")
    worker.page.click("[data-testid=save]")
    worker.page.wait_for_selector("[data-testid=document-status]")
    reply_id = document_id(worker.page)
    assert worker.status() == "Dự thảo"
    worker.no_overflow()

    # 4. The leader approves and signs it.
    leader.open(f"/documents/{reply_id}/")
    leader.verb("approve", {"#id_comment": "Đồng ý"})
    assert leader.status() == "Đã duyệt"
    leader.verb("sign")
    assert leader.status() == "Đã ký"

    # 5. The clerk issues it: the number from the series, the seal, the delivery.
    clerk.open(f"/documents/{reply_id}/")
    clerk.page.click("[data-verb=issue]")
    assert "không thu hồi" in clerk.page.locator("[data-testid=confirm-text]").inner_text()
    clerk.page.click("[data-testid=save]")
    clerk.page.wait_for_selector("[data-testid=document-number]")
    assert clerk.status() == "Đã ban hành"
    assert clerk.page.locator("[data-testid=document-number]").inner_text() == "01-CV/ĐU"
    assert clerk.page.locator("[data-testid=delivery-XB]").inner_text() == "01 — Đã đến"

    # 6. It is in XB's incoming register; XB's clerk registers it.
    receiver = Person(browser, live_server, "clerkb")
    receiver.open("/documents/?direction=incoming&status=arrived")
    receiver.page.click("[data-testid=document-link]")
    assert receiver.page.locator("[data-testid=document-number]").inner_text() == "01-CV/ĐU"
    assert receiver.status() == "Mới đến, chưa vào sổ"
    receiver.verb("register")
    assert receiver.status() == "Đã vào sổ"
    assert receiver.page.locator("[data-testid=incoming-number]").inner_text() == "1 (2026)"
    clerk.page.reload()
    assert clerk.page.locator("[data-testid=delivery-XB]").inner_text() == "03 — Đã vào sổ"

    # 7. The specialist closes the incoming document with its reply; the clerk files both.
    worker.open(f"/documents/{incoming_id}/")
    assert "01-CV/ĐU" in worker.page.locator("[data-testid=document-reply]").inner_text()
    worker.verb("complete", select={"#id_result": "reply"})  # the reply drafted from it
    assert worker.status() == "Đã hoàn thành"
    for document in (incoming_id, reply_id):
        clerk.open(f"/documents/{document}/")
        clerk.page.click("[data-testid=file-document]")
        clerk.page.select_option("#id_heading", str(heading.pk))
        clerk.page.click("[data-testid=save]")
        clerk.page.wait_for_selector("[data-testid=document-file-heading]")
    clerk.open(f"/documents/files/{heading.pk}/")
    listed = clerk.page.locator("[data-testid=filed-documents]").inner_text()
    assert "Đề nghị cung cấp danh sách đảng viên" in listed
    assert "trả lời công văn số 07-CV/ĐU" in listed

    incoming = Document.objects.get(pk=incoming_id)
    assert (incoming.status, incoming.result, incoming.reply_id, incoming.filed_in_id) == (
        "done",
        "reply",
        reply_id,
        heading.pk,
    )
    for person in (clerk, leader, worker, receiver):
        person.close()
