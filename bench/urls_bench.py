"""The app's URLs plus raw-SQL twins of two API read endpoints (benchmark only):

* /bench/raw/orgs: GET /api/v1/orgs?parent=&limit=&offset=;
* /bench/raw/members: GET /api/v1/members?org=&q=&limit=&offset= for a user whose roles cover whole
  subtrees (a provincial organisation board), the plain list and a name search served by the name
  tokens (``dangvu.members.search``), which is what the benchmark asks; the ORM endpoint's answer is
  asserted equal before timing.

It is the same endpoint in everything but data access — the same framework (django-ninja), query
parameters, response model and renderer — while the bearer-token check, the parent lookup and the page
(with its total, a window count, and the unit type) are hand-written SQL. So the load benchmark
measures what the ORM costs, not a different amount of work.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest
from django.urls import path
from ninja import NinjaAPI, Query
from ninja.security import HttpBearer

from dangvu.api.main import Utf8JSONRenderer
from dangvu.api.schemas import ERRORS
from dangvu.core.text import search_terms
from dangvu.members.api import MemberFilters, MemberList
from dangvu.members.search import AREA_LENGTH
from dangvu.members.selectors import COUNT_CAP
from dangvu.orgs.api import OrgFilters, OrgListOut
from dangvu.urls import urlpatterns as app_urlpatterns

PAGE_SQL = """
SELECT o.id, o.name, o.short_name, o.code, o.abbreviation, t.code, t.name, o.status, o.depth, o.numchild,
       o.established_on, o.ended_on, count(*) OVER ()
FROM orgs_org o JOIN orgs_orgtype t ON t.id = o.org_type_id
WHERE o.path LIKE %s AND o.depth = %s
ORDER BY o.path LIMIT %s OFFSET %s
"""


class RawBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT u.id FROM accounts_apitoken k JOIN accounts_user u ON u.id = k.user_id WHERE k.key_hash = %s"
                " AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now()) AND u.is_active"
                " AND u.is_superuser",
                [hashlib.sha256(token.encode()).hexdigest()],
            )
            row = cursor.fetchone()
        return row[0] if row else None


raw_api = NinjaAPI(urls_namespace="bench-raw", renderer=Utf8JSONRenderer(), auth=RawBearer(), docs_url=None)


@raw_api.get("/orgs", response={200: OrgListOut, **ERRORS})
def raw_orgs(request: HttpRequest, filters: Query[OrgFilters]) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT path, depth FROM orgs_org WHERE id = %s", [filters.parent])
        found = cursor.fetchone()
        if found is None:
            raise Http404
        parent_path, parent_depth = found
        cursor.execute(PAGE_SQL, [parent_path + "%", parent_depth + 1, filters.limit, filters.offset])
        rows = cursor.fetchall()
    results = [
        {
            "id": r[0],
            "name": r[1],
            "short_name": r[2],
            "code": r[3],
            "abbreviation": r[4],
            "type": {"code": r[5], "name": r[6]},
            "status": r[7],
            "depth": r[8],
            "parent_id": filters.parent,
            "child_count": r[9],
            "established_on": r[10],
            "ended_on": r[11],
        }
        for r in rows
    ]
    return {"count": rows[0][12] if rows else 0, "results": results}


# The token, its user and the units where the user's roles give members.view over the whole subtree.
SCOPE_SQL = """
SELECT u.id, o.path FROM accounts_apitoken k
JOIN accounts_user u ON u.id = k.user_id
JOIN accounts_roleassignment a ON a.user_id = u.id AND a.revoked_at IS NULL AND a.include_subtree
     AND a.valid_from <= current_date AND (a.valid_to IS NULL OR a.valid_to >= current_date)
