"""The app's URLs plus /bench/raw/orgs: GET /api/v1/orgs?parent=&limit=&offset= written in raw SQL.

It does the same work as the ORM endpoint — bearer-token lookup, parent lookup, count, one page with
the unit type — so the load benchmark compares the ORM's cost, not a different amount of work.
"""

from __future__ import annotations

import hashlib
import json

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from dangvu.urls import urlpatterns as app_urlpatterns

PAGE_SQL = """
SELECT o.id, o.name, o.short_name, o.code, o.abbreviation, t.code, t.name, o.status, o.depth, o.numchild,
       o.established_on, o.ended_on
FROM orgs_org o JOIN orgs_orgtype t ON t.id = o.org_type_id
WHERE o.path LIKE %s AND o.depth = %s
ORDER BY o.path LIMIT %s OFFSET %s
"""


def raw_orgs(request: HttpRequest) -> HttpResponse:
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.startswith("Bearer ") else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.id FROM accounts_apitoken k JOIN accounts_user u ON u.id = k.user_id WHERE k.key_hash = %s "
            "AND k.revoked_at IS NULL AND u.is_active AND u.is_superuser",
            [hashlib.sha256(token.encode()).hexdigest()],
        )
        if cursor.fetchone() is None:
            return JsonResponse({"error": {"code": "unauthenticated"}}, status=401)
        parent_id = int(request.GET["parent"])
        limit, offset = int(request.GET.get("limit", 50)), int(request.GET.get("offset", 0))
        cursor.execute("SELECT path, depth FROM orgs_org WHERE id = %s", [parent_id])
        parent_path, parent_depth = cursor.fetchone()
        pattern = parent_path + "%"
        cursor.execute(
            "SELECT count(*) FROM orgs_org WHERE path LIKE %s AND depth = %s", [pattern, parent_depth + 1]
        )
        (count,) = cursor.fetchone()
        cursor.execute(PAGE_SQL, [pattern, parent_depth + 1, limit, offset])
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
                "parent_id": parent_id,
                "child_count": r[9],
                "established_on": r[10].isoformat() if r[10] else None,
                "ended_on": r[11].isoformat() if r[11] else None,
            }
            for r in cursor.fetchall()
        ]
    body = json.dumps({"count": count, "results": results}, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


urlpatterns = [path("bench/raw/orgs", raw_orgs), *app_urlpatterns]
