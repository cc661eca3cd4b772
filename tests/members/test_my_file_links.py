"""“Hồ sơ của tôi” offers a plain member only links they may follow: every one of them answers 200."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.management import call_command
from django.test import Client

from dangvu.accounts.models import User
from dangvu.members.models import Member

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a\b[^>]*\bhref="([^"]*)"')


def internal_links(html: str) -> list[str]:
    """The page's own links (not anchors on the page, not other sites), each once."""
    links = [unescape(href) for href in HREF.findall(html)]
    return sorted({href for href in links if href.startswith("/") and not href.startswith("//")})


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--members", "300", "--seed", "3")


def test_every_link_on_the_demo_members_own_file_answers_200(demo):
    account = User.objects.get(username="dangvien")
    member = Member.objects.get(user=account)
    client = Client()
    client.force_login(account)
    page = client.get("/members/mine/", follow=True)
    assert page.redirect_chain == [(f"/members/{member.pk}/", 302)]
    html = page.content.decode()
    links = internal_links(html)
    assert f"/members/{member.pk}/" in links or "/members/mine/" in links
    refused = {}
    for href in links:
        response = client.get(href)
        if response.status_code == 302 and response["Location"] == f"/members/{member.pk}/":
            continue  # "Hồ sơ của tôi" in the menu leads back to this page
        if response.status_code != 200:
            refused[href] = response.status_code
    assert refused == {}
    # The breadcrumbs say where the member is, not the member list their role does not open.
    breadcrumbs = re.search(r'<ol class="breadcrumb">(.*?)</ol>', html, re.S)
    assert breadcrumbs is not None
    assert "/members/" not in links
    assert re.sub(r"<[^>]+>", "", breadcrumbs.group(1)).strip() == "Hồ sơ của tôi"
