"""Every main page at a desktop (1366 px) and a phone (390 px) width, as the administrator sees it (every
module), and a plain member's own file ("Hồ sơ của tôi") as the member sees it.

For each page: nothing wider than the screen (what is wider scrolls inside its own box), no two visible
controls on top of each other, no serious or critical accessibility violation (axe-core, at 1366 px), and
no Content-Security-Policy violation under the strict policy django-csp sends on every response
(tests/csp.py). Screenshots go to var/screenshots/<width>/ (or $DANGVU_SCREENSHOTS) for a reviewer.
One browser context per width, one log-in each.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dangvu.documents.models import IssuingOrgan
from dangvu.documents.services import document_draft
from dangvu.links.services import link_create
from dangvu.members import lifecycle
from dangvu.members.services import member_create, member_link_account
from dangvu.notifications.services import notify
from dangvu.orgs.models import Term
from tests.conftest import grant, make_user
from tests.csp import STRICT_CSP, directives

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-rat-manh-2026"
SCREENSHOTS = Path(
    os.environ.get("DANGVU_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "var/screenshots"
)
# Content wider than the screen that is not held in a box that scrolls (the worst right edge, in px).
WIDEST = """() => { let worst = 0;
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect(); if (!r.width || r.right <= innerWidth + 1) continue;
    if (getComputedStyle(e).visibility === 'hidden') continue;
    let held = false;
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if ((o === 'auto' || o === 'scroll' || o === 'hidden')
          && a.getBoundingClientRect().right <= innerWidth + 1) { held = true; break; }
    }
    if (!held) worst = Math.max(worst, r.right);
  }
  return Math.round(Math.max(worst, document.documentElement.scrollWidth)); }"""

# The boxes of every visible control; pairs of different controls whose boxes cross by more than 2 px.
OVERLAPS = """() => {
  const controls = [...document.querySelectorAll('a, button, input, select, textarea, [role=button]')]
    .filter(e => { const s = getComputedStyle(e);
      return s.visibility !== 'hidden' && s.display !== 'none' && s.opacity !== '0'
        && !e.closest('.visually-hidden, .visually-hidden-focusable'); });
  // What shows of a box: clipped by every scrolling or clipping box around it.
  const clip = (e, r) => { let [l, t, rt, b] = [r.left, r.top, r.right, r.bottom];
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') { const c = a.getBoundingClientRect();
        l = Math.max(l, c.left); t = Math.max(t, c.top); rt = Math.min(rt, c.right); b = Math.min(b, c.bottom); } }
    return {l, t: t + scrollY, r: rt, b: b + scrollY}; };
  const boxes = controls.flatMap((e, i) => [...e.getClientRects()]
    .map(r => ({i, e, ...clip(e, r)}))
    .filter(x => x.r - x.l > 2 && x.b - x.t > 2));
  const name = e => (e.innerText || e.value || e.getAttribute('aria-label') || e.name || e.tagName)
    .trim().slice(0, 40);
  const hits = [];
  for (let x = 0; x < boxes.length; x++) for (let y = x + 1; y < boxes.length; y++) {
    const a = boxes[x], b = boxes[y];
    if (a.i === b.i || a.e.contains(b.e) || b.e.contains(a.e)) continue;
    if (Math.min(a.r, b.r) - Math.max(a.l, b.l) > 2 && Math.min(a.b, b.b) - Math.max(a.t, b.t) > 2)
      hits.push(name(a.e) + ' × ' + name(b.e));
  }
  return hits; }"""


@pytest.fixture
def office(people, tree, admin_user):
    """A unit with members in every state a page shows: due for recognition, transferring, incomplete."""
    due = lifecycle.member_admit(
        actor=admin_user,
        org=tree.a1,
        full_name="Phạm Thị Hoa",
        sex="female",
        birth_date=date(1990, 1, 1),
        admitted_on=date(2025, 10, 5),
        ceremony_on=date(2025, 10, 20),
    )
    veteran = member_create(
        actor=admin_user,
        org=tree.a1,
        full_name="Nguyễn Văn Đức",
        sex="male",
        birth_date=date(1950, 1, 2),
        cccd="001050000123",
        admitted_on=date(1976, 3, 1),
        recognized_on=date(1977, 3, 1),
        hometown="Nam Định",
    )
    moving = member_create(
        actor=admin_user, org=tree.a2, full_name="Lê Văn Bình", sex="male", birth_date=date(1985, 4, 5)
    )
    lifecycle.member_transfer_out(
        actor=admin_user, member=moving, kind="official", to_org=tree.a1, issued_on=date(2026, 11, 20)
    )
    link_create(actor=admin_user, source=veteran, target=tree.a1, kind="related")
    notify(
        recipients=[admin_user],
        title="Có đảng viên đến hạn xét công nhận chính thức",
        url=due.get_absolute_url(),
    )
    IssuingOrgan.objects.create(org=tree.xa, place="Ninh Bình", parent_line="Đảng bộ tỉnh Ninh Bình")
    Term.objects.create(org=tree.xa, name="2025–2030", starts_on="2025-08-01")
    outgoing = document_draft(
        actor=admin_user,
        org=tree.xa,
        doc_type="NQ",
        subject="về công tác chuyển đổi số năm 2027",
        body="Đảng ủy xã quyết nghị:\nĐẩy mạnh số hóa văn bản đi, đến.",
        recipients=[tree.xb],
        recipients_text="Đảng ủy phường Đông Tiến\nLưu Văn phòng",
        authority="T/M ĐẢNG ỦY",
        signer_title="BÍ THƯ",
        signer_name="Lê Quang Hùng",
    )
    # A plain member with an account linked to their file ("Hồ sơ của tôi").
    own = make_user("hanh")
    grant(own, "dang-vien", tree.a1)
    member_link_account(actor=admin_user, member=veteran, user=own)
    return {"due": due, "veteran": veteran, "document": outgoing}


@pytest.fixture
def archive_office(tree, admin_user):
    """A list of files with an open file, a closed one waiting for the archive and a handover record."""
    from dangvu.documents import archive, filing
    from dangvu.documents.models import RetentionPeriod

    def entry(code, year, **values):
        return filing.file_heading_create(
            actor=admin_user,
            org=tree.xa,
            year=year,
            code=code,
            title=f"Hồ sơ {code}: nghị quyết, chương trình công tác năm của Đảng ủy xã",
            section="I. Tổng hợp",
            keeper="Văn phòng Đảng ủy",
            **values,
        )

    opened = entry("01.TH", 2026, retention_period=RetentionPeriod.objects.get(code="1.1"))
    waiting, handed = entry("02.TH", 2025, retention_years=10), entry("03.TH", 2025, retention_years=None)
    for file in (waiting, handed):
        archive.file_heading_close(
            actor=admin_user, heading=file, closed_on=date(2025, 12, 20), page_count=40
        )
    record = archive.archive_handover_create(
        actor=admin_user,
        org=tree.xa,
        headings=[handed],
        handed_on=date(2026, 11, 30),
        delivered_by="Nguyễn Thị Lan, văn thư",
        received_by="Trần Văn Minh, lưu trữ cơ quan",
        archive_name="Lưu trữ Đảng ủy xã An Phú",
    )
    return [
        ("files", "/documents/files/?org=XA&year=2026"),
        ("file-heading-new", "/documents/files/new/"),
        ("file-heading-open", f"/documents/files/{opened.pk}/"),
        ("file-heading-closed", f"/documents/files/{waiting.pk}/"),
        ("handovers", "/documents/files/handovers/?org=XA"),
        ("handover", f"/documents/files/handovers/{record.pk}/"),
    ]


def _pages(tree, office):
    veteran = office["veteran"].pk
    return [
        ("home", "/home/"),
        ("orgs", "/orgs/"),
        ("org", f"/orgs/{tree.xa.pk}/"),
        ("org-dissolve", f"/orgs/{tree.a2.pk}/dissolve/"),
        ("members", "/members/"),
        ("member", f"/members/{veteran}/"),
        ("member-edit", f"/members/{veteran}/edit/"),
        ("member-remove", f"/members/{veteran}/remove/"),
        ("worklists", "/members/worklists/?org=XA"),
        ("quality", "/members/quality/?org=XA"),
        ("stats", "/members/stats/?org=XA"),
        ("import", "/members/import/"),
        ("proposals", "/members/proposals/"),
        ("authority", "/members/authority/"),
        ("propose", f"/members/{veteran}/propose/badge/"),
        ("audit", "/audit/"),
        ("calendar", "/calendar/?year=2026"),
        ("notifications", "/notifications/"),
        ("profile", "/accounts/profile/"),
        ("two-factor", "/accounts/2fa/setup/"),
        ("member-new", "/members/new/"),
        ("org-merge", f"/orgs/{tree.xa.pk}/merge/"),
        ("search", "/search/?q=thon"),
        ("documents", "/documents/"),
        ("document", f"/documents/{office['document'].pk}/"),
        ("document-outgoing", "/documents/new/outgoing/"),
        ("document-incoming", "/documents/new/incoming/"),
        ("documents-kpi", "/documents/kpi/"),
    ]


# What a plain member opens: their own file, from the menu.
MEMBER_PAGES = [("mine", "/members/mine/"), ("mine-home", "/home/"), ("mine-profile", "/accounts/profile/")]


def _problems(page, width, name, csp_errors, axe):
    problems = []
    widest = page.evaluate(WIDEST)
    if widest > width + 1:
        problems.append(f"{width}px {name}: content {widest}px wide")
    if hits := page.evaluate(OVERLAPS):
        problems.append(f"{width}px {name}: overlapping {hits[:4]}")
    if csp_errors:
        problems.append(f"{width}px {name}: CSP {csp_errors[:3]}")
    if axe is not None:
        found = axe.run(page).response["violations"]
        bad = [f"{v['id']} ({v['impact']})" for v in found if v.get("impact") in ("serious", "critical")]
        if bad:
            problems.append(f"{width}px {name}: axe {bad}")
    return problems


def _walk(browser, live_server, pages, width, axe, username="admin"):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    folder = SCREENSHOTS / str(width)
    folder.mkdir(parents=True, exist_ok=True)
    problems = []
    page.goto(f"{live_server.url}/accounts/login/")
    page.screenshot(path=str(folder / "login.png"), full_page=True)
    problems += _problems(page, width, "login", csp_errors, axe)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/home/")
    for name, path in pages:
        csp_errors.clear()
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{path}: {response.status}"
        # Panels that htmx loads after the page (a unit's charts) are part of what the user sees.
        expect(page.locator("[hx-trigger=load] .spinner-border")).to_have_count(0)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        problems += _problems(page, width, name, csp_errors, axe)
    context.close()
    return problems


def test_every_main_page_fits_phone_and_desktop_and_passes_axe_and_csp(browser, live_server, tree, office):
    from axe_playwright_python.sync_playwright import Axe

    pages = _pages(tree, office)
    problems = _walk(browser, live_server, pages, 1366, Axe())
    problems += _walk(browser, live_server, pages, 390, None)
    problems += _walk(browser, live_server, MEMBER_PAGES, 1366, Axe(), username="hanh")
    problems += _walk(browser, live_server, MEMBER_PAGES, 390, None, username="hanh")
    print(f"screenshots: {SCREENSHOTS}/<width>/<page>.png")
    assert problems == []


def test_the_strict_policy_is_enforced_in_these_checks(browser, live_server, people):
    """The CSP check can fail: a page served under the test policy refuses an inline style, and says so."""
    context = browser.new_context()
    page = context.new_page()
    reported: list[str] = []
    page.on("console", lambda message: reported.append(message.text))
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert directives(response.headers["content-security-policy"]) == directives(STRICT_CSP)
    page.evaluate("""document.body.insertAdjacentHTML('beforeend', '<p style="color: red">x</p>')""")
    page.wait_for_timeout(200)
    context.close()
    assert any(re.search(r"Content Security Policy.*style-src", text) for text in reported), reported


def test_the_layout_checks_find_what_they_look_for(browser):
    """The checks above can fail: a page too wide, two buttons on top of each other, an unlabelled field."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 390, "height": 600})
    page = context.new_page()
    page.set_content(
        '<html lang="vi"><head><title>x</title></head><body style="margin: 0"><main>'
        '<div style="width: 500px">rộng</div>'
        '<div style="position: relative; height: 40px"><button style="position: absolute; left: 0">Một</button>'
        '<button style="position: absolute; left: 10px">Hai</button></div>'
        '<input type="text"></main></body></html>'
    )
    problems = _problems(page, 390, "test", [], Axe())
    context.close()
    assert problems == [
        "390px test: content 500px wide",
        "390px test: overlapping ['Một × Hai']",
        "390px test: axe ['label (critical)']",
    ]


def test_the_filing_and_archive_pages_fit_phone_and_desktop(browser, live_server, archive_office):
    from axe_playwright_python.sync_playwright import Axe

    problems = _walk(browser, live_server, archive_office, 1366, Axe())
    problems += _walk(browser, live_server, archive_office, 390, None)
    assert problems == []