JOIN accounts_role r ON r.id = a.role_id AND r.permissions @> '["members.view"]'
JOIN orgs_org o ON o.id = a.org_id
WHERE k.key_hash = %s AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now()) AND u.is_active
"""
SUBTREE = "SELECT id FROM orgs_org WHERE path >= %s AND path < %s"
MEMBER_KEYS_SQL = (
    f"SELECT id FROM members_member WHERE org_id IN ({SUBTREE}) ORDER BY sort_key, id LIMIT %s OFFSET %s"
)
MEMBER_COUNT_SQL = (
    f"SELECT count(*) FROM (SELECT 1 FROM members_member WHERE org_id IN ({SUBTREE}) LIMIT %s) s"
)
MEMBER_ROWS_SQL = """
SELECT m.id, m.full_name, m.sex, m.birth_date, m.birth_date_precision, m.status, m.org_id, o.name, m.cccd
FROM members_member m JOIN orgs_org o ON o.id = m.org_id WHERE m.id = ANY(%s)
"""
WORDS_SQL = "SELECT word FROM members_nameword WHERE word >= %s AND word < %s ORDER BY word LIMIT 65"
# A province's (area's) postings, as the product reads them (``search.AREA_LENGTH``); the unit check stays
# for units below one.
TOKEN_BRANCH = (
    "(SELECT t.sort_key, t.member_id FROM members_membernametoken t WHERE t.word = %s AND t.area = %s"
    f" AND t.org_id IN ({SUBTREE}) ORDER BY t.sort_key, t.member_id LIMIT %s)"
)
TOKEN_COUNT_SQL = f"""
SELECT count(*), count(DISTINCT member_id) FROM (SELECT t.member_id FROM members_membernametoken t
WHERE t.word = ANY(%s) AND t.area = %s AND t.org_id IN ({SUBTREE}) LIMIT %s) s
"""


def _after(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class RawScopedBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(SCOPE_SQL, [hashlib.sha256(token.encode()).hexdigest()])
            rows = cursor.fetchall()
        return [path for _user, path in rows] or None


raw_members_api = NinjaAPI(
    urls_namespace="bench-raw-members", renderer=Utf8JSONRenderer(), auth=RawScopedBearer(), docs_url=None
)


def _birth_iso(born: Any, precision: str) -> str | None:
    if born is None:
        return None
    return (
        f"{born:%Y}" if precision == "year" else f"{born:%Y-%m}" if precision == "month" else born.isoformat()
    )


@raw_members_api.get("/members", response={200: MemberList, **ERRORS})
def raw_members(request: HttpRequest, filters: Query[MemberFilters]) -> dict[str, Any]:
    scope: list[str] = request.auth  # type: ignore[attr-defined]
    if filters.org is None or filters.status or filters.sex or filters.match != "word":
        raise Http404  # the benchmark asks for a unit's list, with or without a name
    with connection.cursor() as cursor:
        cursor.execute("SELECT path FROM orgs_org WHERE id = %s", [filters.org])
        found = cursor.fetchone()
        if found is None or not any(found[0].startswith(p) for p in scope):
            raise Http404
        path = found[0]
        unit = [path, _after(path)]
        terms = search_terms(filters.q or "")
        if not terms:
            cursor.execute(MEMBER_KEYS_SQL, [*unit, filters.limit, filters.offset])
            keys = [row[0] for row in cursor.fetchall()]
            cursor.execute(MEMBER_COUNT_SQL, [*unit, COUNT_CAP + 1])
            counted = cursor.fetchone()[0]
            total, exact = (counted, True) if counted <= COUNT_CAP else (COUNT_CAP, False)
        else:
            if len(terms) != 1 or len(path) < AREA_LENGTH:
                raise Http404  # one word in a province or below: what the benchmark asks
            area = path[:AREA_LENGTH]
            cursor.execute(WORDS_SQL, [terms[0], _after(terms[0])])
            words = [row[0] for row in cursor.fetchall()]
            wanted = filters.offset + filters.limit
            sql = (
                "SELECT sort_key, member_id FROM ("
                + " UNION ALL ".join([TOKEN_BRANCH] * len(words))
                + ") u ORDER BY sort_key, member_id LIMIT %s"
            )
            arguments: list[Any] = []
            for word in words:
                arguments += [word, area, *unit, wanted]
            cursor.execute(sql, [*arguments, wanted])
            keys = list(dict.fromkeys(member_id for _key, member_id in cursor.fetchall()))[
                filters.offset : wanted
            ]
            cursor.execute(TOKEN_COUNT_SQL, [words, area, *unit, 20_000])
            scanned, members = cursor.fetchone()
            if members > COUNT_CAP:
                total, exact = COUNT_CAP, False
            elif scanned < 20_000:
                total, exact = members, True
            else:
                step = 1_000 if members >= 1_000 else 100
                total, exact = members // step * step, False
        cursor.execute(MEMBER_ROWS_SQL, [keys])
        found_rows = {row[0]: row for row in cursor.fetchall()}
    results = []
    for key in keys:
        r = found_rows[key]
        results.append(
            {
                "id": r[0],
                "full_name": r[1],
                "sex": r[2],
                "birth_date": _birth_iso(r[3], r[4]),
                "status": r[5],
                "org": r[6],
                "org_name": r[7],
                "cccd": f"••••••••{r[8][-4:]}" if r[8] else "",
            }
        )
    return {"count": total, "count_exact": exact, "results": results}


urlpatterns = [
    path("bench/raw/", raw_api.urls),
    path("bench/raw-scoped/", raw_members_api.urls),
    *app_urlpatterns,
]
