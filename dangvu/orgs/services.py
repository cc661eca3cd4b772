"""Every change to the organization tree goes through one of these functions.

Each checks ``orgs.manage`` in the affected units, validates, writes the change and an ``OrgEvent``,
records one audit entry and keeps the member roll-ups exact. Records of merged, split or dissolved
units stay attached to them; ``OrgSuccession`` rows say where each unit's work continued.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.permissions import WHOLE_TREE, grants_changed, require_perm
from dangvu.audit.services import audit_created, audit_log, diff, snapshot
from dangvu.core.modules import structure_participants
from dangvu.core.text import fold
from dangvu.orgs.enums import OrgEventKind, OrgStatus
from dangvu.orgs.models import Org, OrgEvent, OrgNameVersion, OrgSuccession, OrgType, Term

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


_UNIT = _("Đơn vị")


def _require_active(org: Org, label: StrOrPromise = _UNIT) -> None:
    if not org.is_active:
        raise ValidationError(
            format_lazy(
                _("{unit} “{name}” không còn hoạt động ({status}); không thể thực hiện thao tác này."),
                unit=label,
                name=org.name,
                status=OrgStatus(org.status).label,
            )
        )


def _check_code_free(code: str, exclude_pk: int | None = None) -> None:
    if Org.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        raise ValidationError({"code": format_lazy(_("Mã đơn vị “{code}” đã được dùng."), code=code)})


def _lock(org: Org) -> Org:
    return Org.objects.select_for_update().get(pk=org.pk)


def _path_text(parent: Org | None, name: str) -> str:
    """The folded names from the root down to a unit named ``name`` under ``parent``."""
    return f"{parent.path_text} {fold(name)}" if parent is not None and parent.path_text else fold(name)


def _rewrite_path_texts(org: Org) -> None:
    """After a rename or a move, the path text of ``org`` and of every unit below it.

    Each descendant's text begins with the unit's old text (root first), so one UPDATE swaps that
    beginning for the new one, however large the subtree.
    """
    old = Org.objects.filter(pk=org.pk).values_list("path_text", flat=True).get()
    new = _path_text(Org.objects.get_parent(org), org.name)
    if new != old:
        Org.objects.filter(path__startswith=org.path).update(
            path_text=Concat(Value(new), Substr("path_text", len(old) + 1))
        )


@transaction.atomic
def org_create(
    *,
    actor: Any,
    name: str,
    code: str,
    org_type: OrgType,
    parent: Org | None = None,
    abbreviation: str = "",
    short_name: str = "",
    established_on: date | None = None,
    decision: str = "",
) -> Org:
    """Found a unit under ``parent`` (or a new root). Side effects: OrgEvent, name version, roll-up row, audit."""
    require_perm(actor, "orgs.manage", parent if parent is not None else WHOLE_TREE)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Tên đơn vị không được để trống.")})
    _check_code_free(code)
    if parent is not None:
        _require_active(parent, _("Đơn vị cấp trên"))
    fields = {
        "name": name,
        "code": code,
        "org_type": org_type,
        "abbreviation": abbreviation or org_type.default_abbreviation,
        "short_name": short_name,
        "established_on": established_on,
    }
    org = Org(**fields)
    org.refresh_derived()
    org.path_text = _path_text(parent, name)
    org = (
        Org.objects.add_child(parent, instance=org)
        if parent is not None
        else Org.objects.add_root(instance=org)
    )
    OrgNameVersion.objects.create(
        org=org, name=org.name, abbreviation=org.abbreviation, valid_from=established_on
    )
    OrgEvent.objects.create(
        org=org,
        kind=OrgEventKind.CREATED,
        occurred_on=established_on or timezone.localdate(),
        decision=decision,
    )
    for participant in structure_participants():
        participant.unit_created(actor=actor, org=org)
    audit_created(actor=actor, obj=org, event="orgs.create")
    return org


@transaction.atomic
def org_rename(
    *,
    actor: Any,
    org: Org,
    name: str,
    abbreviation: str | None = None,
    effective_on: date,
    decision: str = "",
) -> Org:
    """Rename a unit from ``effective_on``; the old name stays in its name history."""
    org = _lock(org)
    require_perm(actor, "orgs.manage", org)
    _require_active(org)
    before = snapshot(org)
    old_name = org.name
    org.name = name.strip()
    if abbreviation is not None:
        org.abbreviation = abbreviation.strip()
    if not org.name:
        raise ValidationError({"name": _("Tên đơn vị không được để trống.")})
    org.refresh_derived()
    org.save(update_fields=["name", "abbreviation", "search_text", "sort_name", "updated_at"])
    _rewrite_path_texts(org)
    OrgNameVersion.objects.filter(org=org, valid_to__isnull=True).update(valid_to=effective_on)
    OrgNameVersion.objects.create(
        org=org, name=org.name, abbreviation=org.abbreviation, valid_from=effective_on
    )
    OrgEvent.objects.create(
        org=org,
        kind=OrgEventKind.RENAMED,
        occurred_on=effective_on,
        decision=decision,
        data={"from": old_name, "to": org.name},
    )
    audit_log(actor=actor, action="update", obj=org, event="orgs.rename", changes=diff(before, snapshot(org)))
    return org


@transaction.atomic
def org_update_details(
    *, actor: Any, org: Org, code: str, short_name: str, established_on: date | None
) -> Org:
    """Correct a unit's code, short name or founding date (not a structural change)."""
    org = _lock(org)
    require_perm(actor, "orgs.manage", org)
    _check_code_free(code, exclude_pk=org.pk)
    before = snapshot(org)
    org.code, org.short_name, org.established_on = code, short_name, established_on
    org.refresh_derived()
    org.full_clean(exclude=["path", "depth", "numchild"])
    org.save(update_fields=["code", "short_name", "established_on", "search_text", "sort_name", "updated_at"])
    audit_log(actor=actor, action="update", obj=org, event="orgs.update", changes=diff(before, snapshot(org)))
    return org


