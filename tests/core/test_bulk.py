"""Bulk writes (``insert_rows``, ``inserting``) and the ``__any`` lookup, on SQLite and PostgreSQL.

Above ``COPY_FROM_ROWS`` rows PostgreSQL takes them by COPY on a writer thread; below it, and on
SQLite, by ``bulk_create``. Either way the caller gets the same completed rows back.
"""

from datetime import date

import pytest
from django.db import connection, transaction
from django.db.utils import IntegrityError

from dangvu.core.bulk import COPY_FROM_ROWS, JsonText, insert_rows, inserting
from dangvu.orgs.models import Org, OrgEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [3, COPY_FROM_ROWS + 5])
def test_rows_come_back_complete_with_their_keys_and_are_stored_as_given(tree, count):
    rows = [
        {
            "org_id": tree.a1.pk if i % 2 else tree.a2.pk,
            "kind": "rename",
            "occurred_on": date(2025, 7, 1),
            # A dict, or JSON text already serialized: both land as the same JSON value.
            "data": {"from": f"Chi bộ {i}", "n": i}
            if i % 3
            else JsonText(f'{{"from": "Chi bộ {i}", "n": {i}}}'),
        }
        for i in range(count)
    ]
    done = insert_rows(OrgEvent, rows)
    assert len(done) == count
    assert len({row["id"] for row in done}) == count
    assert done[0]["note"] == ""
    assert done[0]["decision"] == ""
    assert all(row["created_at"] is not None for row in done)  # auto_now_add, as on save
    stored = {e.pk: e for e in OrgEvent.objects.filter(pk__in=[row["id"] for row in done])}
    for i, row in enumerate(done):
        event = stored[row["id"]]
        assert event.org_id == rows[i]["org_id"]
        assert event.data == {"from": f"Chi bộ {i}", "n": i}
        assert event.created_at == row["created_at"]


def test_the_block_runs_while_the_rows_go_in_and_they_are_there_after_it(tree):
    count = COPY_FROM_ROWS + 1
    seen_inside = []
    with inserting(
        OrgEvent, [{"org_id": tree.a1.pk, "kind": "rename", "occurred_on": date(2025, 7, 1)}] * count
    ) as done:
        seen_inside.append(len(done))  # keys are known before the rows are stored
    assert seen_inside == [count]
    assert OrgEvent.objects.filter(pk__in=[row["id"] for row in done]).count() == count


def test_a_bad_row_stores_nothing(tree):
    good = {"org_id": tree.a1.pk, "kind": "rename", "occurred_on": date(2025, 7, 1)}
    rows = [good] * COPY_FROM_ROWS + [{**good, "occurred_on": None}]
    before = OrgEvent.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(OrgEvent, rows)
    assert OrgEvent.objects.count() == before


def test_any_finds_what_in_finds(tree):
    codes = [tree.a1.code, tree.xa.code, "no-such-code", None]
    assert set(Org.objects.filter(code__any=codes)) == {tree.a1, tree.xa}
    assert set(Org.objects.filter(pk__any=[tree.a2.pk, 10**9])) == {tree.a2}
    assert not Org.objects.filter(code__any=[]).exists()
    if connection.vendor == "postgresql":
        sql = str(Org.objects.filter(code__any=codes).query)
        assert "= ANY(" in sql  # one array parameter, not a placeholder per value


def test_a_few_hot_rows_are_stored_as_save_would_store_them(tree):
    """``insert_values``/``update_values``: the single-change path (status history, deltas, audit)."""
    from dangvu.core.bulk import insert_values, update_values

    rows = [
        {"org_id": tree.a1.pk, "kind": "rename", "occurred_on": date(2025, 7, 1), "data": {"n": 1}},
        {"org_id": tree.a2.pk, "kind": "rename", "occurred_on": date(2025, 7, 2), "data": {"n": 2}},
    ]
    ids = insert_values(OrgEvent, rows, returning=True)
    assert len(ids) == 2
    first, second = (OrgEvent.objects.get(pk=pk) for pk in ids)
    assert (first.org_id, first.occurred_on, first.data, first.note) == (
        tree.a1.pk,
        date(2025, 7, 1),
        {"n": 1},
        "",
    )
    assert first.created_at is not None  # auto_now_add, as on save
    assert second.data == {"n": 2}
    assert insert_values(OrgEvent, [rows[0]]) == []  # without returning
    # Only the rows matching every condition change; None matches NULL.
    assert (
        update_values(
            OrgEvent, {"note": "sửa", "occurred_on": date(2025, 8, 1)}, {"id": ids[0], "decision": ""}
        )
        == 1
    )
    assert update_values(OrgEvent, {"note": "không"}, {"id": ids[1], "decision": "khác"}) == 0
    first.refresh_from_db()
    assert (first.note, first.occurred_on) == ("sửa", date(2025, 8, 1))
    assert OrgEvent.objects.get(pk=ids[1]).note == ""
