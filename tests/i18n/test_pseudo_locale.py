"""Every page, rendered in a pseudo-language, shows no text that bypasses the translation catalogue.

A catalogue is generated for the language ``xx`` that wraps every translation in ⟦…⟧ (our strings,
Django's and the installed apps'), and the pages are rendered in it as the superuser (who may see
every page): every URL pattern the site serves, found by following the links and panels of the pages
from the home page and the pages without parameters, and as a visitor the log-in, lockout and 404
pages. Django's admin, downloads and the JSON API are left out (NOT_PAGES says why). Any visible
text (text nodes and the title, placeholder, aria-label, alt and button-value attributes) that is
neither inside ⟦…⟧ nor data (a value stored in the database, a public holiday's name) is a string the
English interface would show in Vietnamese: an unmarked string, or a marked one missing from the
catalogue (run ``make messages``).

Known gaps are listed in ``pseudo_locale_allowlist.txt``, which the test prints (a warning in the
summary). The list may only shrink: a new gap fails, and so does an entry that is no longer
found (delete it). Numbers are shown as ``0``; data as ``…``.
"""

from __future__ import annotations

import ast
import base64
import functools
import re
import unicodedata
import warnings
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import django
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import translation
from django.utils.translation import trans_real
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvu.accounts.models import User
from dangvu.accounts.services import api_token_create
from dangvu.members import lifecycle
from dangvu.members.services import member_create
from dangvu.notifications.services import notify
from dangvu.orgs.services import org_rename, term_add
from dangvu.workcalendar import calendar
from dangvu.workcalendar.services import calendar_day_set
from tests.conftest import grant

pytestmark = pytest.mark.django_db

PSEUDO = "xx"
OPEN, CLOSE = "⟦", "⟧"
ALLOWLIST = Path(__file__).with_name("pseudo_locale_allowlist.txt")
SOURCE_DIR = Path(settings.BASE_DIR) / "dangvu"
TOY_MODULE = Path(__file__).parents[1] / "toymodule"

# URL patterns that are not pages, and why. Every other pattern must be reached by the crawl.
NOT_PAGES = {
    "root": "redirects to the home page",
    "accounts:logout": "POST only",
    "accounts:2fa_disable": "POST only",
    "accounts:token_revoke": "POST only",
    "workcalendar:add_day": "POST only",
    "workcalendar:remove_day": "POST only",
    "workcalendar:confirm_year": "POST only",
    "notifications:mark_read": "POST only",
    "members:export": "a download (.xlsx)",
    "web:export_file": "a download (.xlsx)",
    "members:import_template": "a download (.xlsx: the importer's Vietnamese column names)",
    "audit:export": "a download (.xlsx)",
    "members:list_pdf": "a download (PDF, the Party's printed form: Vietnamese)",
    "members:file_pdf": "a download (PDF, the Party's printed form: Vietnamese)",
    "members:transfer_letter": "a download (PDF, the Party's printed form: Vietnamese)",
    "members:stats_report": "a download (the yearly report: Vietnamese)",
    "documents:file": "a download (the document's own file)",
    "documents:draft_pdf": "a download (PDF in the Party format: Vietnamese)",
    "documents:draft_docx": "a download (.docx in the Party format: Vietnamese)",
    "documents:file_list_export": "a download (the list of files, .xlsx or PDF: Vietnamese)",
    "documents:file_list_copy": "POST only",
    "documents:file_heading_delete": "POST only",
    "documents:file_heading_close": "POST only",
    "documents:file_heading_reopen": "POST only",
    "documents:handover_pdf": "a download (the handover record, PDF: Vietnamese)",
    "documents:sign_token_request": "a download (the signing request file for the signer's token)",
    "documents:sign_token_session": "shown after the signer posts their certificate (POST); its text is"
    " checked by tests/browser/test_sign_token.py",
    "set_language": "POST only (the language switch)",
    "javascript-catalog": "JavaScript",
}
NOT_PAGE_PREFIXES = {
    "api:": "the JSON API: Vietnamese `message` with `message_en` (tests/i18n/test_api_errors.py)",
    "toy:": "the test suite's toy module",
    "admin:": "Django's admin, for administrators: Django's and the apps' own catalogues and labels",
}
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
BUTTON_INPUTS = {"submit", "button", "reset"}
HIDDEN_ELEMENTS = {"script", "style", "textarea", "code"}