def _move_subtree(actor: Any, org: Org, new_parent: Org) -> None:
    """Move ``org`` with its subtree under ``new_parent``; each module moves what it counts per chain."""
    old_parent = Org.objects.get_parent(org)
    Org.objects.move(org, new_parent, pos="last-child")
    grants_changed()  # roles held in the subtree now reach it by its new path
    moved = Org.objects.get(pk=org.pk)
    _rewrite_path_texts(moved)
    moved.refresh_from_db()
    new_parent.refresh_from_db()
    for participant in structure_participants():
        participant.unit_moved(actor=actor, org=moved, old_parent=old_parent, new_parent=new_parent)


@transaction.atomic
def org_move(*, actor: Any, org: Org, new_parent: Org, effective_on: date, decision: str = "") -> Org:
    """Put a unit (with everything below it) under another parent."""
    org = _lock(org)
    new_parent = Org.objects.get(pk=new_parent.pk)
    require_perm(actor, "orgs.manage", org)
    require_perm(actor, "orgs.manage", new_parent)
    _require_active(org)
    _require_active(new_parent, _("Đơn vị cấp trên mới"))
    if new_parent.path.startswith(org.path):
        raise ValidationError(
            {"new_parent": _("Không thể chuyển một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.")}
        )
    old_parent = Org.objects.get_parent(org)
    if old_parent is not None and old_parent.pk == new_parent.pk:
        raise ValidationError({"new_parent": _("Đơn vị đã trực thuộc đơn vị này.")})
    _move_subtree(actor, org, new_parent)
    org.refresh_from_db()
    data = {"from_parent": old_parent.pk if old_parent else None, "to_parent": new_parent.pk}
    OrgEvent.objects.create(
        org=org, kind=OrgEventKind.MOVED, occurred_on=effective_on, decision=decision, data=data
    )
    audit_log(
        actor=actor,
        action="update",
        obj=org,
        event="orgs.move",
        changes={"parent": [old_parent.name if old_parent else None, new_parent.name]},
        data=data,
    )
    return org


