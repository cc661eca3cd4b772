"""The interface language: Vietnamese whatever the browser says; English through the switch, remembered
for the person (on any computer) and, logged out, in the cookie; the API always Vietnamese + English."""

import pytest
from django.conf import settings
from django.test import Client

from dangvu.accounts.models import User
from dangvu.orgs.services import org_create
from tests.conftest import org_type

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-rat-manh-2026"
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def switch(client, language, next_url="/home/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url}, follow=True)


def log_in(client, username, **headers):
    return client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}, follow=True, **headers
    )


def test_an_english_browser_still_gets_vietnamese(people):
    client = Client()
    page = client.get("/accounts/login/", **ENGLISH_BROWSER).content.decode()
    assert '<html lang="vi">' in page
    assert "Tên đăng nhập" in page
    home = log_in(client, "clerk", **ENGLISH_BROWSER)
    html = home.content.decode()
    assert '<html lang="vi">' in html
    assert "Tổ chức đảng" in html
    assert home.headers["Content-Language"] == "vi"


def test_the_switch_on_the_login_page_is_kept_in_a_cookie(people):
    client = Client()
    page = switch(client, "en", "/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Username" in page
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    again = client.get("/accounts/login/").content.decode()
    assert "Username" in again
    back = switch(client, "vi", "/accounts/login/").content.decode()
    assert "Tên đăng nhập" in back


def test_a_users_choice_follows_them_to_another_computer(people):
    office = Client()
    office.force_login(people.clerk)
    html = switch(office, "en").content.decode()
    assert "Party organisations" in html
    assert User.objects.get(pk=people.clerk.pk).language == "en"

    home = Client()  # another computer: no cookie, a Vietnamese browser
    response = log_in(home, "clerk", HTTP_ACCEPT_LANGUAGE="vi")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Party organisations" in html
    assert home.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_a_saved_choice_wins_over_the_computers_cookie_at_log_in(people):
    User.objects.filter(pk=people.clerk.pk).update(language="vi")
    shared = Client()
    switch(shared, "en", "/accounts/login/")  # the previous person's choice on this computer
    html = log_in(shared, "clerk").content.decode()
    assert '<html lang="vi">' in html
    assert shared.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"


def test_a_choice_made_before_logging_in_is_remembered_for_the_user(people):
    client = Client()
    switch(client, "en", "/accounts/login/")
    html = log_in(client, "secretary").content.decode()
    assert "Party organisations" in html
    assert User.objects.get(pk=people.secretary.pk).language == "en"


def test_after_log_out_the_login_page_keeps_the_users_language(people):
    User.objects.filter(pk=people.clerk.pk).update(language="en")
    client = Client()
    log_in(client, "clerk")
    page = client.post("/accounts/logout/", follow=True).content.decode()
    assert "You have logged out." in page
    assert "Username" in page


def test_english_pages_show_translated_choices_labels_and_messages(people, tree):
    client = Client()
    client.force_login(people.province)
    switch(client, "en")
    form = client.get(f"/orgs/{tree.xa.pk}/add/").content.decode()
    assert "Unit name" in form
    assert "Legal basis (decision number)" in form
    refused = client.post(
        f"/orgs/{tree.xa.pk}/add/",
        {"name": "Chi bộ mới", "code": "A1", "org_type": org_type("chi-bo-co-so").pk},
    ).content.decode()
    assert "The unit code “A1” is already taken." in refused
    dissolved = org_create(
        actor=people.admin, name="Chi bộ cũ", code="OLD", org_type=org_type("chi-bo-co-so"), parent=tree.xa
    )
    client.post(
        f"/orgs/{dissolved.pk}/dissolve/", {"effective_on": "2026-02-02", "decision": "1", "confirm": "on"}
    )
    detail = client.get(f"/orgs/{dissolved.pk}/").content.decode()
    assert "Dissolution" in detail  # the organisation event, a TextChoices label


def test_the_api_answers_in_vietnamese_with_english_beside_it_whatever_the_users_language(people, tree):
    User.objects.filter(pk=people.clerk.pk).update(language="en")
    client = Client()
    client.force_login(people.clerk)
    response = client.get(f"/api/v1/orgs/{tree.b1.pk}")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "Không tìm thấy.",
        "message_en": "Not found.",
        "details": [],
    }
    assert response.headers["Content-Language"] == "vi"
