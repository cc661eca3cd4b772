"""The permission matrix, generated: every page of the URL conf and every operation of the OpenAPI schema
× every standard role × the unit relations (own unit's child, parent, sibling) and the person relations
(own record, someone else's), plus an anonymous visitor, a password-only session (second factor not
entered), a signed-in user with no role and a superuser.

``RULES`` declares, for each route, what gates it; the expected answer of every cell is computed from
the roles' permissions in the database and the relation, never written by hand. A route missing from
``RULES`` fails the test (a new page or operation must say who may use it). A denied write must leave
the database as it was (row counts of every table, the newest change time, the audit log). Every request
runs in a savepoint rolled back afterwards, so allowed writes do not change the next cell's world.

Runs on the PostgreSQL pass (.ci/run); on SQLite it is skipped (the SQLite pass runs the focused
permission tests in tests/accounts and tests/platform).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvu.accounts.models import Role
from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry
from tests.conftest import grant, make_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the generated matrix runs on the PostgreSQL pass"
    ),
]

# --- What gates each route --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """``kind``: public (anyone), signed_in (any verified user), superuser (Django admin), somewhere (holds
    ``perm`` in some unit: list pages that scope their rows), object (``perm`` in the unit of the record
    named by the path: ``target`` member, org, document, transfer, import), custom (the object's own rule,
    e.g. an approval step or the workflow's predicate: only the negative side is checked — no role
    outside the record's units gets in), own (the user's own token)."""

    kind: str
    perm: str = ""
    target: str = ""


P = Rule("public")
S = Rule("signed_in")
SU = Rule("superuser")


def somewhere(perm: str) -> Rule:
    return Rule("somewhere", perm)


def on(target: str, perm: str) -> Rule:
    return Rule("object", perm, target)


def custom(target: str) -> Rule:
    return Rule("custom", "", target)


RULES: dict[str, Rule] = {
    # Web pages
    "": P,  # redirects to the home page (which asks to sign in)
    "home/": S,
    "search/": S,
    "exports/<int:pk>/": Rule("own"),  # a background export's page: only its requester
    "exports/<int:pk>/file": Rule("own"),
    "accounts/login/": P,
    "accounts/login/otp/": P,
    "accounts/logout/": P,
    # Password reset: anyone may ask (the same answer for every address; tests/security/test_password_reset.py)
    "accounts/password-reset/": P,
    "accounts/password-reset/sent/": P,
    "accounts/reset/<uidb64>/<token>/": P,  # the link's own token decides (not generated here)
    "accounts/reset/done/": P,
    "accounts/profile/": S,
    "accounts/2fa/setup/": S,
    "accounts/2fa/disable/": S,
    "accounts/tokens/<int:pk>/revoke/": Rule("own"),
    "audit/": somewhere("audit.view"),
    "audit/export.xlsx": somewhere("audit.view"),
    "orgs/": S,  # lists only the units the user may see
    "orgs/<int:pk>/": on("org", "orgs.view"),
    "orgs/<int:pk>/children/": on("org", "orgs.view"),
    "orgs/<int:pk>/add/": on("org", "orgs.manage"),
    "orgs/<int:pk>/rename/": on("org", "orgs.manage"),
    "orgs/<int:pk>/move/": on("org", "orgs.manage"),
    "orgs/<int:pk>/merge/": on("org", "orgs.manage"),
    "orgs/<int:pk>/split/": on("org", "orgs.manage"),
    "orgs/<int:pk>/dissolve/": on("org", "orgs.manage"),
    "orgs/<int:pk>/terms/add/": on("org", "orgs.manage"),
    "calendar/": S,
    "calendar/days/add/": somewhere("calendar.manage"),
    "calendar/days/<int:pk>/remove/": somewhere("calendar.manage"),
    "calendar/years/<int:year>/confirm/": somewhere("calendar.manage"),
    "notifications/": S,
    "notifications/read/": S,
    "members/mine/": Rule("own"),  # the user's own file, if their account is linked to one
    "members/": S,  # rows scoped: an empty list for a user without members.view
    "members/export.xlsx": S,  # the same scoped rows
    "members/list.pdf": S,
    "members/new/": somewhere("members.manage"),
    "members/worklists/": S,  # scoped rows
    "members/worklists/recognition/": S,  # scoped rows (a unit the user sees, else the first of theirs)
    "members/worklists/badges/": S,  # scoped rows
    "members/stats/": somewhere("members.stats"),
    "members/stats/report.xlsx": somewhere("members.stats"),
    "members/stats/charts/": Rule("fragment"),  # an htmx fragment for ?org= (404 without one)
    "members/quality/": somewhere("members.view"),
    "members/import/": somewhere("members.manage"),
    "members/import/template.xlsx": somewhere("members.manage"),
    "members/import/<int:pk>/": Rule("own"),  # only the import's own author
    "members/transfers/<int:pk>/receive/": custom("transfer"),
    "members/transfers/<int:pk>/letter.pdf": on("transfer", "members.manage"),
    "members/<int:pk>/file.pdf": on("member", "members.view_file"),
    "members/<int:pk>/": on("member", "members.view_file"),  # the member file
    "members/<int:pk>/edit/": on("member", "members.manage"),
    "members/<int:pk>/interruptions/new/": on("member", "members.manage"),
    "members/interruptions/<int:pk>/edit/": on("interruption", "members.manage"),
    "members/<int:pk>/<slug:verb>/": custom("member"),  # each verb: its transition's permission
    "members/proposals/": somewhere("members.view"),  # scoped rows
    "members/authority/": somewhere("members.view"),  # who decides: reference data, read-only
    "members/proposals/<int:pk>/decide/": custom("proposal"),  # the deciding level of its verb
    "members/proposals/<int:pk>/return/": custom("proposal"),
    "members/<int:pk>/propose/<str:verb>/": on("member", "members.manage"),
    # Citizen-ID conflicts: the unit that sees both records (members.manage there) reviews them.
    "members/identity-conflicts/": somewhere("members.manage"),
    "members/identity-conflicts/<int:pk>/": on("conflict", "members.manage"),
    "documents/": somewhere("documents.view"),
    "documents/new/outgoing/": somewhere("documents.draft"),
    "documents/new/incoming/": somewhere("documents.register"),
    "documents/kpi/": somewhere("documents.view"),
    "documents/kpi/panel/": Rule("fragment"),  # for ?org= (404 for a unit the user may not see)
    "documents/<int:pk>/": on("document", "documents.view"),
    "documents/<int:pk>/files/<int:file_pk>/": on("document", "documents.view"),
    # An outgoing document's layout (documents.draft in its unit; the matrix's record is incoming: refused
    # with a message, so only the negative side is checked).
    "documents/<int:pk>/draft.pdf": custom("document"),
    "documents/<int:pk>/draft.docx": custom("document"),
    "documents/register/": somewhere("documents.view"),
    "documents/files/": somewhere("documents.view"),  # a unit's list of files (404 for a unit not seen)
    "documents/files/new/": somewhere("documents.register"),
    "documents/files/copy/": somewhere("documents.register"),  # for a unit where the user keeps the list
    "documents/files/export/": somewhere("documents.view"),
    "documents/files/<int:pk>/": on("file_heading", "documents.view"),
    "documents/files/<int:pk>/edit/": on("file_heading", "documents.register"),
    "documents/files/<int:pk>/delete/": on("file_heading", "documents.register"),
    "documents/files/<int:pk>/close/": on("file_heading", "documents.register"),
    "documents/files/<int:pk>/reopen/": custom("file_heading"),  # a closed file only, with a reason
    "documents/files/handovers/": somewhere("documents.view"),  # the units' records the user may see
    "documents/files/handovers/<int:pk>/": on("handover", "documents.view"),
    "documents/files/handovers/<int:pk>/pdf/": on("handover", "documents.view"),
    # Signing with one's own token: the signer of an approved draft only (the document's own rule).
    "documents/<int:pk>/sign/token/": custom("document"),
    "documents/<int:pk>/sign/token/<uuid:session>/": custom("document"),
    "documents/<int:pk>/sign/token/<uuid:session>/request.json": custom("document"),
    "documents/<int:pk>/filing/": on("document", "documents.register"),
    "documents/<int:pk>/<slug:verb>/": custom("document"),
    "toy/": S,
    "toy/panel/": Rule("fragment"),
    "i18n/setlang/": P,
    "jsi18n/": P,
    # API operations
    "GET /api/v1/me": S,
    # Any signed-in user, their own tokens, with the password or a fresh code (test_accounts.py)
    "POST /api/v1/me/tokens": Rule("own"),
    "POST /api/v1/me/tokens/{token_id}/revoke": Rule("own"),
    "GET /api/v1/orgs/directory": S,
    "GET /api/v1/orgs/picker": S,
    "GET /api/v1/orgs": S,  # rows scoped: checked by the org relation below
    "GET /api/v1/orgs/{org_id}": on("org", "orgs.view"),
    "GET /api/v1/orgs/{org_id}/member-stats": on("org", "members.stats"),
    "GET /api/v1/calendar/add-working-days": S,
    "GET /api/v1/calendar/working-days-between": S,
    "GET /api/v1/calendar/years/{year}": S,
    "POST /api/v1/calendar/years/{year}/confirm": somewhere("calendar.manage"),
    "PUT /api/v1/calendar/days/{day}": somewhere("calendar.manage"),
    "DELETE /api/v1/calendar/days/{day}": somewhere("calendar.manage"),
    "GET /api/v1/members": S,  # rows scoped (tests/platform/test_scoping.py)
    "POST /api/v1/members": somewhere("members.manage"),
    "POST /api/v1/members/import": somewhere("members.manage"),
    "GET /api/v1/members/{member_id}": on("member", "members.view_file"),  # the file, as the page
    "PATCH /api/v1/members/{member_id}": on("member", "members.manage"),
    "GET /api/v1/members/{member_id}/party-age": on("member", "members.view"),
    "GET /api/v1/members/{member_id}/proposals": on("member", "members.view"),
    "POST /api/v1/members/{member_id}/proposals": on("member", "members.manage"),
    "GET /api/v1/proposals": S,  # rows scoped
    "GET /api/v1/proposals/{proposal_id}": on("proposal", "members.view"),
    "POST /api/v1/proposals/{proposal_id}/decide": custom("proposal"),  # the deciding level of its verb
    "POST /api/v1/proposals/{proposal_id}/return": custom("proposal"),
    "GET /api/v1/identity-conflicts": S,  # rows scoped to the reviewing units
    "GET /api/v1/identity-conflicts/{conflict_id}": on("conflict", "members.manage"),
    "POST /api/v1/identity-conflicts/{conflict_id}/resolve": on("conflict", "members.manage"),
    "GET /api/v1/interruptions": S,  # rows scoped like the member's file
    "POST /api/v1/interruptions": somewhere("members.manage"),
    "POST /api/v1/interruptions/import": somewhere("members.manage"),
    "GET /api/v1/interruptions/{interruption_id}": on("interruption", "members.view_file"),
    "PATCH /api/v1/interruptions/{interruption_id}": on("interruption", "members.manage"),
    "GET /api/v1/documents": S,
    "POST /api/v1/documents/outgoing": somewhere("documents.draft"),
    "POST /api/v1/documents/incoming": somewhere("documents.register"),
    "GET /api/v1/documents/{document_id}": on("document", "documents.view"),
    "GET /api/v1/documents/{document_id}/file": on("document", "documents.view"),
    "GET /api/v1/documents/{document_id}/docx": custom("document"),
    "GET /api/v1/documents/register": S,  # a register of a unit the caller sees (404 otherwise)
    "GET /api/v1/documents/files": S,  # a list of files of a unit the caller sees (404 otherwise)
    "GET /api/v1/documents/files/export": S,
    "POST /api/v1/documents/files": somewhere("documents.register"),  # in a unit where the user may
    "POST /api/v1/documents/files/copy": somewhere("documents.register"),
    "GET /api/v1/documents/files/{heading_id}": on("file_heading", "documents.view"),
    "PATCH /api/v1/documents/files/{heading_id}": on("file_heading", "documents.register"),
    "DELETE /api/v1/documents/files/{heading_id}": on("file_heading", "documents.register"),
    "POST /api/v1/documents/files/{heading_id}/close": on("file_heading", "documents.register"),
    "POST /api/v1/documents/files/{heading_id}/reopen": custom("file_heading"),
    "GET /api/v1/documents/files/retention-periods": S,  # reference data (kinds of records, no figures)
    "GET /api/v1/documents/files/handovers": S,  # of the units the caller sees (404 otherwise)
    "GET /api/v1/documents/files/handovers/awaiting": S,
    "POST /api/v1/documents/files/handovers": somewhere("documents.register"),
    "GET /api/v1/documents/files/handovers/{record_id}": on("handover", "documents.view"),
    "GET /api/v1/documents/files/handovers/{record_id}/pdf": on("handover", "documents.view"),
    "POST /api/v1/documents/{document_id}/deliveries/{unit}/status": custom("document"),
    # Signing with the signer's own token: signing.sign in the issuing unit, on an approved draft.
    "POST /api/v1/documents/{document_id}/sign/prepare": custom("document"),
    "POST /api/v1/documents/{document_id}/sign/complete": custom("document"),
    "GET /api/v1/signing/trust-roots": P,
    "GET /api/v1/signing/crl/{name}": P,
    "POST /api/v1/signing/verify": S,
    "GET /api/v1/toy": S,
}
# Workflow verbs (members and documents) are generated from their registries and follow the same rule as
# the web verb page: "POST /api/v1/members/{member_id}/<verb>" and "POST /api/v1/documents/{document_id}/<verb>".
VERB_OPERATION = re.compile(r"^POST /api/v1/(members/\{member_id\}|documents/\{document_id\})/([a-z-]+)$")

DENIED = {401, 403, 404}
LOGIN = "/accounts/login/"

# --- The world --------------------------------------------------------------------------------------


@dataclass
class World:
    objects: dict[tuple[str, str], Any]  # (target, relation) → record
    member_own: Any  # the plain member's own record (person relation)
    member_other: Any  # another record at the member's unit


RELATIONS = ("child", "parent", "sibling")  # relative to the roles' unit XA (with its subtree)
COVERED = {"child"}


def blank_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_world(tree: Any, admin: Any) -> World:
    from dangvu.documents import archive
    from dangvu.documents import services as documents
    from dangvu.documents.models import FileHeading
    from dangvu.members.models import IdentityConflict, MemberImport, PartyInterruption, Transfer
    from dangvu.members.proposals import proposal_create
    from dangvu.members.services import member_create

    units = {"child": tree.a1, "parent": tree.root, "sibling": tree.xb}
    member_units = {"child": tree.a1, "parent": tree.b1, "sibling": tree.b1}  # members live in chi bộ
    objects: dict[tuple[str, str], Any] = {}
    for relation in RELATIONS:
        org = units[relation]
        objects["org", relation] = org
        member = member_create(
            actor=admin,
            org=member_units[relation],
            full_name=f"Người {relation}",
            sex="male",
            birth_date=date(1980, 1, 1),
            admitted_on=date(2005, 1, 1),
        )
        objects["member", relation] = member
        objects["interruption", relation] = PartyInterruption.objects.create(
            member=member, reason="lost_contact", starts_on=date(2010, 1, 1), ends_on=date(2011, 1, 1)
        )
        objects["proposal", relation] = proposal_create(
            actor=admin,
            member=member,
            verb="remove",
            resolution_number=f"1-NQ/CB {relation}",
            resolution_date=date(2026, 11, 10),
            details={"reason": "Bỏ sinh hoạt", "ground": "removal.no_activity"},
        )
        objects["document", relation] = documents.document_register_incoming(
            actor=admin,
            org=org,
            doc_type="CV",
            subject=f"Công văn {relation}",
            sender_name="Tỉnh ủy",
            received_on=date(2026, 11, 30),
            content=blank_pdf(),
            file_name="a.pdf",
        )
        objects["file_heading", relation] = FileHeading.objects.create(
            org=org, year=2026, code=f"01.{relation}", title=f"Hồ sơ {relation}", retention_years=10
        )
        closed = FileHeading.objects.create(
            org=org,
            year=2025,
            code=f"02.{relation}",
            title=f"Hồ sơ đã kết thúc {relation}",
            retention_years=10,
        )
        archive.file_heading_close(actor=admin, heading=closed, closed_on=date(2025, 12, 20), page_count=3)
        objects["handover", relation] = archive.archive_handover_create(
            actor=admin,
            org=org,
            headings=[closed],
            handed_on=date(2026, 11, 30),
            delivered_by="Nguyễn Văn A",
            received_by="Trần Thị B",
        )
        objects["transfer", relation] = Transfer.objects.create(
            member=member,
            from_org=member.org,
            to_org=member.org,
            kind="official",
            status="pending",
            issued_on=date(2026, 11, 20),
            due_on=date(2027, 1, 5),
            previous_status=member.status,
        )
        objects["conflict", relation] = IdentityConflict.objects.create(
            existing=member, requested_org=member.org, reviewer_org=org
        )
        objects["import", relation] = MemberImport.objects.create(
            org=org, created_by=admin, filename="a.csv", file="imports/a.csv"
        )
    return World(objects, None, None)


def fingerprint() -> tuple[Any, ...]:
    """Row counts of every table, the newest change time of every table that has one, the audit log."""
    parts, params = [], []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        column = next((f.column for f in model._meta.fields if f.name == "updated_at"), None)
        newest = (
            f"(SELECT max({connection.ops.quote_name(column)})::text FROM {table})"  # noqa: S608 - model tables
            if column
            else "''"
        )
        parts.append(f"SELECT %s, (SELECT count(*) FROM {table}), {newest}")  # noqa: S608 - model tables
        params.append(model._meta.label)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = tuple(sorted(cursor.fetchall()))
    return rows, AuditEntry.objects.count()


# --- Routes -----------------------------------------------------------------------------------------


def web_routes() -> list[str]:
    def walk(patterns: Any, prefix: str = "") -> Any:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return [route for route in walk(get_resolver().url_patterns) if not route.startswith("api/")]


def api_operations() -> list[str]:
    from dangvu.api.main import api

    schema = api.get_openapi_schema()
    return [
        f"{method.upper()} {path}" for path, operations in schema["paths"].items() for method in operations
    ]


def rule_for(route: str) -> Rule:
    if route.startswith("admin/"):
        return SU
    match = VERB_OPERATION.match(route)
    if match and route not in RULES:
        return custom("member" if match[1].startswith("members") else "document")
    return RULES[route]


def test_every_route_is_in_the_matrix():
    missing = [r for r in [*web_routes(), *api_operations()] if not r.startswith("admin/")]
    missing = [r for r in missing if r not in RULES and not VERB_OPERATION.match(r)]
    assert missing == [], "Declare who may use these routes in RULES:\n" + "\n".join(missing)


# --- Personas ---------------------------------------------------------------------------------------


@dataclass
class Persona:
    name: str
    user: Any
    perms: frozenset[str]
    web: Client
    api: Client


def personas(tree: Any, admin: Any) -> list[Persona]:
    found = []

    def add(name: str, user: Any, perms: frozenset[str]) -> None:
        web = Client()
        api = Client()
        if user is not None:
            web.force_login(user)
            token = api_token_create(actor=user, user=user, name="matrix")[1]
            api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        found.append(Persona(name, user, perms, web, api))

    add("anonymous", None, frozenset())
    for role in Role.objects.order_by("code"):
        user = make_user(f"role-{role.code}")
        grant(user, role.code, tree.xa)
        add(role.code, user, frozenset(role.permissions))
    add("no-role", make_user("no-role"), frozenset())
    return found


def url_for(route: str, target: str, relation: str, world: World, *, verb: str = "") -> str | None:
    record = world.objects.get((target, relation)) if target else None
    path = route
    if route.startswith(("GET ", "POST ", "PATCH ", "PUT ", "DELETE ")):
        path = route.split(" ", 1)[1]
        for name in (
            "member_id",
            "org_id",
            "document_id",
            "proposal_id",
            "interruption_id",
            "conflict_id",
            "heading_id",
            "record_id",
        ):
            path = path.replace("{" + name + "}", str(record.pk) if record is not None else "0")
        return path.replace("{unit}", str(world.objects["org", "child"].pk)).replace(
            "{name}", "dangvu-demo-root.crl"
        )
    path = "/" + path
    if "<int:file_pk>" in path:
        path = path.replace("<int:file_pk>", str(record.files.first().pk))
    if "<int:pk>" in path:
        if record is None:
            return None
        path = path.replace("<int:pk>", str(record.pk))
    path = path.replace("<int:year>", "2027")
    if "<slug:verb>" in path:
        path = path.replace("<slug:verb>", verb)
    path = path.replace("<str:verb>", "remove")  # a proposal of the chi bộ
    return path if "<" not in path else None


def call(client: Client, method: str, path: str) -> Any:
    with transaction.atomic():
        if method == "GET":
            response = client.get(path)
        elif method in ("PATCH", "PUT"):
            response = client.generic(method, path, "{}", content_type="application/json")
        elif method == "DELETE":
            response = client.delete(path)
        else:
            response = client.post(
                path,
                {} if not path.startswith("/api/") else "{}",
                **({"content_type": "application/json"} if path.startswith("/api/") else {}),
            )
        transaction.set_rollback(True)
    return response


SENT_AWAY = (LOGIN, "/admin/login/", "/home/", "/?")


def denied(response: Any, *, api_write: bool = False) -> bool:
    """Refused: 401/403/404, sent to a login page or back home; for an API write also a body refused
    before anything ran (400/422: the database check below proves nothing ran)."""
    if response.status_code in DENIED or (api_write and response.status_code in (400, 422)):
        return True
    return response.status_code == 302 and response["Location"].startswith(SENT_AWAY)


def test_the_generated_matrix(tree, admin_user):
    from dangvu.documents.workflow import DOCUMENTS
    from dangvu.members.workflow import LIFECYCLE

    world = build_world(tree, admin_user)
    people = personas(tree, admin_user)
    failures: list[str] = []
    routes: list[tuple[str, str, str]] = []  # (route key, method, verb)
    for route in web_routes():
        if route.startswith("admin/") and route not in ("admin/", "admin/accounts/user/"):
            continue  # the admin: one index and one model page stand for all (superuser only)
        if "<slug:verb>" in route:
            registry = LIFECYCLE if route.startswith("members") else DOCUMENTS
            routes += [(route, "GET", t.name) for t in registry.transitions]
            routes += [(route, "POST", t.name) for t in registry.transitions]
        elif route in ("accounts/logout/", "i18n/setlang/"):
            routes.append((route, "GET", ""))  # posting them would end or change the persona's session
        else:
            routes += [(route, "GET", ""), (route, "POST", "")]
    for operation in api_operations():
        routes.append((operation, operation.split(" ", 1)[0], ""))

    cells = 0
    for route, method, verb in routes:
        rule = rule_for(route)
        relations = RELATIONS if rule.target else ("",)
        for relation in relations:
            path = url_for(route, rule.target, relation, world, verb=verb)
            if path is None:
                continue
            write = method != "GET"
            for persona in people:
                client = persona.api if path.startswith("/api/") else persona.web
                before = fingerprint() if write else None
                response = call(client, method, path)
                if response.status_code == 405:
                    continue  # a page answering only POST (or only GET): its other method is not a cell
                cells += 1
                expected = expectation(rule, persona, relation)
                where = f"{method} {path} [{route} {verb}] as {persona.name} ({relation or 'no record'})"
                refused = denied(response, api_write=write and path.startswith("/api/"))
                if expected is False and not refused:
                    failures.append(f"{where}: {response.status_code}, expected a refusal")
                elif expected is True and denied(response):  # a 422 for an empty body is not a refusal
                    failures.append(f"{where}: {response.status_code}, expected access")
                if write and refused and fingerprint() != before:
                    failures.append(f"{where}: refused but the database changed")
                if response.status_code >= 500:
                    failures.append(f"{where}: {response.status_code}")
    print(f"{cells} cells over {len(routes)} routes")
    assert failures == [], f"{len(failures)} of {cells} cells wrong:\n" + "\n".join(failures[:400])


def expectation(rule: Rule, persona: Persona, relation: str) -> bool | None:
    """True: must get in; False: must be refused; None: not asserted (the object's own rule)."""
    if rule.kind == "public":
        return None
    if persona.user is None:
        return False
    if rule.kind == "signed_in":
        return True
    if rule.kind == "superuser":
        return False  # no persona here is a superuser
    if rule.kind == "somewhere":
        return rule.perm in persona.perms
    if rule.kind in ("own", "fragment"):
        return None
    covered = relation in COVERED
    if rule.kind == "object":
        return rule.perm in persona.perms and covered
    if rule.kind == "custom":
        return None if covered else False
    raise AssertionError(rule.kind)


def test_a_password_only_session_reaches_nothing_but_the_code_page(tree, admin_user):
    user = make_user("half")
    grant(user, "quan-tri", tree.root)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.force_login(user)
    open_pages = {"accounts/login/", "accounts/login/otp/", "accounts/logout/", "i18n/setlang/"}
    for route in web_routes():
        if "<" in route or route in open_pages or (route.startswith("admin/") and route != "admin/"):
            continue
        response = client.get("/" + route)
        assert response.status_code == 302, route
        assert response["Location"].startswith("/accounts/login/otp/"), route
    for operation in api_operations():
        method, path = operation.split(" ", 1)
        if method != "GET" or "{" in path or path.startswith("/api/v1/signing/"):
            continue
        assert client.get(path).status_code == 401, path


def test_a_member_sees_their_own_record_and_nobody_elses(tree, admin_user):
    from dangvu.members.services import member_create

    user = make_user("dv")
    grant(user, "dang-vien", tree.b1)
    own = member_create(
        actor=admin_user,
        org=tree.b1,
        full_name="Đảng Viên",
        sex="male",
        birth_date=date(1980, 1, 1),
        admitted_on=date(2005, 1, 1),
    )
    own.user = user
    own.save(update_fields=["user"])
    other = member_create(
        actor=admin_user,
        org=tree.b1,
        full_name="Người Khác",
        sex="male",
        birth_date=date(1981, 1, 1),
        admitted_on=date(2006, 1, 1),
    )
    token = api_token_create(actor=user, user=user, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    web = Client()
    web.force_login(user)
    assert api.get(f"/api/v1/members/{own.pk}").status_code == 200
    assert web.get(f"/members/{own.pk}/").status_code == 200
    assert api.get(f"/api/v1/members/{other.pk}").status_code == 404
    assert web.get(f"/members/{other.pk}/").status_code in (403, 404)
    assert [row["id"] for row in api.get("/api/v1/members").json()["results"]] == [own.pk]
    before = fingerprint()
    assert (
        api.patch(
            f"/api/v1/members/{own.pk}", {"full_name": "Tên Mới"}, content_type="application/json"
        ).status_code
        in DENIED
    )
    assert fingerprint() == before
