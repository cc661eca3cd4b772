"""The app's URLs plus /bench/raw/orgs: GET /api/v1/orgs?parent=&limit=&offset= with raw SQL for data access.

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


urlpatterns = [path("bench/raw/", raw_api.urls), *app_urlpatterns]
