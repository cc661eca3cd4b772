"""Citizen IDs (CCCD) are unique, without telling anyone outside a member's scope that the member exists.

Before a CCCD is recorded (``member_create``, ``member_update``, the import, the API: they all go
through these services), ``check_cccd`` looks for another member file with the same number:

* none: go on;
* one the user may open (``members.view`` over its unit): the usual message, "already in another
  member's file";
* one outside the user's scope: a neutral answer that does not confirm Party membership anywhere
  ("Không thể dùng số này; đã chuyển cho cấp trên xem xét."), and an ``IdentityConflict`` for the unit
  that sees both records (their nearest common unit) to review in its work list, plus a security event
  in the audit log (``security.identity_conflict``).

Because the refused write rolls back, the conflict is written after it (``reports_identity_conflicts``
wraps the services, outside their transaction). A user who meets more than
``DANGVU_IDENTITY_CONFLICTS_PER_DAY`` such answers in a day may record no CCCD at all until the next day
(whatever the number: a refusal only for numbers that exist would itself be the oracle).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.permissions import has_perm
from dangvu.audit.context import current_origin
from dangvu.audit.services import audit_log

P = ParamSpec("P")
R = TypeVar("R")

NEUTRAL = _("Không thể dùng số này; đã chuyển cho cấp trên xem xét.")
KNOWN = _("Số CCCD này đã có trong hồ sơ của một đảng viên khác.")
LIMITED = _(
    "Bạn đã nhập nhiều số CCCD không dùng được trong hôm nay; tạm thời chưa nhập được số CCCD. "
    "Hãy liên hệ cấp trên."
)


class HiddenIdentityConflict(ValidationError):
    """The neutral refusal, carrying what the reviewers need (raised inside the service's transaction,
    recorded after it by ``reports_identity_conflicts``)."""

    def __init__(self, actor: Any, existing: Any, requested_org: Any) -> None:
        super().__init__({"cccd": NEUTRAL}, code="identity_conflict")
        self.actor, self.existing, self.requested_org = actor, existing, requested_org
        self.counted = False
        self.row_pk: int | None = None


def _limit() -> int:
    return int(getattr(settings, "DANGVU_IDENTITY_CONFLICTS_PER_DAY", 5))


def _counter_key(actor: Any) -> str:
    return f"dangvu:identity-conflicts:{actor.pk}:{timezone.localdate().isoformat()}"


def over_the_limit(actor: Any) -> bool:
    return getattr(actor, "pk", None) is not None and int(cache.get(_counter_key(actor), 0)) >= _limit()


def match_refusal(actor: Any, existing: Any, requested_org: Any, *, to_update: bool) -> Any:
    """What ``actor`` may do with ``existing``, the member file a record matched
    (``selectors.members_by_identity``) for a record of ``requested_org``: None when the record may
    update that file (``to_update``: an import row, by a user who manages the file's unit; the system,
    ``actor`` None); else the refusal — the usual message when the user may open the file, a
    ``HiddenIdentityConflict`` (neutral, to record) when it is outside their scope, or the day's limit.
    A new record (``to_update`` False) is always refused: the number is taken."""
    if actor is None:
        return None if to_update else ValidationError({"cccd": KNOWN}, code="unique")
    if to_update and has_perm(actor, "members.manage", existing.org):
        return None
    if has_perm(actor, "members.view", existing.org):
        if to_update:
            return ValidationError(
                {"cccd": _("Số CCCD / số lý lịch đã thuộc một đảng viên bạn không được sửa hồ sơ.")},
                code="unique",
            )
        return ValidationError({"cccd": KNOWN}, code="unique")
    if over_the_limit(actor):
        return ValidationError({"cccd": LIMITED}, code="identity_conflict_limit")
    return HiddenIdentityConflict(actor, existing, requested_org)


def check_cccd(actor: Any, cccd: str | None, org: Any, exclude_pk: int | None = None) -> None:
    """Refuse ``cccd`` for a member of ``org`` when another member file has it (see the module
    docstring), by the matching rule the import uses (``selectors.members_by_identity``,
    ``match_refusal``). ``actor`` None is the system (sees everything)."""
    if not cccd:
        return
    from dangvu.members.selectors import identity_match, members_by_identity

    if actor is not None and over_the_limit(actor):
        raise ValidationError({"cccd": LIMITED}, code="identity_conflict_limit")
    existing = identity_match(members_by_identity([cccd]), cccd)
    if existing is None or existing.pk == exclude_pk:
        return
    refusal = match_refusal(actor, existing, org, to_update=False)
    if refusal is not None:
        raise refusal


def reviewer_org(first: Any, second: Any) -> Any:
    """The nearest unit at or above both (None when they share no root)."""
    from dangvu.orgs.models import Org

    step = Org.steplen
    common = 0
    for index in range(0, min(len(first.path), len(second.path)), step):
        if first.path[index : index + step] != second.path[index : index + step]:
            break
        common = index + step
    return Org.objects.filter(path=first.path[:common]).first() if common else None


def record_conflict(conflict: HiddenIdentityConflict) -> None:
    """Count it against the user, queue it for the reviewing unit and log a security event."""
    from dangvu.members.models import IdentityConflict

    actor, existing, requested_org = conflict.actor, conflict.existing, conflict.requested_org
    if conflict.row_pk is not None and IdentityConflict.objects.filter(pk=conflict.row_pk).exists():
        return  # recorded by an inner service that was not rolled back
    if not conflict.counted and getattr(actor, "pk", None) is not None:
        key = _counter_key(actor)
        cache.add(key, 0, timeout=24 * 3600)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=24 * 3600)
        conflict.counted = True
    reviewer = reviewer_org(existing.org, requested_org)
    with transaction.atomic():
        row = IdentityConflict.objects.create(
            reported_by=actor if getattr(actor, "is_authenticated", False) else None,
            existing=existing,
            requested_org=requested_org,
            reviewer_org=reviewer,
            channel=current_origin().channel,
        )
        audit_log(
            actor=actor,
            action="other",
            obj=row,
            org=reviewer,
            event="security.identity_conflict",
            data={"existing": existing.pk, "requested_org": requested_org.pk},
        )
    conflict.row_pk = row.pk


def reports_identity_conflicts(service: Callable[P, R]) -> Callable[P, R]:
    """Wrap a service (outside its ``transaction.atomic``) so a hidden conflict is recorded after the
    refused write has rolled back, then re-raised. Services that call each other may both be wrapped:
    the outermost records again what an enclosing transaction rolled back, and counts it once."""

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return service(*args, **kwargs)
        except HiddenIdentityConflict as conflict:
            record_conflict(conflict)
            raise

    return wrapper


NOTE_MAX = 1000


def conflicts_for(user: Any) -> Any:
    """The conflicts ``user`` reviews (members.manage over the reviewing unit), with what their pages
    and the API show: the one read of the list, the page and the API."""
    from dangvu.members.models import IdentityConflict

    return IdentityConflict.objects.visible_to(user).select_related(
        "existing", "existing__org", "requested_org", "reviewer_org", "reported_by", "resolved_by"
    )


@transaction.atomic
def identity_conflict_resolve(*, actor: Any, conflict: Any, outcome: str, note: str) -> Any:
    """The reviewing unit settles a conflict: how (``ConflictOutcome``) and a note saying what was done.

    Needs ``members.manage`` over the reviewing unit (the nearest unit above both records; the whole tree
    when they share none). Refuses an unknown outcome, an empty note and a conflict already settled (the
    row is locked, so two reviewers cannot both settle it). Side effects: the conflict leaves the work
    list; one audit entry (``members.identity_conflict_resolve``, a security event in the reviewer's unit).
    Nothing in the member files changes here: merging or correcting a file goes through its own verbs.
    """
    from dangvu.accounts.permissions import WHOLE_TREE, require_perm
    from dangvu.members.models import ConflictOutcome, IdentityConflict

    conflict = (
        IdentityConflict.objects.select_for_update(of=("self",))
        .select_related("reviewer_org")
        .get(pk=conflict.pk)
    )
    require_perm(actor, "members.manage", conflict.reviewer_org or WHOLE_TREE)
    if conflict.resolved_at is not None:
        raise ValidationError(_("Trường hợp trùng số này đã được xử lý."), code="resolved")
    if outcome not in ConflictOutcome.values:
        raise ValidationError({"outcome": _("Chọn kết quả xử lý.")}, code="invalid")
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Ghi rõ đã xử lý thế nào.")}, code="required")
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("Ghi chú dài tối đa %(n)s ký tự.") % {"n": NOTE_MAX}}, code="max_length"
        )
    conflict.resolved_at = timezone.now()
    conflict.resolved_by = actor
    conflict.outcome = outcome
    conflict.resolution_note = note
    conflict.save(update_fields=["resolved_at", "resolved_by", "outcome", "resolution_note"])
    audit_log(
        actor=actor,
        action="update",
        obj=conflict,
        org=conflict.reviewer_org,
        event="members.identity_conflict_resolve",
        changes={"outcome": ["", outcome]},
        data={"existing": conflict.existing_id, "outcome": outcome, "note": note},
    )
    return conflict