# --- The pseudo-language -----------------------------------------------------------------------------


def _locale_dirs() -> list[Path]:
    """Where Django looks for catalogues: Django's own, each installed app's, LOCALE_PATHS."""
    dirs = [Path(django.__file__).parent / "conf" / "locale"]
    dirs += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    return [*dirs, *map(Path, settings.LOCALE_PATHS)]


def _wrapped(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


def write_pseudo_catalogue(directory: Path) -> None:
    """``directory/xx/LC_MESSAGES/django.mo``: every source string of every catalogue (a .po file lists
    them all, translated or not), with its English text wrapped in ⟦…⟧."""
    english = trans_real.translation("en")
    singular: dict[tuple[str | None, str], str] = {}
    plural: dict[tuple[str | None, str], str] = {}
    for locale_dir in _locale_dirs():
        # One catalogue lists every source string: the English or Vietnamese one, else any.
        found = sorted(
            locale_dir.glob("*/LC_MESSAGES/django.po"), key=lambda p: p.parts[-3] not in ("en", "vi")
        )
        for entry in polib.pofile(str(found[0])) if found else []:
            if entry.msgid and not entry.obsolete:
                key = (entry.msgctxt or None, entry.msgid)
                (plural if entry.msgid_plural else singular)[key] = entry.msgid_plural
    # Apps that ship only compiled catalogues: what was loaded.
    for key in english._catalog.keys():  # noqa: SIM118 - a TranslationCatalog, not a dict
        if isinstance(key, str):
            context, _sep, msgid = key.rpartition("\x04")
            singular.setdefault((context or None, msgid), "")
    pseudo = polib.POFile()
    pseudo.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    with translation.override("en"):
        for (context, msgid), _none in singular.items():
            text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            pseudo.append(polib.POEntry(msgctxt=context, msgid=msgid, msgstr=_wrapped(text)))
        for (context, msgid), msgid_plural in plural.items():
            forms = {
                index: _wrapped(
                    translation.npgettext(context, msgid, msgid_plural, count)
                    if context
                    else translation.ngettext(msgid, msgid_plural, count)
                )
                for index, count in ((0, 1), (1, 2))
            }
            pseudo.append(
                polib.POEntry(msgctxt=context, msgid=msgid, msgid_plural=msgid_plural, msgstr_plural=forms)
            )
    target = directory / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True)
    pseudo.save_as_mofile(str(target / "django.mo"))


# --- What a page shows ---------------------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The text nodes and visible attributes of a page, and the links it follows (href, hx-get).
    Scripts, styles, text areas (a value) and ``<code>`` (machine data: an audit entry's changes,
    a command) are not interface text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
        for name in ("href", "hx-get"):
            if values.get(name):
                self.links.append(values[name])
        for name in VISIBLE_ATTRIBUTES & values.keys():
            self.texts.append(f"[{name}] {values[name]}")
        if tag == "input" and values.get("type") in BUTTON_INPUTS and values.get("value"):
            self.texts.append(f"[value] {values['value']}")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_ELEMENTS:
            self._hidden = max(self._hidden - 1, 0)

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(data)


MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
NUMBER = re.compile(r"\d+")


def _without_marked(text: str) -> str:
    """Marked strings out, innermost first (a translation may contain another: a label in a message)."""
    previous = None
    while previous != text:
        previous, text = text, MARKED.sub(" \x00 ", text)
    return text.replace("\x00", "⟦…⟧")


def _has_letters(text: str) -> bool:
    return any(unicodedata.category(char).startswith("L") for char in text)