def _end(org: Org, status: str, effective_on: date) -> None:
    org.status = status
    org.ended_on = effective_on
    org.save(update_fields=["status", "ended_on", "updated_at"])
    OrgNameVersion.objects.filter(org=org, valid_to__isnull=True).update(valid_to=effective_on)


@transaction.atomic
def org_merge(*, actor: Any, sources: list[Org], target: Org, effective_on: date, decision: str = "") -> Org:
    """Merge ``sources`` into ``target``: their sub-units and members continue under ``target``.

    The source units are kept (status "merged") with their past records, linked to ``target`` by
    ``OrgSuccession``. Side effects: sub-units moved, each module's records moved by its structure
    participant (members, their counts, transfers on their way in), events, audit.
    """
    target = _lock(target)
    require_perm(actor, "orgs.manage", target)
    _require_active(target, _("Đơn vị tiếp nhận"))
    if not sources:
        raise ValidationError({"sources": _("Chọn ít nhất một đơn vị để hợp nhất.")})
    for source in sources:
        source = _lock(source)
        require_perm(actor, "orgs.manage", source)
        _require_active(source)
        if source.pk == target.pk or target.path.startswith(source.path):
            raise ValidationError(
                {"target": _("Đơn vị tiếp nhận không được là đơn vị bị hợp nhất hoặc cấp dưới của nó.")}
            )
        for child in list(Org.objects.get_children(source)):
            _move_subtree(actor, child, Org.objects.get(pk=target.pk))
        for participant in structure_participants():
            participant.units_merged(
                actor=actor,
                source=Org.objects.get(pk=source.pk),
                target=Org.objects.get(pk=target.pk),
                on=effective_on,
            )
        source = Org.objects.get(pk=source.pk)
        _end(source, OrgStatus.MERGED, effective_on)
        OrgSuccession.objects.create(
            predecessor=source, successor=target, kind=OrgEventKind.MERGED, occurred_on=effective_on
        )
        OrgEvent.objects.create(
            org=source,
            kind=OrgEventKind.MERGED,
            occurred_on=effective_on,
            decision=decision,
            data={"into": target.pk},
        )
        audit_log(
            actor=actor,
            action="update",
            obj=source,
            event="orgs.merge",
            data={"into": target.pk, "decision": decision},
        )
    OrgEvent.objects.create(
        org=target,
        kind=OrgEventKind.MERGED,
        occurred_on=effective_on,
        decision=decision,
        data={"from": [source.pk for source in sources]},
    )
    return Org.objects.get(pk=target.pk)


@transaction.atomic
def org_split(
    *,
    actor: Any,
    source: Org,
    parts: list[dict[str, Any]],
    effective_on: date,
    decision: str = "",
) -> list[Org]:
    """Split ``source`` into new units under the same parent.

    Each part is ``{"name", "code", "org_type", "abbreviation"?, "children": [unit ids], …}`` plus what
    each module's structure participant reads (``"members": [member ids]``). Records and sub-units not
    given to a part go to the first part. The source ends with status "split".
    """
    source = _lock(source)
    require_perm(actor, "orgs.manage", source)
    _require_active(source)
    if len(parts) < 2:
        raise ValidationError({"parts": _("Chia tách cần ít nhất hai đơn vị mới.")})
    parent = Org.objects.get_parent(source)
    new_orgs: list[Org] = []
    for part in parts:
        new_orgs.append(
            org_create(
                actor=actor,
                name=part["name"],
                code=part["code"],
                org_type=part.get("org_type") or source.org_type,
                parent=parent,
                abbreviation=part.get("abbreviation", source.abbreviation),
                established_on=effective_on,
                decision=decision,
            )
        )
    children = {
        child.pk: child for child in Org.objects.filter(path__startswith=source.path, depth=source.depth + 1)
    }
    assigned_children: set[int] = set()
    for index, part in enumerate(parts):
        for child_id in part.get("children", []):
            if child_id not in children:
                raise ValidationError(
                    {
                        "parts": format_lazy(
                            _("Đơn vị #{id} không trực thuộc “{name}”."), id=child_id, name=source.name
                        )
                    }
                )
            _move_subtree(actor, Org.objects.get(pk=child_id), Org.objects.get(pk=new_orgs[index].pk))
            assigned_children.add(child_id)
    for child_id in set(children) - assigned_children:
        _move_subtree(actor, Org.objects.get(pk=child_id), Org.objects.get(pk=new_orgs[0].pk))
    source = Org.objects.get(pk=source.pk)
    given = [(Org.objects.get(pk=new_org.pk), part) for new_org, part in zip(new_orgs, parts, strict=True)]
    for participant in structure_participants():
        participant.unit_split(actor=actor, source=source, parts=given, on=effective_on)
    source = Org.objects.get(pk=source.pk)
    _end(source, OrgStatus.SPLIT, effective_on)
    for new_org in new_orgs:
        OrgSuccession.objects.create(
            predecessor=source, successor=new_org, kind=OrgEventKind.SPLIT, occurred_on=effective_on
        )
    OrgEvent.objects.create(
        org=source,
        kind=OrgEventKind.SPLIT,
        occurred_on=effective_on,
        decision=decision,
        data={"into": [o.pk for o in new_orgs]},
    )
    audit_log(
        actor=actor, action="update", obj=source, event="orgs.split", data={"into": [o.pk for o in new_orgs]}
    )
    return [Org.objects.get(pk=o.pk) for o in new_orgs]


