"""Bounded worklists (issue 12): SQL chooses, orders and counts the recognition and badge rows, a page
loads only its rows, ``badge_eligibility`` confirms them, and "see all" pages through every row with the
same total. Today is 1/12/2026 (tests/conftest.py): the next award day is 3/2/2027."""

from datetime import date

import pytest

from dangvu.members import lifecycle, worklists
from dangvu.members.models import Award, Member
from dangvu.members.services import member_create

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)


def _section(html: str, testid: str) -> str:
    start = html.index(f'<section class="card" data-testid="{testid}">')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def new(tree, admin_user):
    def make(name, admitted_on, org=None, **fields):
        return member_create(
            actor=admin_user,
            org=org or tree.a1,
            full_name=name,
            sex="male",
            birth_date=date(1960, 1, 1),
            admitted_on=admitted_on,
            recognized_on=admitted_on.replace(year=admitted_on.year + 1),
            **fields,
        )

    return make


@pytest.fixture
def candidates(new, admin_user, tree):
    """Five badge candidates in the order they reach their milestone, and three members SQL leaves out."""
    new("Ba Ngày Hai", date(1996, 3, 2))  # 30 years on 2/3/2026
    new("Bốn Tháng Sáu", date(1986, 6, 4), org=tree.b1)  # 40 years on 4/6/2026
    new("Năm Tháng Mười", date(1976, 10, 5))  # 50 years on 5/10/2026
    dead = new("Mất Tháng Chín", date(1977, 1, 20))  # would reach 50 years on 20/1/2027
    lifecycle.member_mark_deceased(actor=admin_user, member=dead, died_on=date(2026, 9, 1))
    new("Một Tháng Hai", date(1997, 2, 1))  # 30 years on 1/2/2027
    awarded = new("Đã Nhận", date(1996, 5, 1))  # 30 years on 1/5/2026, badge already awarded
    Award.objects.create(
        member=awarded,
        kind="badge",
        milestone_years=30,
        title="Huy hiệu 30 năm",
        awarded_on=date(2026, 5, 19),
    )
    warned = new("Bị Cảnh Cáo", date(1996, 7, 1))  # 30 years on 1/7/2026, a warning waits 9 months
    warned.disciplines.create(form="canh-cao", decided_on=date(2026, 8, 1), decision="3-QĐ/UBKT")
    new("Chưa Đến", date(1997, 3, 1))  # 30 years on 1/3/2027, after the award day
    return ["Ba Ngày Hai", "Bốn Tháng Sáu", "Năm Tháng Mười", "Mất Tháng Chín", "Một Tháng Hai"]


def test_badge_rows_are_counted_and_paged_in_sql_order(candidates):
    rows = worklists.badge_candidate_rows(Member.objects.all(), TODAY)
    assert rows.count() == 5
    assert [c.member.full_name for c in rows[0:2]] == candidates[:2]
    assert [c.member.full_name for c in rows[2:4]] == candidates[2:4]
    assert [(c.member.full_name, c.milestone, c.reached_on, c.posthumous) for c in rows[4:6]] == [
        ("Một Tháng Hai", 30, date(2027, 2, 1), False)
    ]
    assert [c.member.full_name for c in worklists.badge_candidates(Member.objects.all(), TODAY)] == candidates


def test_the_overview_shows_the_true_total_and_see_all_pages_through_every_candidate(
    candidates, people, client, monkeypatch
):
    monkeypatch.setattr("dangvu.members.views.WORKLIST_ROWS", 2)
    monkeypatch.setattr("dangvu.members.views.WORKLIST_PAGE_ROWS", 2)
    client.force_login(people.province)
    html = client.get("/members/worklists/", {"org": "TU"}).content.decode()
    assert 'data-testid="badges-total">5<' in html
    assert 'data-testid="badges-more">Đang hiện 2 trên 5' in html
    assert 'data-testid="badges-all" href="/members/worklists/badges/?org=TU"' in html
    badges = _section(html, "badges")
    assert [name for name in candidates if name in badges] == candidates[:2]
    pages = [
        client.get("/members/worklists/badges/", {"org": "TU", "page": page}).content.decode()
        for page in (1, 2, 3)
    ]
    for number, page in enumerate(pages):
        assert 'data-testid="badges-total">5<' in page
        shown = _section(page, "badges")
        assert [name for name in candidates if name in shown] == candidates[2 * number : 2 * number + 2]
    assert "Trang 3/3" in pages[2]
    assert "Đã Nhận" not in "".join(pages)
    assert "Bị Cảnh Cáo" not in "".join(pages)


