"""The UI kit's behaviour in a real browser: confirmation of final actions, tabs, bulk export, phone menu."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest

from dangvu.members.models import Member
from dangvu.members.services import member_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-rat-manh-2026"


def log_in(page, live_server, username="province"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/home/")


@pytest.fixture
def official(people, tree):
    return member_create(
        actor=people.admin,
        org=tree.a1,
        full_name="Nguyễn Văn Đức",
        sex="male",
        birth_date=date(1980, 1, 2),
        admitted_on=date(2005, 3, 1),
        recognized_on=date(2006, 3, 1),
    )


def test_removing_a_member_asks_first_and_names_the_consequence(page, live_server, official):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/members/{official.pk}/")
    page.click("[data-testid=member-verbs]")
    page.click("[data-verb=remove]")
    page.wait_for_url(f"**/members/{official.pk}/remove/")
    assert "tuổi đảng dừng từ ngày quyết định" in page.inner_text("[data-testid=consequence]")
    page.fill("#id_on", "20/11/2026")
    page.fill("#id_reason", "Bỏ sinh hoạt 3 tháng không có lý do")
    page.fill("#id_decision", "3-QĐ/ĐU")
    page.click("[data-testid=save]")
    dialog = page.locator("[data-testid=confirm-dialog]")
    dialog.wait_for(state="visible")
    assert dialog.locator("#confirm-title").inner_text() == "Xóa tên: Nguyễn Văn Đức?"
    assert "phải nộp lại Huy hiệu Đảng" in dialog.inner_text()
    dialog.locator("text=Quay lại").click()
    dialog.wait_for(state="hidden")
    assert Member.objects.get(pk=official.pk).status == "official"  # nothing was sent

    page.click("[data-testid=save]")
    dialog.wait_for(state="visible")
    page.click("[data-testid=confirm-accept]")
    page.wait_for_url(f"{live_server.url}/members/{official.pk}/")
    assert "Đã thực hiện: xóa tên." in page.content()
    assert Member.objects.get(pk=official.pk).status == "removed"


def test_the_member_file_opens_in_tabs_and_remembers_the_open_one(page, live_server, official):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/members/{official.pk}/")
    assert page.locator("#tab-file").is_visible()
    assert not page.locator("#tab-family").is_visible()
    page.get_by_role("tab", name="Gia đình").click()
    page.locator("#tab-family").wait_for(state="visible")
    assert not page.locator("#tab-file").is_visible()
    assert page.url.endswith("#tab-family")
    page.reload()
    page.locator("#tab-family").wait_for(state="visible")
    assert page.get_by_role("tab", name="Gia đình").get_attribute("aria-selected") == "true"


def test_ticked_rows_are_exported_alone(page, live_server, official, tree, people):
    from openpyxl import load_workbook

    member_create(actor=people.admin, org=tree.a2, full_name="Lê Thị Hằng", sex="female")
    log_in(page, live_server)
    page.goto(f"{live_server.url}/members/")
    export = page.locator("[data-testid=export-selected]")
    assert export.is_disabled()
    page.get_by_label("Chọn Lê Thị Hằng").check()
    assert page.inner_text("[data-bulk-count]") == "1"
    with page.expect_download() as download:
        export.click()
    sheet = load_workbook(BytesIO(download.value.path().read_bytes())).active
    assert [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)] == ["Lê Thị Hằng"]


def test_on_a_phone_the_module_menu_opens_from_the_top_bar(browser, live_server, people):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    log_in(page, live_server)
    menu = page.locator("#sidenav")
    assert not menu.is_visible()
    page.click("[data-testid=menu-toggle]")
    menu.wait_for(state="visible")
    menu.locator("[data-nav=members]").click()
    page.wait_for_url(f"{live_server.url}/members/")
    assert page.locator("h1").inner_text() == "Đảng viên"
    context.close()