class Data:
    """What pages show that is data, not interface: every text stored in the database (and the keys
    of stored JSON, such as the field names of an audit entry's changes), the public holidays' names
    (the holidays package gives them in the interface language), the authenticator key being set
    up, the language codes of the switch, and the test suite's toy module's own strings.

    A value is hidden where it stands as whole words, longest first; a short one may hide the same
    word in an untranslated sentence ("Không", a religion, in "Không nhập gì cả"), which is still
    reported, only less readably."""

    def __init__(self) -> None:
        values = sorted(
            (value for value in self._values() if len(value) > 1 and _has_letters(value)),
            key=len,
            reverse=True,
        )
        self.pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, values)) + r")(?!\w)")

    @staticmethod
    def _values() -> set[str]:
        values: set[str] = set()

        def collect(value: object) -> None:
            if isinstance(value, str):
                values.add(value.strip())
            elif isinstance(value, dict):
                for key, item in value.items():
                    collect(key)
                    collect(item)
            elif isinstance(value, list):
                for item in value:
                    collect(item)

        for model in apps.get_models():
            fields = [
                field.attname
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField | models.JSONField)
            ]
            if fields:
                for row in model._default_manager.values_list(*fields):
                    collect(list(row))
            for instance in model._default_manager.all()[:200]:
                collect(str(instance))
        for year in (2025, 2026, 2027):
            collect(list(calendar.public_holiday_names(year, "vi").values()))
        collect([base64.b32encode(device.bin_key).decode() for device in TOTPDevice.objects.all()])
        collect([code.upper() for code, _name in settings.LANGUAGES])
        collect([str(name) for _code, name in settings.LANGUAGES if name == "Pseudo"])  # the test's own
        for path in TOY_MODULE.glob("*.py"):
            collect(
                [
                    node.value
                    for node in ast.walk(ast.parse(path.read_text()))
                    if isinstance(node, ast.Constant)
                ]
            )
        return values

    def hide(self, text: str) -> str:
        return self.pattern.sub(" … ", text)


def untranslated(text: str, data: Data) -> str | None:
    """The text as the allow-list knows it (marked parts ⟦…⟧, data …, numbers 0), if it shows words
    that are neither marked nor data; otherwise None."""
    attribute, _sep, rest = text.partition("] ") if text.startswith("[") else ("", "", text)
    shown = " ".join(data.hide(" ".join(_without_marked(rest).split())).split())
    residue = shown.replace("⟦…⟧", "").replace("…", "")
    if not _has_letters(residue):
        return None
    key = NUMBER.sub("0", shown)
    return f"{attribute}] {key}" if attribute else key


# --- Where the pages are -------------------------------------------------------------------------------


def url_names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += url_names(pattern.url_patterns, inner)
        elif pattern.name:
            names.append(f"{namespace}{pattern.name}")
    return names


def _skipped(name: str) -> bool:
    return name in NOT_PAGES or name.startswith(tuple(NOT_PAGE_PREFIXES))


