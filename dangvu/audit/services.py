"""Writing and checking the audit log. Every module records its changes through ``audit_log``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from dangvu.audit.context import current_origin
from dangvu.audit.models import AuditChainHead, AuditEntry
from dangvu.core.bulk import copy_insert

# Columns that are derived or bookkeeping, never worth an audit diff.
_SKIPPED_FIELDS = {
    "search_text",
    "search_words",
    "sort_key",
    "sort_name",
    "updated_at",
    "created_at",
    "password",
    "path",
    "depth",
    "numchild",
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audit-relevant field values of ``instance`` as JSON-ready data (foreign keys by id)."""
    result: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIPPED_FIELDS or (fields is not None and field.name not in fields):
            continue
        result[field.name] = _jsonable(getattr(instance, field.attname))
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for every field whose value changed."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def object_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def _normalized(data: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON so that what we hash is exactly what the database gives back.
    return json.loads(json.dumps(data or {}, default=_jsonable, ensure_ascii=False))


def _org_of(obj: models.Model | None) -> Any:
    if obj is None:
        return None
    if obj._meta.label_lower == "orgs.org":
        return obj
    return getattr(obj, "org", None)


@transaction.atomic
def audit_log(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    event: str = "",
    org: Any = None,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry to the audit chain, inside the caller's transaction.

    Call it from the service function that makes the change, so the entry commits or rolls back with
    it. Locks the chain head: entries are strictly ordered and their ``seq`` has no gaps.
    """
    AuditChainHead.objects.bulk_create([AuditChainHead(id=1)], ignore_conflicts=True)
    head = AuditChainHead.objects.select_for_update().get(id=1)
    origin = current_origin()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    unit = org if org is not None else _org_of(obj)
    entry = AuditEntry(
        seq=head.last_seq + 1,
        created_at=timezone.now(),
        actor=actor_obj,
        actor_repr=str(actor_obj.username) if actor_obj else (str(actor) if actor else "hệ thống"),
        ip=origin.ip,
        user_agent=origin.user_agent,
        channel=origin.channel,
        action=action,
        event=event,
        object_type=object_type or (object_type_of(obj) if obj is not None else ""),
        object_id=str(object_id or (obj.pk if obj is not None else "")),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        org=unit,
        changes=_normalized(changes),
        data=_normalized(data),
        prev_hash=head.last_hash,
    )
    entry.entry_hash = entry.compute_hash()
    entry.save(force_insert=True)
    AuditChainHead.objects.filter(id=1).update(last_seq=entry.seq, last_hash=entry.entry_hash)
    return entry


def audit_created(
    *, actor: Any, obj: models.Model, event: str, org: Any = None, data: dict[str, Any] | None = None
) -> AuditEntry:
    """The entry for a new record: every audited field, from nothing to its first value."""
    return audit_log(
        actor=actor,
        action="create",
        obj=obj,
        event=event,
        org=org,
        changes=diff({}, snapshot(obj)),
        data=data,
    )


@transaction.atomic
def audit_log_many(
    *, actor: Any, action: str, event: str, objects: list[models.Model], changes: list[dict[str, Any]]
) -> int:
    """Append one entry per object in a single locked batch (bulk imports); same chain as ``audit_log``."""
    if not objects:
        return 0
    AuditChainHead.objects.bulk_create([AuditChainHead(id=1)], ignore_conflicts=True)
    head = AuditChainHead.objects.select_for_update().get(id=1)
    origin = current_origin()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    previous, seq, now = head.last_hash, head.last_seq, timezone.now()
    entries = []
    for obj, change in zip(objects, changes, strict=True):
        seq += 1
        entry = AuditEntry(
            seq=seq,
            created_at=now,
            actor=actor_obj,
            actor_repr=str(actor_obj.username) if actor_obj else "hệ thống",
            ip=origin.ip,
            user_agent=origin.user_agent,
            channel=origin.channel,
            action=action,
            event=event,
            object_type=object_type_of(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            org=_org_of(obj),
            changes=_normalized(change),
            data={},
            prev_hash=previous,
        )
        entry.entry_hash = entry.compute_hash()
        previous = entry.entry_hash
        entries.append(entry)
    copy_insert(entries)
    AuditChainHead.objects.filter(id=1).update(last_seq=seq, last_hash=previous)
    return len(entries)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every hash in order; name the first altered, missing or inserted entry."""
    expected_prev = "0" * 64
    expected_seq = 1
    checked = 0
    last_id_seq = 0
    while True:
        batch = list(AuditEntry.objects.filter(seq__gt=last_id_seq).order_by("seq")[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.seq != expected_seq:
                return ChainReport(
                    False, checked, expected_seq, f"thiếu bản ghi số {expected_seq} (gặp số {entry.seq})"
                )
            if entry.prev_hash != expected_prev:
                return ChainReport(
                    False, checked, entry.seq, f"bản ghi số {entry.seq} không nối với bản ghi trước"
                )
            if entry.compute_hash() != entry.entry_hash:
                return ChainReport(False, checked, entry.seq, f"bản ghi số {entry.seq} đã bị sửa")
            expected_prev = entry.entry_hash
            expected_seq += 1
            checked += 1
        last_id_seq = batch[-1].seq
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.last_seq != checked or (checked and head.last_hash != expected_prev)):
        return ChainReport(
            False, checked, checked + 1, f"thiếu các bản ghi cuối (đầu chuỗi ghi số {head.last_seq})"
        )
    return ChainReport(True, checked)
