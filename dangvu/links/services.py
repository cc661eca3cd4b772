"""Linking records across modules, and the one timeline every record page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangvu.audit.models import AuditEntry
from dangvu.audit.services import audit_log, object_type_of


def _ref(obj: models.Model) -> tuple[str, str]:
    return object_type_of(obj), str(obj.pk)


def _visible(model: type[models.Model], user: Any, ids: list[str]) -> dict[str, models.Model]:
    queryset = model._default_manager.filter(pk__in=ids)
    visible_to = getattr(queryset, "visible_to", None)
    if visible_to is not None:
        queryset = visible_to(user)
    elif not getattr(user, "is_superuser", False):
        return {}
    return {str(obj.pk): obj for obj in queryset}


def _can_see(user: Any, obj: models.Model) -> bool:
    return str(obj.pk) in _visible(type(obj), user, [str(obj.pk)])


@transaction.atomic
def link_create(
    *, actor: Any, source: models.Model, target: models.Model, kind: str = "related", note: str = ""
) -> Any:
    """Link two records the actor can both see. Side effect: audit (on the source record)."""
    from dangvu.links.models import Link

    if not (_can_see(actor, source) and _can_see(actor, target)):
        raise ValidationError(_("Không tìm thấy hồ sơ cần liên kết."))
    if _ref(source) == _ref(target):
        raise ValidationError(_("Không thể liên kết một hồ sơ với chính nó."))
    (source_type, source_id), (target_type, target_id) = _ref(source), _ref(target)
    link, created = Link.objects.get_or_create(
        source_type=source_type,
        source_id=source_id,
        target_type=target_type,
        target_id=target_id,
        kind=kind,
        defaults={"note": note, "created_by": actor},
    )
    if created:
        audit_log(
            actor=actor,
            action="create",
            obj=source,
            event="links.create",
            data={"target_type": target_type, "target_id": target_id, "kind": kind},
        )
    return link


@dataclass(frozen=True)
class LinkedRecord:
    kind: str
    obj: models.Model
    object_type: str
    created_at: datetime


def linked_records(obj: models.Model, user: Any) -> list[LinkedRecord]:
    """Records linked to ``obj`` (either direction) that ``user`` may see, newest link first."""
    from dangvu.links.models import Link

    object_type, object_id = _ref(obj)
    links = Link.objects.filter(
        Q(source_type=object_type, source_id=object_id) | Q(target_type=object_type, target_id=object_id)
    ).order_by("-created_at")
    other: list[tuple[str, str, Any]] = []
    for link in links:
        if (link.source_type, link.source_id) == (object_type, object_id):
            other.append((link.target_type, link.target_id, link))
        else:
            other.append((link.source_type, link.source_id, link))
    by_type: dict[str, list[str]] = {}
    for other_type, other_id, _link in other:
        by_type.setdefault(other_type, []).append(other_id)
    found: dict[tuple[str, str], models.Model] = {}
    for other_type, ids in by_type.items():
        try:
            model = apps.get_model(other_type)
        except LookupError:
            continue
        for pk, record in _visible(model, user, ids).items():
            found[(other_type, pk)] = record
    return [
        LinkedRecord(kind=link.kind, obj=found[(t, i)], object_type=t, created_at=link.created_at)
        for t, i, link in other
        if (t, i) in found
    ]


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str  # "audit" or "link"
    title: str
    actor: str
    detail: Any


def timeline(
    obj: models.Model, user: Any, limit: int = 200, linked: list[LinkedRecord] | None = None
) -> list[TimelineItem]:
    """The record's history: its audit entries and its links, newest first.

    Each audit entry only for a user who may read it in the audit log (``audit.view`` over its unit,
    ``AuditEntry.objects.visible_to``): who opened a member's file, and the before → after of its
    fields (a full citizen ID among them), are the audit log's, not every reader's of the record.
    ``linked``: the record's ``linked_records`` when the page already has them (one query less)."""
    object_type, object_id = _ref(obj)
    entries = AuditEntry.objects.visible_to(user).for_object(object_type, object_id)
    items = [
        TimelineItem(
            at=e.created_at, kind="audit", title=e.get_action_display(), actor=e.actor_repr, detail=e
        )
        for e in entries.order_by("-id")[:limit]
    ]
    items += [
        TimelineItem(at=r.created_at, kind="link", title=str(r.obj), actor="", detail=r)
        for r in (linked if linked is not None else linked_records(obj, user))
    ]
    return sorted(items, key=lambda item: item.at, reverse=True)[:limit]