def _page_key(path: str) -> tuple[str, str] | None:
    """One page per URL pattern (per verb for the member verbs); None outside the site's pages."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name, str(match.kwargs.get("verb", ""))


# --- The data every page needs ---------------------------------------------------------------------------


def _blank_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def populate(people, tree) -> dict[str, str]:
    """A unit with every kind of record, and the pages that need a record or a parameter."""
    admin = people.admin
    grant(admin, "ban-to-chuc", tree.root)
    term_add(actor=admin, org=tree.xa, name="2025–2030", starts_on=date(2025, 10, 1), ends_on=None)
    org_rename(
        actor=admin, org=tree.a2, name="Chi bộ thôn Hai", abbreviation="CB", effective_on=date(2026, 3, 1)
    )
    full = member_create(
        actor=admin,
        org=tree.a1,
        full_name="Trần Văn Đức",
        sex="male",
        birth_date=date(1960, 1, 2),
        admitted_on=date(1990, 3, 1),
        cccd="001060000123",
    )
    probationer = lifecycle.member_admit(
        actor=admin,
        org=tree.a1,
        full_name="Phạm Thị Hoa",
        sex="female",
        birth_date=date(2000, 1, 1),
        admitted_on=date(2025, 11, 20),
        ceremony_on=date(2025, 11, 25),
    )
    moving = member_create(
        actor=admin, org=tree.a1, full_name="Lê Văn Bình", sex="male", admitted_on=date(2001, 5, 1)
    )
    transfer = lifecycle.member_transfer_out(
        actor=admin, member=moving, kind="official", to_org=tree.a2, issued_on=date(2026, 11, 20)
    )
    lifecycle.card_issue(actor=admin, member=full, card_number="12345678", issued_on=date(2020, 5, 1))
    from dangvu.members.interruptions import interruption_create

    interruption_create(
        actor=admin, member=full, reason="lost_contact", starts_on=date(2000, 1, 1), ends_on=date(2001, 1, 1)
    )
    calendar_day_set(actor=admin, day=date(2026, 12, 24), kind="day_off", note="Quyết định 01/QĐ")
    notify(
        recipients=[admin],
        title="Có đảng viên chuyển đến",
        body="Chi bộ thôn Hai",
        url=full.get_absolute_url(),
    )
    api_token_create(actor=admin, user=admin, name="Máy chủ báo cáo")
    TOTPDevice.objects.create(user=admin, confirmed=False, name="Ứng dụng xác thực")  # the setup page's
    from dangvu.documents.filing import file_heading_create
    from dangvu.documents.services import document_draft, document_file, document_register_incoming

    heading = file_heading_create(  # the list of files, a file and its page (linked from the document)
        actor=admin, org=tree.xa, year=2026, code="01.TH", title="Báo cáo quý", retention_years=10
    )
    incoming = document_register_incoming(
        actor=admin,
        org=tree.xa,
        doc_type="CV",
        subject="V/v báo cáo quý IV",
        sender_name="Tỉnh ủy Ninh Bình",
        number_text="123-CV/TU",
        file_name="quet.pdf",
        content=_blank_pdf(),
    )
    document_file(actor=admin, document=incoming, heading=heading)
    from dangvu.documents import archive

    handed = file_heading_create(  # a closed file in a handover record (the handover pages)
        actor=admin, org=tree.xa, year=2025, code="02.TH", title="Nghị quyết năm", retention_years=None
    )
    archive.file_heading_close(actor=admin, heading=handed, closed_on=date(2025, 12, 20), page_count=5)
    archive.archive_handover_create(
        actor=admin,
        org=tree.xa,
        headings=[handed],
        handed_on=date(2026, 11, 30),
        delivered_by="Nguyễn Văn A",
        received_by="Trần Thị B",
    )
    document_draft(actor=admin, org=tree.xa, doc_type="NQ", subject="về chuyển đổi số", body="Nội dung.")
    from dangvu.documents.services import approval_steps, document_approve

    ready = document_draft(  # approved: its signer is offered signing with their own token (its page)
        actor=admin, org=tree.xa, doc_type="CV", subject="về lịch họp", body="Nội dung."
    )
    for _step in approval_steps(ready):
        ready = document_approve(actor=admin, document=ready)
    from dangvu.members.proposals import proposal_create

    proposal_create(  # the chi bộ's proposal the admin may decide or return (their buttons, their forms)
        actor=people.secretary,
        member=full,
        verb="remove",
        resolution_number="05-NQ/CB",
        resolution_date=date(2026, 11, 10),
        details={"reason": "Bỏ sinh hoạt", "ground": "removal.no_activity"},
    )
    from dangvu.members.models import IdentityConflict

    IdentityConflict.objects.create(  # a citizen ID the admin's province reviews (its list and its page)
        existing=full, requested_org=tree.a2, reviewer_org=tree.root, reported_by=people.secretary
    )
    return {
        "propose": f"/members/{full.pk}/propose/leave/",
        "member": full.get_absolute_url(),
        "probationer": probationer.get_absolute_url(),
        "receive": f"/members/transfers/{transfer.pk}/receive/",
        "org_charts": f"/members/stats/charts/?org={tree.xa.code}",
        "sign_token": f"/documents/{ready.pk}/sign/token/",
        "incoming": f"/documents/{incoming.pk}/",  # its page links the filing page
    }


def import_a_file(client: Client, tree) -> str:
    csv = "Họ và tên,Giới tính,Ngày sinh\nNguyễn Văn An,Nam,12/05/1980\n,Nữ,31/02/1990\n"
    response = client.post(
        "/members/import/",
        {"file": SimpleUploadedFile("dang-vien.csv", csv.encode()), "org": tree.a1.pk, "mode": "all"},
    )
    assert response.status_code == 302, response.content
    return response.url


def export_page(people) -> str:
    """A background export's page (its file is written by the job; the page is what matters here)."""
    from dangvu.core.models import Export

    export = Export.objects.create(
        kind="members.list", created_by=people.admin, filename="dang-vien.xlsx", status="running"
    )
    return f"/exports/{export.pk}/"


