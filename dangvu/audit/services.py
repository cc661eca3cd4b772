"""Writing the audit log. Every module records its changes through ``audit_log`` (or, in bulk,
``audit_log_many``/``AuditBatch``).

Writing takes no lock on any shared row: the entry is inserted with its own MAC (``AuditEntry.mac``) and
chained after commit by the chaining job (``dangvu.audit.chain``), so no request waits on another
request's transaction to write its entry.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from dangvu.audit.chain import ChainReport as ChainReport
from dangvu.audit.chain import chain_soon
from dangvu.audit.chain import verify_chain as verify_chain
from dangvu.audit.context import current_origin
from dangvu.audit.models import AuditEntry, audit_key, canonical_json, payload_mac
from dangvu.core.bulk import JsonText, insert_values, inserting

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


_SCALARS = (str, int, bool, type(None))


def _jsonable(value: Any) -> Any:
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list | float):
        return value
    return str(value)


@functools.cache
def _audited_fields(model: type[models.Model], by_name: bool = False) -> tuple[tuple[str, str], ...]:
    """(name, attname) of the fields an audit snapshot holds, in the model's order or by name."""
    fields = [
        (field.name, field.attname)
        for field in model._meta.concrete_fields
        if field.name not in _SKIPPED_FIELDS
    ]
    return tuple(sorted(fields) if by_name else fields)


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audit-relevant field values of ``instance`` as JSON-ready data (foreign keys by id)."""
    return {
        name: _jsonable(getattr(instance, attname))
        for name, attname in _audited_fields(type(instance))
        if fields is None or name in fields
    }


def created_changes(model: type[models.Model], values: dict[str, Any]) -> dict[str, list[Any]]:
    """What a new record's entry holds, from its row (``{attname: value}``): ``[None, value]`` for
    every audited field that was given a value; fields left empty (null or blank) are not listed."""
    changes = {}
    for name, attname in _audited_fields(model, by_name=True):
        value = values[attname]
        if value is not None and value != "":
            changes[name] = [None, value if isinstance(value, _SCALARS) else _jsonable(value)]
    return changes


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


def _is_plain_json(data: dict[str, Any]) -> bool:
    """Whether ``data`` comes back from the database exactly as it is: string keys, and values that are
    scalars or lists of scalars (what ``diff`` of snapshots gives)."""
    for key, value in data.items():
        if type(key) is not str:
            return False
        if type(value) is list:
            for item in value:
                if not isinstance(item, _SCALARS):
                    return False
        elif not isinstance(value, _SCALARS):
            return False
    return True


def _org_of(obj: models.Model | None) -> Any:
    if obj is None:
        return None
    if obj._meta.label_lower == "orgs.org":
        return obj
    return getattr(obj, "org", None)


@transaction.atomic(savepoint=False)  # inside the caller's transaction: fails with it
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
    """Append one entry to the audit log, inside the caller's transaction.

    Call it from the service function that makes the change, so the entry commits or rolls back with
    it. Locks nothing shared: the entry is visible in the log as soon as the caller commits, and the
    chaining job places it in the chain (in commit order) within seconds after that.
    """
    origin = current_origin()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    unit = org if org is not None else _org_of(obj)
    entry = AuditEntry(
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
    )
    entry.mac = entry.compute_mac()
    # Inserted as ``save(force_insert=True)`` would, by a statement compiled once: every change
    # writes one entry, and compiling the insert cost more than running it.
    (entry.pk,) = insert_values(
        AuditEntry,
        [{field.attname: getattr(entry, field.attname) for field in _ENTRY_FIELDS}],
        returning=True,
    )
    entry._state.adding = False
    entry._state.db = transaction.get_connection().alias
    chain_soon()
    return entry


_ENTRY_FIELDS = tuple(field for field in AuditEntry._meta.concrete_fields if not field.primary_key)


def audit_created(
    *, actor: Any, obj: models.Model, event: str, org: Any = None, data: dict[str, Any] | None = None
) -> AuditEntry:
    """The entry for a new record: every audited field given a value, from nothing to that value."""
    values = {attname: getattr(obj, attname) for _name, attname in _audited_fields(type(obj))}
    return audit_log(
        actor=actor,
        action="create",
        obj=obj,
        event=event,
        org=org,
        changes=created_changes(type(obj), values),
        data=data,
    )


@dataclass(frozen=True)
class Target:
    """What a bulk-written entry is about, without loading the record: type, id, label and unit."""

    object_type: str
    object_id: str
    object_repr: str
    org_id: int | None = None

    @classmethod
    def of(cls, obj: models.Model) -> Target:
        unit = _org_of(obj)
        return cls(object_type_of(obj), str(obj.pk), str(obj)[:300], unit.pk if unit is not None else None)


class AuditBatch:
    """Entries appended as one batch, as bulk imports write them (one COPY).

    Locks nothing (see ``audit_log``); ``entries`` only computes rows and MACs (no database work: it may
    run while another COPY is in flight); ``writing`` stores them. Fields and MACs are ``audit_log``'s.
    """

    def __init__(self, *, actor: Any, action: str, event: str) -> None:
        self.key = audit_key()
        self.now = timezone.now()
        origin = current_origin()
        actor_obj = actor if getattr(actor, "is_authenticated", False) else None
        self.common: dict[str, Any] = {
            "created_at": self.now.astimezone(UTC).isoformat(),
            "actor_id": actor_obj.pk if actor_obj else None,
            "actor_repr": str(actor_obj.username) if actor_obj else "hệ thống",
            "ip": origin.ip,
            "user_agent": origin.user_agent,
            "channel": origin.channel,
            "action": action,
            "event": event,
            "data": {},
        }

    def entries(self, targets: list[Target], changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The entries as rows (``{attname: value}``), in order."""
        rows = []
        for target, change in zip(targets, changes, strict=True):
            if not _is_plain_json(change):
                change = _normalized(change)
            changes_json = canonical_json(change)
            payload = self.common | {
                "object_type": target.object_type,
                "object_id": target.object_id,
                "object_repr": target.object_repr[:300],
                "org_id": target.org_id,
                "changes": change,
            }
            mac = payload_mac(payload, self.key)
            rows.append(
                payload
                | {
                    "created_at": self.now,
                    "changes": JsonText(changes_json),
                    "data": JsonText("{}"),
                    "mac": mac,
                }
            )
        return rows

    @contextlib.contextmanager
    def writing(self, rows: list[dict[str, Any]]) -> Iterator[None]:
        """Store ``rows`` (from ``entries``); their COPY overlaps the ``with`` block (see ``inserting``)."""
        with inserting(AuditEntry, rows):
            yield
        chain_soon()


@transaction.atomic
def audit_log_many(
    *,
    actor: Any,
    action: str,
    event: str,
    objects: list[models.Model] | None = None,
    targets: list[Target] | None = None,
    changes: list[dict[str, Any]],
) -> int:
    """Append one entry per object (or ``Target``) in a single batch (see ``AuditBatch``)."""
    if targets is None:
        targets = [Target.of(obj) for obj in objects or []]
    if not targets:
        return 0
    batch = AuditBatch(actor=actor, action=action, event=event)
    rows = batch.entries(targets, changes)
    with batch.writing(rows):
        pass
    return len(rows)
