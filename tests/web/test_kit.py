"""The UI kit on the server side: the shell, form fields, confirmations, sorting, icons."""

import base64
import re
from datetime import date

import pytest

from dangvu.audit.models import AuditEntry
from dangvu.members.services import member_create
from dangvu.web.templatetags.dangvu import inline_svg

pytestmark = pytest.mark.django_db


def test_the_shell_marks_the_current_module_and_loads_no_inline_script_or_style(people, client):
    client.force_login(people.province)
    html = client.get("/members/").content.decode()
    assert re.search(r'class="nav-link active" href="/members/" data-nav="members" aria-current="page"', html)
    assert 'data-nav="orgs" aria-current' not in html
    assert "<style" not in html
    assert " style=" not in html
    assert re.findall(r"<script(?![^>]* src=)", html) == []  # every script is a file
    assert " hx-on" not in html
    assert "&quot;includeIndicatorStyles&quot;:false" in html or '"includeIndicatorStyles":false' in html


def test_form_fields_have_labels_required_marks_and_errors_beside_them(people, tree, client):
    client.force_login(people.province)
    html = client.post(f"/orgs/{tree.a1.pk}/rename/", {"name": ""}).content.decode()
    field = html[html.index('<label class="form-label" for="id_name">') :]
    field = field[: field.index("</div>\n</div>")]
    assert 'Tên mới<span class="kit-required" aria-hidden="true"> *</span>' in field
    assert 'class="form-control is-invalid"' in field
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_name_error"' in field
    assert '<div class="invalid-feedback d-block" id="id_name_error">' in field


def test_a_final_action_names_its_consequence_and_asks_before_it_is_sent(people, tree, client):
    official = member_create(
        actor=people.admin,
        org=tree.a1,
        full_name="Nguyễn Văn Đức",
        sex="male",
        admitted_on=date(2005, 3, 1),
        recognized_on=date(2006, 3, 1),
    )
    client.force_login(people.province)
    html = client.get(f"/orgs/{tree.a2.pk}/dissolve/").content.decode()
    assert 'data-testid="consequence"' in html
    assert "Hồ sơ và lịch sử của đơn vị được giữ lại." in html
    button = re.search(r'<button type="submit"[^>]*data-testid="save"[^>]*>([^<]*)</button>', html)
    assert 'data-confirm="Giải thể đơn vị?"' in button.group(0)
    assert button.group(1) == "Giải thể"
    remove = client.get(f"/members/{official.pk}/remove/").content.decode()  # a workflow verb brings its own
    assert "phải nộp lại Huy hiệu Đảng" in remove[remove.index('data-testid="consequence"') :]
    assert 'data-confirm="Xóa tên: Nguyễn Văn Đức?"' in remove
    rename = client.get(f"/orgs/{tree.a2.pk}/rename/").content.decode()
    assert 'data-confirm="' not in rename
    assert 'data-testid="consequence"' not in rename


def test_the_audit_log_sorts_by_number_both_ways(people, tree, admin_user, client):
    client.force_login(admin_user)
    newest_first = client.get("/audit/").content.decode()
    oldest_first = client.get("/audit/", {"sort": "seq"}).content.decode()
    numbers = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    first, last = numbers[0], numbers[-1]
    assert re.search(r'<td data-label="#">(\d+)</td>', newest_first).group(1) == str(last)
    assert re.search(r'<td data-label="#">(\d+)</td>', oldest_first).group(1) == str(first)
    assert 'aria-sort="descending"><a class="kit-sort active" href="?sort=seq"' in newest_first
    assert 'aria-sort="ascending"><a class="kit-sort active" href="?sort=-seq"' in oldest_first


def test_a_server_made_svg_is_written_into_the_page_with_its_label():
    encoded = base64.b64encode(b'<?xml version=\'1.0\'?>\n<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>')
    assert inline_svg(encoded.decode(), "Mã QR") == (
        '<svg role="img" aria-label="Mã QR" viewBox="0 0 1 1"><path d="M0 0"/></svg>'
    )
    assert inline_svg(base64.b64encode(b"<svg><script>x</script></svg>").decode(), "x") == ""


def test_every_icon_a_template_names_is_in_the_sprite():
    """An icon missing from the vendored sprite shows as an empty gap before its button's text."""
    from pathlib import Path

    import dangvu

    package = Path(dangvu.__file__).parent
    named = {
        name
        for path in package.rglob("templates/**/*.html")
        for name in re.findall(r'\{% icon "([a-z0-9-]+)"', path.read_text(encoding="utf-8"))
    }
    sprite = (package / "web/static/web/vendor/icons.svg").read_text(encoding="utf-8")
    assert len(named) > 30
    assert sorted(name for name in named if f'<symbol id="{name}"' not in sprite) == []