# --- The test ----------------------------------------------------------------------------------------------


def read_allowlist() -> set[str]:
    lines = ALLOWLIST.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line.strip() and not line.startswith("#")}


@functools.cache
def _source_files() -> dict[str, str]:
    return {
        str(path.relative_to(SOURCE_DIR.parent)): path.read_text(encoding="utf-8")
        for path in SOURCE_DIR.rglob("*")
        if path.suffix in {".html", ".py"} and "migrations" not in path.parts
    }


def _sources(text: str) -> list[str]:
    """The files of dangvu that hold the longest literal piece of ``text`` as an untranslated string
    (in quotes or between tags, not in ``_(…)`` or ``{% translate … %}``), to find it again."""
    pieces = [piece.strip(" :—–-()[]·") for piece in re.split(r"⟦…⟧|…|\b0\b|\] | · ", text)]
    piece = max(pieces, key=len)
    if len(piece) < 2:
        return []
    literal = re.compile(
        r"(?<!_\()(?<!gettext\()(?<!translate )(?<!trans )[\"'>]" + re.escape(piece) + r"(?=[\"'<{])"
    )
    return sorted(name for name, source in _source_files().items() if literal.search(source))


def report(texts: Iterable[str]) -> str:
    """``texts`` grouped under the files that contain them."""
    by_file: dict[str, list[str]] = defaultdict(list)
    for text in sorted(texts):
        by_file[", ".join(_sources(text)) or "(built from pieces: see the pages)"].append(text)
    lines = []
    for files, texts in sorted(by_file.items()):
        lines.append(f"# {files}")
        lines += texts
    return "\n".join(lines)


def crawl(client: Client, seeds: list[str], data: Data) -> tuple[set[str], dict[str, set[str]]]:
    """Render the seeds, then every page they link to (one per URL pattern, or per member verb); return
    the URL names rendered and what they showed outside the catalogue (text → pages)."""
    queue = [(path, True) for path in seeds]
    seen: set[tuple[str, str]] = set()
    findings: dict[str, set[str]] = defaultdict(set)
    while queue:
        path, seed = queue.pop(0)
        key = _page_key(urlsplit(path).path)
        if key is None or _skipped(key[0]) or (key in seen and not seed):
            continue
        seen.add(key)
        response = client.get(path)
        if response.status_code == 302:  # an old address that now leads elsewhere: render the target
            queue.insert(0, (response.url, True))
            continue
        assert response.status_code == 200, f"{path}: {response.status_code}"
        assert response.headers["Content-Language"] == PSEUDO
        page = VisibleText()
        page.feed(response.content.decode())
        for text in page.texts:
            if shown := untranslated(text, data):
                findings[shown].add(path)
        queue += [(link, False) for link in page.links if link.startswith("/") and not link.startswith("//")]
    return {name for name, _verb in seen}, findings


