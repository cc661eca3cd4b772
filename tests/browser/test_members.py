"""A board member in the browser: search a member without accents, open and edit the file, import a file."""

from datetime import date

import pytest

from dangvu.members.services import member_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-rat-manh-2026"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/home/")


def test_search_open_edit_and_import(page, live_server, people, tree, tmp_path):
    member_create(
        actor=people.admin,
        org=tree.a1,
        full_name="Nguyễn Văn Đức",
        sex="male",
        birth_date=date(1980, 1, 2),
        cccd="001080000123",
        admitted_on=date(2005, 3, 1),
        recognized_on=date(2006, 3, 1),
    )
    member_create(
        actor=people.admin, org=tree.a2, full_name="Lê Thị Hằng", sex="female", birth_date=date(1990, 1, 2)
    )
    log_in(page, live_server, "province")

    page.click("[data-nav=members]")
    page.fill("#id_q", "nguyen van duc")
    page.click("[data-testid=filter-submit]")
    links = page.locator("[data-testid=member-link]")
    assert links.count() == 1
    links.first.click()
    assert page.locator("[data-testid=member-name]").inner_text().startswith("Nguyễn Văn Đức")
    assert page.locator("[data-testid=cccd]").inner_text() == "001080000123"
    assert page.locator("[data-testid=party-age]").inner_text().endswith("ngày")

    page.click("text=Sửa hồ sơ")
    page.fill("#id_hometown", "Nam Định")
    page.fill("#id_phone", "0912345678")
    page.click("[data-testid=save]")
    page.wait_for_selector("text=Đã lưu thay đổi.")
    assert "Nam Định" in page.content()

    csv_file = tmp_path / "dang-vien.csv"
    csv_file.write_text(
        "Họ và tên,Giới tính,Ngày sinh,Mã chi bộ\nPhan Văn Mới,Nam,01/02/1992,A1\n", encoding="utf-8-sig"
    )
    page.goto(f"{live_server.url}/members/import/")
    page.set_input_files("#id_file", str(csv_file))
    page.locator("#id_org").press_sequentially("an phu")  # the unit picker
    page.locator("#id_org-listbox [role=option][data-code=XA]").wait_for()
    page.locator("#id_org").press("ArrowDown")
    page.locator("#id_org").press("Enter")
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=import-status]")
    # The check runs as a job (inline in tests); the page polls until it is done.
    page.wait_for_selector("[data-testid=confirm-import]")
    page.click("[data-testid=confirm-import]")
    page.wait_for_selector("#progress[data-status=done]")
    page.goto(f"{live_server.url}/members/?q=phan+van+moi")
    assert page.locator("[data-testid=member-link]").count() == 1


def test_unit_page_loads_member_charts_and_the_file_prints(page, live_server, people, tree):
    member = member_create(
        actor=people.admin, org=tree.a1, full_name="Trần Thị Mai", sex="female", birth_date=date(1985, 4, 5)
    )
    log_in(page, live_server, "province")
    page.goto(f"{live_server.url}{tree.xa.get_absolute_url()}")
    chart = page.locator("[data-testid=chart-by_sex] svg")
    chart.wait_for()  # loaded by htmx after the page
    assert chart.locator("title").first.text_content() == "Nữ: 1"
    # The printed file is a PDF served to the browser.
    response = page.request.get(f"{live_server.url}/members/{member.pk}/file.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def test_an_impossible_birth_date_typed_in_the_browser_keeps_the_stored_date(page, live_server, people, tree):
    member = member_create(
        actor=people.admin, org=tree.a1, full_name="Đỗ Văn Hùng", sex="male", birth_date=date(1987, 11, 6)
    )
    log_in(page, live_server, "province")
    page.goto(f"{live_server.url}/members/{member.pk}/edit/")
    assert page.input_value("#id_birth_date") == "06/11/1987"
    page.fill("#id_birth_date", "31/02/1980")
    page.click("[data-testid=save]")
    page.wait_for_selector("text=Ngày không tồn tại.")
    assert page.input_value("#id_birth_date") == "31/02/1980"  # what was typed stays for correction
    member.refresh_from_db()
    assert member.birth_date == date(1987, 11, 6)
    # The picker beside the field writes the chosen day the Vietnamese way.
    page.fill("#id_birth_date", "")
    page.locator("#id_birth_date ~ input.datepicker-native").fill("1980-02-29")
    page.locator("#id_birth_date ~ input.datepicker-native").dispatch_event("change")
    assert page.input_value("#id_birth_date") == "29/02/1980"
    page.click("[data-testid=save]")
    page.wait_for_selector("text=Đã lưu thay đổi.")
    member.refresh_from_db()
    assert member.birth_date == date(1980, 2, 29)
