"""The audit log as people read it: what happened in words, who did it, which record (linked), and each
change with the field's label, choice labels instead of codes and names instead of ids ("Đơn vị: ∅ →
Chi bộ 1"). The stored entries stay as written (they are a legal record); this only presents them.

Queries are batched per page: one per kind of record linked and one per kind of related record named
in the changes, whatever the number of rows.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import pgettext

from dangvu.audit.models import AuditEntry
from dangvu.core.modules import modules

EMPTY = "∅"


@dataclass
class Change:
    label: str
    before: str
    after: str
    raw: bool = False  # ``label`` is the field's name in the code (the field has no label of its own)


@dataclass
class EntryView:
    """One row of the log page and of its export."""

    entry: AuditEntry
    action: str  # "Đổi tên" — the event in words, else the kind of action and the record's kind
    actor: str
    record_kind: str
    record_url: str | None
    changes: list[Change] = field(default_factory=list)


def event_labels() -> dict[str, Any]:
    """Every module's words for its audit events (``ModuleDescription.audit_events``)."""
    return {event: label for m in modules() for event, label in m.audit_events.items()}


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label) if label.count(".") == 1 else None
    except (LookupError, ValueError):
        return None


def _records(entries: list[AuditEntry]) -> dict[tuple[str, str], models.Model]:
    """The records the entries are about, still existing, by (type, id): one query per type."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_id:
            wanted[entry.object_type].add(entry.object_id)
    found: dict[tuple[str, str], models.Model] = {}
    for label, ids in wanted.items():
        model = _model(label)
        if model is None or not hasattr(model, "get_absolute_url"):
            continue
        numeric = isinstance(model._meta.pk, models.AutoField | models.BigAutoField)
        keys: list[Any] = [int(i) for i in ids if i.isdigit()] if numeric else list(ids)
        for record in model._default_manager.filter(pk__in=keys):
            found[(label, str(record.pk))] = record
    return found


def _related_names(entries: list[AuditEntry]) -> dict[tuple[type[models.Model], Any], str]:
    """Names of the records the changes point to by id (a unit, an ethnic group…): one query per model."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        model = _model(entry.object_type)
        if model is None:
            continue
        for name, values in (entry.changes or {}).items():
            target = _foreign_model(model, name)
            if target is not None and isinstance(values, list):
                wanted[target].update(v for v in values if isinstance(v, int | str) and v != "")
    names: dict[tuple[type[models.Model], Any], str] = {}
    for target, ids in wanted.items():
        for record in target._default_manager.filter(pk__in=list(ids)[:500]):
            names[(target, record.pk)] = str(record)
    return names


def _field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a field renamed or removed since the entry was written
        return None


def _foreign_model(model: type[models.Model], name: str) -> type[models.Model] | None:
    target = _field(model, name)
    related = getattr(target, "related_model", None) if getattr(target, "many_to_one", False) else None
    return related if isinstance(related, type) else None


def _value(model: type[models.Model] | None, name: str, value: Any, names: dict[Any, str]) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, dict | list):  # JSON kept as written (several ids, a structured value)
        return json.dumps(value, ensure_ascii=False)
    target = _field(model, name) if model is not None else None
    if target is not None:
        related = _foreign_model(model, name) if model is not None else None
        if related is not None:
            return names.get((related, value), f"#{value}")
        choices = dict(getattr(target, "flatchoices", None) or ())
        if value in choices:
            return str(choices[value])
        if isinstance(target, models.BooleanField):
            return pgettext("audit value", "có") if value else pgettext("audit value", "không")
        if isinstance(target, models.DateField) and isinstance(value, str):
            try:
                return f"{date.fromisoformat(value[:10]):%d/%m/%Y}"
            except ValueError:
                return value
    if isinstance(value, date | datetime):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _label(model: type[models.Model] | None, name: str) -> tuple[str, bool]:
    """The field's label, capitalised, or its name in the code (raw) when it has no label of its own."""
    target = _field(model, name) if model is not None else None
    verbose = str(getattr(target, "verbose_name", "") or "")
    if not verbose or verbose == name.replace("_", " "):
        return name, True
    return verbose[:1].upper() + verbose[1:], False


def _changes(model: type[models.Model] | None, entry: AuditEntry, names: dict[Any, str]) -> list[Change]:
    changes = []
    for name, values in (entry.changes or {}).items():
        if name == "id" or not isinstance(values, list) or len(values) != 2:
            continue  # the record's own id is in the row already
        label, raw = _label(model, name)
        before, after = (_value(model, name, value, names) for value in values)
        changes.append(Change(label, before, after, raw))
    return changes


def describe(entries: Iterable[AuditEntry]) -> list[EntryView]:
    """The entries as people read them, in the order given."""
    entries = list(entries)
    labels = event_labels()
    records = _records(entries)
    names = _related_names(entries)
    views = []
    for entry in entries:
        model = _model(entry.object_type)
        kind = str(model._meta.verbose_name) if model is not None else entry.object_type
        action = labels.get(entry.event)
        action_text = str(action) if action else f"{entry.get_action_display()} · {kind}"
        record = records.get((entry.object_type, entry.object_id))
        actor = entry.actor.display_name if entry.actor is not None else entry.actor_repr
        views.append(
            EntryView(
                entry=entry,
                action=action_text,
                actor=actor,
                record_kind=kind,
                record_url=record.get_absolute_url() if record is not None else None,  # type: ignore[attr-defined]
                changes=_changes(model, entry, names),
            )
        )
    return views