ANONYMOUS_PAGES = {
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
}


def anonymous_pages(data: Data, user: Any) -> dict[str, set[str]]:
    """What a visitor who is not logged in sees: the log-in page, the password reset pages (the form of
    a valid link for ``user`` and an invalid link's answer), the lockout page, a 404."""
    from dangvu.accounts.passwords import reset_link

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = PSEUDO
    pages = [client.get("/accounts/login/"), client.get("/khong-co-trang-nay/")]
    pages += [client.get(path) for path in ("/accounts/password-reset/", "/accounts/password-reset/sent/")]
    pages += [client.get("/accounts/reset/MQ/bad-token/"), client.get("/accounts/reset/done/")]
    pages.append(client.get(client.get(reset_link(user, "http://testserver"))["Location"]))
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        locked = client.post("/accounts/login/", {"username": "nobody", "password": "sai-mat-khau"})
    pages.append(locked)
    assert [page.status_code for page in pages] == [200, 404, 200, 200, 200, 200, 200, 429]
    findings: dict[str, set[str]] = defaultdict(set)
    for response in pages:
        page = VisibleText()
        page.feed(response.content.decode())
        for text in page.texts:
            if shown := untranslated(text, data):
                findings[shown].add(response.request["PATH_INFO"])
    return findings


def test_every_page_shows_only_catalogue_text_or_data(people, tree, tmp_path):
    write_pseudo_catalogue(tmp_path)
    client = Client()
    client.force_login(people.admin)
    samples = populate(people, tree)
    samples["import_detail"] = import_a_file(client, tree)
    samples["export"] = export_page(people)
    User.objects.filter(pk=people.admin.pk).update(language=PSEUDO)
    seeds = [*samples.values(), "/home/", "/search/?q=tran", "/accounts/login/otp/"]
    seeds += [
        f"/{name}/" for name in ("orgs", "members", "audit", "calendar", "notifications", "accounts/profile")
    ]
    seeds += [f"/members/{name}/" for name in ("new", "worklists", "stats", "quality", "import", "mine")]
    seeds += ["/members/worklists/recognition/", "/members/worklists/badges/"]  # "see all" of a long section
    seeds += ["/accounts/2fa/setup/"]
    with override_settings(
        LANGUAGES=[*settings.LANGUAGES, (PSEUDO, "Pseudo")], LOCALE_PATHS=[tmp_path, *settings.LOCALE_PATHS]
    ):
        data = Data()
        rendered, findings = crawl(client, seeds, data)
        for text, paths in anonymous_pages(data, people.nobody).items():
            findings[text] |= paths
    rendered |= {"accounts:login", *ANONYMOUS_PAGES}

    names = url_names(get_resolver().url_patterns)
    missed = sorted({name for name in names if not _skipped(name)} - rendered)
    assert not missed, f"pages the crawl did not reach (link them, or add them to NOT_PAGES): {missed}"

    known = read_allowlist()
    if known:
        listing = [line for line in ALLOWLIST.read_text(encoding="utf-8").splitlines() if line.strip()]
        body = listing[next(i for i, line in enumerate(listing) if not line.startswith("#")) - 1 :]
        warnings.warn(
            f"{len(known)} texts are shown untranslated ({ALLOWLIST}):\n" + "\n".join(body), stacklevel=1
        )
    new = {text: paths for text, paths in findings.items() if text not in known}
    gone = known - findings.keys()
    problems = []
    if new:
        problems.append(
            "Text shown outside the catalogue (mark it for translation and run `make messages`; "
            "where it is data, say why in Data):\n"
            + "\n".join(f"{text}    ← {', '.join(sorted(paths)[:3])}" for text, paths in sorted(new.items()))
            + f"\n\nGrouped by file:\n{report(new)}"
        )
    if gone:
        problems.append(
            f"Translated now: delete these lines from {ALLOWLIST.name} (the list only shrinks):\n"
            + "\n".join(sorted(gone))
        )
    assert not problems, "\n\n".join(problems)
