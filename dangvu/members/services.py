"""Member writes needed by the platform (create, move, status). The members module adds the lifecycle verbs."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangvu.accounts.permissions import require_perm
from dangvu.audit.services import audit_log, diff, snapshot
from dangvu.members import rollups
from dangvu.members.enums import CURRENT_STATUSES, MemberStatus
from dangvu.members.models import Member


def _check_org_accepts_members(org: Any) -> None:
    if not org.is_active:
        raise ValidationError(
            {"org": f"Đơn vị “{org.name}” đã {org.get_status_display().lower()}, không nhận đảng viên."}
        )


@transaction.atomic
def member_create(
    *,
    actor: Any,
    full_name: str,
    sex: str,
    org: Any,
    status: str = MemberStatus.OFFICIAL,
    birth_date: date | None = None,
    cccd: str | None = None,
    admitted_on: date | None = None,
) -> Member:
    """Add a member to a unit. Side effects: roll-ups, audit."""
    require_perm(actor, "members.manage", org)
    _check_org_accepts_members(org)
    member = Member(
        full_name=" ".join(full_name.split()),
        sex=sex,
        org=org,
        status=status,
        birth_date=birth_date,
        cccd=cccd or None,
        admitted_on=admitted_on,
    )
    member.refresh_derived()
    member.full_clean()
    member.save()
    rollups.member_changed(old_path=None, old_status=None, new_path=org.path, new_status=status)
    audit_log(
        actor=actor, action="create", obj=member, event="members.create", changes=diff({}, snapshot(member))
    )
    return member


@transaction.atomic
def member_move(*, actor: Any, member: Member, to_org: Any) -> Member:
    """Put a member in another unit (the members module wraps this in transfer procedures)."""
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    require_perm(actor, "members.manage", member.org)
    require_perm(actor, "members.manage", to_org)
    _check_org_accepts_members(to_org)
    before = snapshot(member, ["org"])
    old_path = member.org.path
    member.org = to_org
    member.save(update_fields=["org", "updated_at"])
    rollups.member_changed(
        old_path=old_path, old_status=member.status, new_path=to_org.path, new_status=member.status
    )
    audit_log(
        actor=actor,
        action="update",
        obj=member,
        event="members.move",
        changes=diff(before, snapshot(member, ["org"])),
    )
    return member


@transaction.atomic
def member_set_status(*, actor: Any, member: Member, status: str, reason: str = "") -> Member:
    """Change a member's status (the lifecycle verbs of the members module decide when this is allowed)."""
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    require_perm(actor, "members.manage", member.org)
    if status not in MemberStatus.values:
        raise ValidationError({"status": "Trạng thái không hợp lệ."})
    before = snapshot(member, ["status"])
    old_status = member.status
    member.status = status
    member.save(update_fields=["status", "updated_at"])
    rollups.member_changed(
        old_path=member.org.path, old_status=old_status, new_path=member.org.path, new_status=status
    )
    audit_log(
        actor=actor,
        action="update",
        obj=member,
        event="members.status",
        changes=diff(before, snapshot(member, ["status"])),
        data={"reason": reason},
    )
    return member


def _move_many(actor: Any, members: list[Member], to_org: Any, event: str) -> int:
    by_path: dict[str, Counter[str]] = {}
    for member in members:
        by_path.setdefault(member.org.path, Counter())[member.status] += 1
    Member.objects.filter(pk__in=[m.pk for m in members]).update(org=to_org)
    for path, counts in by_path.items():
        rollups.move_members_bulk(
            from_path=path,
            to_path=to_org.path,
            counts={s: n for s, n in counts.items() if s in CURRENT_STATUSES},
        )
    for member in members:
        audit_log(
            actor=actor,
            action="update",
            obj=member,
            org=to_org,
            event=event,
            changes={"org": [member.org_id, to_org.pk]},
        )
    return len(members)


@transaction.atomic
def members_move(*, actor: Any, member_ids: list[int], to_org: Any) -> int:
    """Move members as part of a structural change (a unit split), which already checked ``orgs.manage``.

    One audit entry per member; roll-ups shifted.
    """
    _check_org_accepts_members(to_org)
    members = list(Member.objects.select_for_update().filter(pk__in=member_ids).select_related("org"))
    return _move_many(actor, members, to_org, "members.move_structural")


@transaction.atomic
def members_move_all(*, actor: Any, from_org: Any, to_org: Any) -> int:
    """Move every member of ``from_org`` to ``to_org`` as part of a merge (``orgs.manage`` checked by the caller)."""
    _check_org_accepts_members(to_org)
    members = list(Member.objects.select_for_update().filter(org=from_org).select_related("org"))
    return _move_many(actor, members, to_org, "members.move_structural")
