"""The unit picker in a real browser: typed without accents, chosen with the keyboard, sent with the form."""

from __future__ import annotations

import pytest

from dangvu.members.models import Member
from dangvu.orgs.enums import OrgStatus
from dangvu.orgs.models import Org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-rat-manh-2026"


def log_in(page, live_server, username="province"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/home/")


def test_choosing_a_unit_with_the_keyboard_and_saving_a_member(page, live_server, people, tree):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/members/new/")
    combobox = page.locator("#id_org")
    assert combobox.get_attribute("role") == "combobox"
    assert combobox.get_attribute("aria-expanded") == "false"

    combobox.press_sequentially("thon")  # "Chi bộ thôn 1", "Chi bộ thôn 2": typed without accents
    options = page.locator("#id_org-listbox [role=option]")
    options.nth(1).wait_for()
    assert combobox.get_attribute("aria-expanded") == "true"
    assert options.count() == 2
    assert options.nth(0).inner_text().splitlines() == [
        "Chi bộ thôn 1",
        "Đảng ủy xã An Phú — Đảng bộ tỉnh Ninh Bình · Chi bộ cơ sở · A1",
    ]
    combobox.press("ArrowDown")
    combobox.press("ArrowDown")
    assert combobox.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    combobox.press("Enter")  # chooses; does not send the form
    assert page.url.endswith("/members/new/")
    assert combobox.input_value() == "Chi bộ thôn 2"
    assert page.locator("input[type=hidden][name=org]").input_value() == "A2"
    assert page.locator("#id_org-path").inner_text() == "Đảng ủy xã An Phú — Đảng bộ tỉnh Ninh Bình"
    assert combobox.get_attribute("aria-expanded") == "false"

    page.fill("#id_full_name", "Phạm Thị Lan")
    page.select_option("#id_sex", "female")
    page.fill("#id_full_name", "Phạm Thị Lan")
    page.locator("#id_full_name").press("Enter")
    page.wait_for_url(f"{live_server.url}/members/*/")
    assert Member.objects.get(full_name="Phạm Thị Lan").org == tree.a2


def test_escape_closes_the_list_and_a_unit_without_the_permission_is_not_offered(
    page, live_server, people, tree
):
    log_in(page, live_server, "secretary")  # bí thư of Chi bộ thôn 1 only
    page.goto(f"{live_server.url}/members/new/")
    combobox = page.locator("#id_org")
    combobox.press_sequentially("chi bo")
    options = page.locator("#id_org-listbox [role=option]")
    options.first.wait_for()
    assert [o.get_attribute("data-code") for o in options.all()] == ["A1"]
    combobox.press("Escape")
    assert page.locator("#id_org-listbox").is_hidden()
    assert combobox.get_attribute("aria-expanded") == "false"
    combobox.fill("")
    combobox.press_sequentially("khu pho")
    page.locator(".unit-picker-note").filter(has_text="Không tìm thấy đơn vị phù hợp.").wait_for()


def test_a_list_of_units_from_the_picker_merges_them(page, live_server, people, tree):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/orgs/{tree.a1.pk}/merge/")
    combobox = page.locator("#id_sources")
    combobox.press_sequentially("thon 2")
    option = page.locator("#id_sources-listbox [role=option][data-code=A2]")
    option.wait_for()
    combobox.press("ArrowDown")
    combobox.press("Enter")
    chips = page.locator(".unit-picker-chip")
    assert chips.count() == 1
    assert chips.first.inner_text().startswith("Chi bộ thôn 2")
    assert combobox.input_value() == ""
    combobox.press_sequentially("khu pho")
    page.locator("#id_sources-listbox [role=option][data-code=B1]").wait_for()
    combobox.press("ArrowDown")
    combobox.press("Enter")
    assert chips.count() == 2
    combobox.press("Backspace")  # the empty input's Backspace takes the last chip away
    assert chips.count() == 1
    assert page.locator("input[type=hidden][name=sources]").input_value() == "A2"

    page.fill("#id_effective_on", "01/11/2026")
    page.fill("#id_decision", "12-QĐ/ĐU")
    page.click("[data-testid=save]")
    page.locator("[data-testid=confirm-accept]").click()
    page.wait_for_url(f"{live_server.url}/orgs/{tree.a1.pk}/")
    assert Org.objects.get(pk=tree.a2.pk).status == OrgStatus.MERGED
    assert Org.objects.get(pk=tree.b1.pk).status == OrgStatus.ACTIVE


def test_without_javascript_a_code_typed_by_hand_still_works(browser, live_server, people, tree):
    context = browser.new_context(locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/members/?org=XB")
    assert page.locator("#id_org").input_value() == "XB"
    assert page.locator("#id_org").get_attribute("role") is None
    page.fill("#id_org", "an phu")  # a name that matches one unit is enough too
    page.click("[data-testid=filter-submit]")
    assert "org=an+phu" in page.url
    assert page.locator("#id_org").input_value() == "an phu"
    context.close()
