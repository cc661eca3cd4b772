"""Key journeys in a real browser: log in, switch language, browse the org tree, log out."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-rat-manh-2026"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/home/")


def test_log_in_switch_language_browse_tree_log_out(page, live_server, people, tree):
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "sai-mat-khau")
    page.click("[data-testid=login-submit]")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.content()

    log_in(page, live_server, "clerk")
    assert "Xin chào" in page.locator("h1").inner_text()

    page.click("[data-lang=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Hello" in page.locator("h1").inner_text()
    assert page.locator("[data-nav=orgs]").inner_text() == "Party organisations"
    page.click("[data-lang=vi]")
    page.wait_for_selector("html[lang=vi]")

    page.click("[data-nav=orgs]")
    tree_box = page.locator("[data-testid=org-tree]")
    assert "Đảng ủy xã An Phú" in tree_box.inner_text()
    assert "Chi bộ thôn 1" not in tree_box.inner_text()
    page.click(f"[data-testid=expand-{tree.xa.pk}]")  # htmx loads the sub-units in place
    page.wait_for_selector("text=Chi bộ thôn 1")
    page.click("text=Chi bộ thôn 2")
    assert page.locator("[data-testid=org-name]").inner_text().startswith("Chi bộ thôn 2")
    assert "Đảng ủy xã An Phú" in page.locator(".breadcrumb").inner_text()

    page.fill("#q", "thon 1") if page.url.endswith("/orgs/") else page.goto(
        f"{live_server.url}/orgs/?q=thon+1"
    )
    assert "Chi bộ thôn 1" in page.content()

    page.click("[data-testid=user-menu]")  # the user menu holds the profile and log-out
    page.click("[data-testid=logout]")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "Bạn đã đăng xuất" in page.content()
    page.goto(f"{live_server.url}/orgs/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")


def test_board_member_renames_a_unit_in_the_browser(page, live_server, people, tree):
    log_in(page, live_server, "province")
    page.goto(f"{live_server.url}/orgs/{tree.a1.pk}/rename/")
    page.fill("#id_name", "Chi bộ thôn Một")
    page.fill("#id_effective_on", "2026-03-01")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=org-name]")
    assert page.locator("[data-testid=org-name]").inner_text().startswith("Chi bộ thôn Một")
    assert "Đã đổi tên đơn vị." in page.content()