@transaction.atomic
def org_dissolve(*, actor: Any, org: Org, effective_on: date, decision: str = "") -> Org:
    """Dissolve a unit that no longer has active sub-units, nor records a module says must go first
    (members, transfers on their way in: move or merge them first)."""
    org = _lock(org)
    require_perm(actor, "orgs.manage", org)
    _require_active(org)
    if Org.objects.filter(path__startswith=org.path, status=OrgStatus.ACTIVE).exclude(pk=org.pk).exists():
        raise ValidationError(
            _(
                "Đơn vị còn đơn vị trực thuộc đang hoạt động; hãy chuyển hoặc hợp nhất chúng trước khi giải thể."
            )
        )
    participants = structure_participants()
    blockers = [reason for participant in participants for reason in participant.dissolve_blockers(org)]
    if blockers:
        raise ValidationError(blockers)
    before = snapshot(org)
    _end(org, OrgStatus.DISSOLVED, effective_on)
    for participant in participants:
        participant.unit_dissolved(actor=actor, org=org, on=effective_on)
    OrgEvent.objects.create(org=org, kind=OrgEventKind.DISSOLVED, occurred_on=effective_on, decision=decision)
    audit_log(
        actor=actor, action="update", obj=org, event="orgs.dissolve", changes=diff(before, snapshot(org))
    )
    return org


@transaction.atomic
def term_add(*, actor: Any, org: Org, name: str, starts_on: date, ends_on: date | None) -> Term:
    """Record a committee term (nhiệm kỳ); the previous open term ends the day before."""
    require_perm(actor, "orgs.manage", org)
    if ends_on is not None and ends_on <= starts_on:
        raise ValidationError({"ends_on": _("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.")})
    if Term.objects.filter(org=org, starts_on=starts_on).exists():
        raise ValidationError({"starts_on": _("Đơn vị đã có nhiệm kỳ bắt đầu từ ngày này.")})
    term = Term.objects.create(org=org, name=name.strip(), starts_on=starts_on, ends_on=ends_on)
    audit_created(actor=actor, obj=term, event="orgs.term_add", org=org)
    return term


def predecessors(org: Org) -> list[Org]:
    """Every unit whose work ``org`` continues (transitively), to find their past records."""
    seen: dict[int, Org] = {}
    frontier = [org.pk]
    while frontier:
        rows = list(OrgSuccession.objects.filter(successor_id__in=frontier).select_related("predecessor"))
        frontier = [row.predecessor_id for row in rows if row.predecessor_id not in seen]
        for row in rows:
            seen.setdefault(row.predecessor_id, row.predecessor)
    return list(seen.values())