def test_a_unit_sees_only_its_own_candidates_in_the_total(candidates, people, client):
    client.force_login(people.province)
    html = client.get("/members/worklists/badges/", {"org": "B1"}).content.decode()
    assert 'data-testid="badges-total">1<' in html
    assert "Bốn Tháng Sáu" in html
    assert "Ba Ngày Hai" not in html


def test_recognition_rows_are_counted_and_paged_oldest_ceremony_first(
    tree, admin_user, people, client, monkeypatch
):
    def admit(name, on):
        lifecycle.member_admit(
            actor=admin_user,
            org=tree.a1,
            full_name=name,
            sex="female",
            birth_date=date(1995, 1, 1),
            admitted_on=on,
            ceremony_on=on,
        )

    for day in (20, 5, 12):  # probation ends on the same days of 2026
        admit(f"Dự Bị {day}", date(2025, 11, day))
    admit("Dự Bị Mới", date(2026, 6, 1))  # ends on 1/6/2027: not yet
    rows = worklists.recognition_rows(Member.objects.all(), TODAY)
    assert rows.count() == 3
    assert [(r.member.full_name, r.probation_ends_on, r.overdue) for r in rows[1:3]] == [
        ("Dự Bị 12", date(2026, 11, 12), False),
        ("Dự Bị 20", date(2026, 11, 20), False),
    ]
    monkeypatch.setattr("dangvu.members.views.WORKLIST_PAGE_ROWS", 2)
    client.force_login(people.province)
    second = client.get("/members/worklists/recognition/", {"org": "TU", "page": 2}).content.decode()
    assert 'data-testid="recognition-total">3<' in second
    assert [name for name in ("Dự Bị 5", "Dự Bị 12", "Dự Bị 20") if name in second] == ["Dự Bị 20"]


def test_rows_the_rule_refuses_are_replaced_by_the_following_ones(new):
    for name in ("An", "Bình", "Cường", "Dũng", "Giang"):
        new(name, date(1990, 1, 1))
    refused = {"An", "Bình", "Cường"}
    rows = worklists.ConfirmedRows(
        Member.objects.order_by("sort_key", "pk"),
        lambda batch: [m.full_name for m in batch if m.full_name not in refused],
    )
    assert rows[0:2] == ["Dũng", "Giang"]  # three refused rows cost more fetches, the page stays full
    assert rows[0:None] == ["Dũng", "Giang"]


@pytest.mark.parametrize(
    ("form", "decided_on", "wait_ends_on"),
    [
        ("canh-cao", date(2026, 6, 1), date(2027, 3, 1)),  # QĐ 294: 9 months, past the award day
        ("khien-trach", date(2026, 8, 3), date(2027, 2, 3)),  # 6 months: ends on the award day
        ("cach-chuc", date(2026, 1, 20), date(2027, 1, 20)),  # 12 months: ends before it
        ("khai-tru", date(2026, 11, 1), None),  # an expulsion is not a wait
    ],
)
def test_the_sql_discipline_wait_agrees_with_the_rule(new, form, decided_on, wait_ends_on):
    member = new("Nguyễn Văn Kỷ", date(1996, 9, 1))  # 30 years on 1/9/2026
    member.disciplines.create(form=form, decided_on=decided_on, decision="4-QĐ/UBKT")
    held = wait_ends_on is not None and wait_ends_on > date(2027, 2, 3)
    rows = worklists.badge_candidate_rows(Member.objects.all(), TODAY)
    assert rows.count() == (0 if held else 1)
    assert len(rows[0:10]) == rows.count()
