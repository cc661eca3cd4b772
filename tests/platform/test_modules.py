"""A module plugs in through one description: the toy module of the test suite (tests/toymodule), added
to INSTALLED_APPS and nothing else, appears in the navigation, the API schema, a unit page, the home
page, search, reminders and the roles' permissions; the platform apps import no business module."""

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from dangvu.accounts.grants import sync_default_grants
from dangvu.accounts.models import DefaultGrant, Role
from dangvu.accounts.services import role_set_permissions
from dangvu.core.modules import modules
from dangvu.notifications.models import Notification
from dangvu.notifications.reminders import send_due_reminders
from tests.toymodule.models import Note

pytestmark = pytest.mark.django_db

PLATFORM = {"core", "accounts", "audit", "orgs", "workcalendar", "links", "notifications", "web", "api"}
ROOT = Path(__file__).resolve().parents[2] / "dangvu"


@pytest.fixture
def notes(tree, people):
    Note.objects.create(
        org=tree.a1, title="Họp chi bộ tháng 12", due_on=date(2026, 11, 30), person=people.secretary
    )
    Note.objects.create(org=tree.b1, title="Ghi chú của phường", due_on=date(2026, 12, 5))


def test_the_toy_module_is_in_the_nav_and_its_pages_answer(people, notes):
    client = Client()
    client.force_login(people.secretary)
    home = client.get("/home/").content.decode()
    assert 'data-nav="toy"' in home
    link = home[home.index('data-nav="toy"') : home.index("Sổ tay thử nghiệm</span>")]
    assert "icons.svg#journal-text" in link  # the icon its description chose
    assert "Họp chi bộ tháng 12" in client.get("/toy/").content.decode()
    client.force_login(people.clerk)  # a văn thư was not granted toy.view
    assert 'data-nav="toy"' not in client.get("/home/").content.decode()


def test_the_toy_module_is_in_the_api_schema_and_scoped(people, notes):
    client = Client()
    client.force_login(people.secretary)
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["paths"]["/api/v1/toy"]["get"]["operationId"] == "toy_notes"
    assert client.get("/api/v1/toy").json() == ["Họp chi bộ tháng 12"]


def test_the_toy_panel_shows_on_unit_pages_for_those_allowed(people, tree, notes):
    client = Client()
    client.force_login(people.secretary)
    page = client.get(tree.a1.get_absolute_url()).content.decode()
    assert "Ghi chú thử nghiệm" in page
    assert "/toy/panel/?org=A1" in page
    client.force_login(people.clerk)
    assert "/toy/panel/" not in client.get(tree.a1.get_absolute_url()).content.decode()


def test_the_home_page_shows_the_toy_work_and_figures(people, notes):
    client = Client()
    client.force_login(people.secretary)
    html = client.get("/home/").content.decode()
    section = html[html.index('data-work="toy.notes"') :]
    assert "Ghi chú đến hạn" in section
    assert "Họp chi bộ tháng 12" in section
    assert "Ghi chú của phường" not in html  # B1 is outside the secretary's chi bộ
    assert 'data-figure="toy.notes"' in html
    results = client.get("/search/", {"q": "chi bộ"}).content.decode()
    assert "Họp chi bộ tháng 12" in results


def test_the_toy_reminders_are_sent_once(people, notes):
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    assert Notification.objects.get(recipient=people.secretary).title == "Đến hạn: Họp chi bộ tháng 12"


def test_default_grants_are_given_once_and_a_removal_stands(people):
    secretary_role = Role.objects.get(code="bi-thu-chi-bo")
    assert "toy.view" in secretary_role.permissions  # granted by the description after migrate
    assert "toy.view" not in Role.objects.get(code="van-thu").permissions
    assert DefaultGrant.objects.filter(role_code="bi-thu-chi-bo", permission="toy.view").exists()
    role_set_permissions(
        actor=people.admin,
        role=secretary_role,
        permissions=[p for p in secretary_role.permissions if p != "toy.view"],
    )
    assert sync_default_grants() == []
    assert "toy.view" not in Role.objects.get(code="bi-thu-chi-bo").permissions


def test_every_menu_icon_is_in_the_ui_kits_sprite():
    sprite = (ROOT / "web" / "static" / "web" / "vendor" / "icons.svg").read_text(encoding="utf-8")
    icons = {entry.key: entry.icon for m in modules() for entry in m.nav}
    assert {"orgs", "members", "documents", "toy"} <= set(icons)
    assert [key for key, icon in icons.items() if f'id="{icon}"' not in sprite] == []


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_platform_apps_import_no_business_module():
    offending = []
    files = [ROOT / "urls.py", ROOT / "settings.py"]
    for app in PLATFORM:
        files += [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    for path in files:
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "dangvu" and len(parts) > 1 and parts[1] not in PLATFORM | {"settings"}:
                offending.append(f"{path.relative_to(ROOT)}: {name}")
    assert offending == []


def test_the_platform_templates_name_no_business_module():
    """Nor through a template: no URL of a business module (``{% url "members:list" %}``) and no
    template of one (``{% include "members/…" %}``) in a platform app's templates."""
    business = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()} - PLATFORM
    assert {"members", "documents"} <= business
    tag = re.compile(r"{%\s*(?:url|include|extends)\s+['\"](" + "|".join(business) + r")[:/]")
    offending = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for app in PLATFORM
        for path in (ROOT / app).rglob("*.html")
        for match in tag.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offending == []


def test_the_home_page_lists_the_members_work_overdue_first(tree, people):
    from dangvu.members import lifecycle
    from dangvu.members.services import member_create

    lifecycle.member_admit(
        actor=people.admin,
        org=tree.a1,
        full_name="Phạm Thị Hoa",
        sex="female",
        birth_date=date(2000, 1, 1),
        admitted_on=date(2025, 1, 5),
        ceremony_on=date(2025, 1, 20),
    )
    moving = member_create(actor=people.admin, org=tree.b1, full_name="Lê Văn Bình", sex="male")
    lifecycle.member_transfer_out(
        actor=people.admin, member=moving, kind="official", to_org=tree.a1, issued_on=date(2026, 11, 2)
    )
    client = Client()
    client.force_login(people.secretary)
    html = client.get("/home/").content.decode()
    recognition = html.index('data-work="members.recognition"')
    transfers = html.index('data-work="members.transfers_in"')
    assert recognition < transfers  # the overdue recognition first
    assert "Phạm Thị Hoa" in html[recognition:transfers]
    assert "quá hạn" in html[recognition:transfers]
    receive_link = f"/members/transfers/{moving.transfers.get().pk}/receive/"
    assert receive_link in html
    assert client.get(receive_link).status_code == 302
