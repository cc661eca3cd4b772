"""Member writes: create, correct the file, and the one status transition every lifecycle verb uses.

The business verbs (admit, recognize, transfer, …) are in ``dangvu.members.lifecycle``; they and the
procedure engine call into here. No other code assigns ``Member.status`` or ``Member.org``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import transaction
from django.db.models import F, Q
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.permissions import require_perm
from dangvu.audit.services import (
    AuditBatch,
    Target,
    audit_created,
    audit_log,
    created_changes,
    diff,
    snapshot,
)
from dangvu.core.bulk import insert_rows, insert_values, inserting, update_values
from dangvu.members import rollups
from dangvu.members.enums import (
    CURRENT_STATUSES,
    ENDED_STATUSES,
    DatePrecision,
    InterruptionReason,
    MemberStatus,
)
from dangvu.members.identity import check_cccd, reports_identity_conflicts
from dangvu.members.models import Member, MemberOrgPeriod, MemberStatusChange, PartyInterruption
from dangvu.members.models.member import derived_values, file_errors
from dangvu.members.search import remember_words
from dangvu.orgs.enums import OrgStatus

# Fields a file correction may change; status, unit and milestones change only through the verbs.
EDITABLE_FIELDS = (
    "full_name",
    "other_names",
    "sex",
    "birth_date",
    "birth_date_precision",
    "birth_place",
    "hometown",
    "permanent_address",
    "current_address",
    "ethnicity",
    "religion",
    "cccd",
    "phone",
    "email",
    "general_education",
    "professional_degree",
    "political_theory",
    "state_management",
    "foreign_languages",
    "occupation",
    "work_unit",
    "position",
    "introducers",
    "file_number",
    "notes",
    "admitted_on",
    "ceremony_on",
    "recognized_on",
    "card_admitted_on",
)
# Changing these moves the party-age start: the derived columns are recomputed.
PARTY_AGE_FIELDS = frozenset({"admitted_on", "card_admitted_on"})
_INTERRUPTION_FOR: dict[str, str] = {
    MemberStatus.REMOVED: InterruptionReason.REMOVED,
    MemberStatus.EXPELLED: InterruptionReason.EXPELLED,
    MemberStatus.LEFT: InterruptionReason.LEFT,
}


def org_errors(org: Any) -> dict[str, Any]:
    """Why ``org`` takes no members (ended, or a level above the chi bộ), by field; empty if it does."""
    if not org.is_active:
        return {
            "org": format_lazy(
                _("Đơn vị “{name}” không còn hoạt động ({status}), không nhận đảng viên."),
                name=org.name,
                status=OrgStatus(org.status).label,
            )
        }
    if not org.org_type.has_members:
        return {
            "org": format_lazy(
                _("“{name}” ({type}) không phải là nơi đảng viên sinh hoạt trực tiếp."),
                name=org.name,
                type=org.org_type.name,
            )
        }
    return {}


def check_org_accepts_members(org: Any) -> None:
    errors = org_errors(org)
    if errors:
        raise ValidationError(errors)


# What a recorded member's file may hold when it is created: the editable fields, the status (dự bị or
# chính thức) and the card number of a paper file being digitized (afterwards the card verbs change it).
CREATE_FIELDS = frozenset({*EDITABLE_FIELDS, "status", "card_number"})
NEW_STATUSES = (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL)
_REQUIRED: dict[str, Any] = {"full_name": _("Thiếu họ và tên."), "sex": _("Thiếu giới tính.")}


@dataclass(frozen=True)
class NewMember:
    """A new member's file that passed every rule of ``new_member``, normalised: what ``member_create``
    saves and ``members_create_many`` inserts. ``values`` are by field name."""

    org: Any
    values: dict[str, Any]


def new_member(*, org: Any, values: Mapping[str, Any], today: date | None = None) -> NewMember:
    """Check and normalise a new member's file for ``org``: the one definition of what a new record
    must satisfy, used by ``member_create`` (the form, the API, admissions) and by the import for every
    row (``members_create_many`` inserts only what this returned). Raises ``ValidationError`` with
    every field's messages: unknown fields, the name and sex, the status, each field's own validators
    (length, CCCD and phone formats, choices), the file's rules (``file_errors``) and the unit's.
    The CCCD's uniqueness is not checked here (``check_cccd`` for one record; the import matches its
    numbers in bulk)."""
    errors: dict[str, list[Any]] = {}
    unknown = set(values) - CREATE_FIELDS
    if unknown:
        errors.update({name: [_("Trường không được phép.")] for name in sorted(unknown)})
    clean = {name: value for name, value in values.items() if name in CREATE_FIELDS}
    clean["full_name"] = " ".join(str(clean.get("full_name") or "").split())
    clean.setdefault("status", MemberStatus.OFFICIAL)
    for name in ("cccd", "file_number", "card_number"):
        if name in clean:
            clean[name] = clean[name] or None
    for name, message in _REQUIRED.items():
        if not clean.get(name):
            errors[name] = [message]
    if clean["status"] not in NEW_STATUSES:
        errors["status"] = [
            _("Chỉ nhập đảng viên dự bị hoặc chính thức; các trạng thái khác qua nghiệp vụ tương ứng.")
        ]
    for name, messages in _field_errors(clean).items():
        errors.setdefault(name, messages)
    for name, message in file_errors(clean, today or timezone.localdate()).items():
        errors.setdefault(name, [message])
    for name, message in org_errors(org).items():
        errors.setdefault(name, [message])
    if errors:
        raise ValidationError(errors)
    clean["status_changed_on"] = (
        clean.get("recognized_on") or clean.get("ceremony_on") or clean.get("admitted_on")
    )
    # A new member has no period out yet: party age counts from the admission (or the card's date).
    clean["party_age_from"] = clean.get("admitted_on") or clean.get("card_admitted_on")
    return NewMember(org, clean)


@dataclass(frozen=True)
class _FieldCheck:
    """A plain field's checks, and what tells cheaply that a value passes the common ones (its choices,
    its length, no NUL) so that Django's validators run only when they may have something to say."""

    field: Any
    choices: frozenset[Any] | None
    max_length: int | None
    own_validators: bool  # validators beyond the length and NUL ones (CCCD, phone, e-mail formats)

    def may_fail(self, value: Any) -> bool:
        if self.own_validators or (self.choices is not None and value not in self.choices):
            return True
        return isinstance(value, str) and (
            "\x00" in value or (self.max_length is not None and len(value) > self.max_length)
        )


_field_checks: dict[str, _FieldCheck] = {}


def _checks() -> dict[str, _FieldCheck]:
    if not _field_checks:
        for field in Member._meta.concrete_fields:
            if field.is_relation:
                continue
            common = (MaxLengthValidator, ProhibitNullCharactersValidator)
            _field_checks[field.name] = _FieldCheck(
                field,
                frozenset(key for key, _label in field.flatchoices) if field.choices else None,
                field.max_length,
                any(not isinstance(validator, common) for validator in field.validators),
            )
    return _field_checks


def _field_errors(values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Each filled plain field's own checks, as ``Model.full_clean`` runs them (choices, length, the
    validators declared on the field), without a query: relations are looked up by the caller."""
    checks = _checks()
    errors: dict[str, list[Any]] = {}
    for name, value in values.items():
        check = checks.get(name)
        if check is None or value is None or value == "":
            continue
        if not (check.own_validators or (check.choices is not None and value not in check.choices)) and not (
            isinstance(value, str) and ("\x00" in value or (check.max_length or 1 << 30) < len(value))
        ):
            continue  # what ``may_fail`` says, inline: this runs for every cell of an import
        try:
            check.field.validate(value, None)
            check.field.run_validators(value)
        except ValidationError as error:
            errors[name] = error.error_list  # lazy messages: the API answers in both languages
    return errors


def party_age_refresh(member: Member) -> None:
    """Recompute the member's derived party-age columns (``party_age_from``, ``party_age_until``) from
    their dates, periods out and death, and store them if they changed. Every write that moves one of
    those (the lifecycle verbs through ``transition``, file corrections, the periods-out services,
    imports) calls this, so that statistics and badge lists count in SQL what ``party_age`` computes."""
    from dangvu.members.milestones import party_age_columns

    start, until = party_age_columns(member)
    if (member.party_age_from, member.party_age_until) != (start, until):
        member.party_age_from, member.party_age_until = start, until
        Member.objects.filter(pk=member.pk).update(party_age_from=start, party_age_until=until)
    rollups.record(member)


def lock(member: Member) -> Member:
    """The member's row, locked and read again, remembering what the statistics count of it
    (``rollups.track``): every service that changes those facts then calls ``rollups.record``
    (``party_age_refresh`` does).

    Only the member's row is locked: locking the unit and unit-type rows too would queue every change
    in the country on the one "chi bộ" type row. The unit comes with the locked row: the caller's
    instance when it already holds the same unit (read in the same request, and no fresher than a read
    here, since the unit's row is not locked either), otherwise read with its type.

    Every member change starts here, so the read is a statement compiled once (``_locked_row``): the
    ORM's compilation of the file's sixty columns cost more than the rest of a status correction."""
    locked = _locked_row(member.pk)
    cached = member._state.fields_cache.get("org")
    if cached is not None and cached.pk == locked.org_id:
        locked._state.fields_cache["org"] = cached
    else:
        from dangvu.orgs.models import Org

        locked.org = Org.objects.select_related("org_type").get(pk=locked.org_id)
    return rollups.track(locked)


@functools.cache
def _lock_statement(alias: str) -> tuple[str, tuple[str, ...], dict[int, tuple[list[Any], Any]]]:
    """``SELECT`` every column of one member ``FOR UPDATE`` (where the database has it), as Django
    compiles it, with the attribute names and the converters of its columns."""
    query = Member.objects.select_for_update().filter(pk=0).query
    compiler = query.get_compiler(alias)
    sql, params = compiler.as_sql()
    assert list(params) == [0], params
    columns = [column for column, _sql, _alias in compiler.select]
    names = tuple(column.target.attname for column in columns)
    assert names == tuple(field.attname for field in Member._meta.concrete_fields)
    return sql, names, compiler.get_converters(columns)


def _locked_row(pk: Any) -> Member:
    connection = transaction.get_connection()
    sql, names, converters = _lock_statement(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        raise Member.DoesNotExist("Member matching query does not exist.")
    if converters:
        values = list(row)
        for index, (functions, expression) in converters.items():
            for function in functions:
                values[index] = function(values[index], expression, connection)
        row = values
    return Member.from_db(connection.alias, names, row)


DERIVED_FIELDS = ("search_text", "search_words", "sort_key")
# What the derived search columns are computed from.
NAME_FIELDS = frozenset({"full_name", "other_names"})


@functools.cache
def _attnames() -> dict[str, str]:
    return {field.name: field.attname for field in Member._meta.concrete_fields}


@functools.cache
def _constrained_fields() -> frozenset[str]:
    """The names of the fields ``Member``'s constraints (unique, check) involve."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, Q):
            for child in node.children:
                walk(child)
        elif isinstance(node, tuple):
            names.add(node[0].split(LOOKUP_SEP)[0])
            walk(node[1])
        elif isinstance(node, F):
            names.add(node.name.split(LOOKUP_SEP)[0])

    for constraint in Member._meta.constraints:
        names.update(getattr(constraint, "fields", ()))
        walk(getattr(constraint, "condition", None))
    return frozenset(names)


def _update_member(member: Member, fields: Sequence[str]) -> None:
    """``member.save(update_fields=[*fields, "updated_at"])`` of a locked member, by a statement
    compiled once (see ``lock``); members have no save hooks or signal receivers."""
    member.updated_at = timezone.now()
    attnames = [_attnames()[name] for name in (*fields, "updated_at")]
    update_values(Member, {name: getattr(member, name) for name in attnames}, {"id": member.pk})


def _save_validated(member: Member, fields: list[str] | None = None) -> None:
    """Validate and save ``member`` (``fields``: only those, validated alone: a status change does not
    re-check the CCCD's uniqueness and every constraint with a query each). The name's derived search
    columns and vocabulary are written only when the name changed."""
    renamed = False
    if fields is None or not NAME_FIELDS.isdisjoint(fields):
        before = tuple(getattr(member, name) for name in DERIVED_FIELDS)
        member.refresh_derived()
        renamed = before != tuple(getattr(member, name) for name in DERIVED_FIELDS)
    if fields is None:
        member.full_clean(exclude=["photo"])
        member.save()
    else:
        saved = set(fields)
        member.full_clean(
            exclude=[f.name for f in Member._meta.concrete_fields if f.name not in saved],
            # Django skips a constraint on an excluded field anyway, after a costly look at each.
            validate_constraints=not saved.isdisjoint(_constrained_fields()),
        )
        _update_member(member, [*fields, *(DERIVED_FIELDS if renamed else ())])
    if renamed or fields is None:
        remember_words([member.search_text])


@reports_identity_conflicts
@transaction.atomic
def member_create(
    *,
    actor: Any,
    org: Any,
    full_name: str,
    sex: str,
    status: str = MemberStatus.OFFICIAL,
    birth_date: date | None = None,
    birth_date_precision: str = DatePrecision.DAY,
    cccd: str | None = None,
    admitted_on: date | None = None,
    ceremony_on: date | None = None,
    recognized_on: date | None = None,
    event: str = "members.create",
    **fields: Any,
) -> Member:
    """Record an existing member (digitizing a paper file, the API; an import's rows go through
    ``members_create_many``), after ``new_member``'s checks. Side effects: unit period and status
    history rows, roll-ups, one audit entry. New admissions use ``member_admit``."""
    require_perm(actor, "members.manage", org)
    draft = new_member(
        org=org,
        values={
            "full_name": full_name,
            "sex": sex,
            "status": status,
            "birth_date": birth_date,
            "birth_date_precision": birth_date_precision,
            "cccd": cccd,
            "admitted_on": admitted_on,
            "ceremony_on": ceremony_on,
            "recognized_on": recognized_on,
            **fields,
        },
    )
    check_cccd(actor, draft.values["cccd"], org)
    member = Member(org=org, **draft.values)
    _save_validated(member)
    MemberOrgPeriod.objects.create(member=member, org=org, started_on=member.status_changed_on)
    MemberStatusChange.objects.create(
        member=member,
        to_status=member.status,
        effective_on=member.status_changed_on or timezone.localdate(),
        event=event,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    rollups.record(member, created=True)
    audit_created(actor=actor, obj=member, event=event)
    return member


# Field names that are stored under their column's name in a bulk row.
_ATTNAMES = {"ethnicity": "ethnicity_id", "religion": "religion_id", "org": "org_id"}


def members_create_many(
    *, actor: Any, members: Sequence[NewMember], event: str = "members.import"
) -> list[int]:
    """Record many checked members at once (the import) and return their ids: what ``member_create``
    does for one, written in bulk. Side effects: the members, their first unit period and status
    history rows, the roll-up counts and one audit entry each. The caller makes sure no CCCD or file
    number is already on record (the import matches those rows to the existing members and updates
    them instead).

    Rows go in as plain values (``insert_rows``, COPY on PostgreSQL): building a model instance for
    each of four rows per member would cost more than everything else the import does.
    """
    for org in {draft.org.pk: draft.org for draft in members}.values():
        require_perm(actor, "members.manage", org)
    today = timezone.localdate()
    rows = []
    derived: dict[tuple[str, str], dict[str, str]] = {}  # a file repeats names ("Nguyễn Văn Hùng")
    for draft in members:
        row = {_ATTNAMES.get(key, key): value for key, value in draft.values.items()}
        for key in ("ethnicity_id", "religion_id"):
            if row.get(key) is not None:
                row[key] = row[key].pk
        row["org_id"] = draft.org.pk
        names = (row["full_name"], row.get("other_names", ""))
        columns = derived.get(names)
        if columns is None:
            columns = derived[names] = derived_values(*names)
        row |= columns
        rows.append(row)
    batch = AuditBatch(actor=actor, action="create", event=event)
    object_type = Member._meta.label_lower
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    # The server digests each COPY while the next rows are computed (see ``inserting``).
    with inserting(Member, rows) as created:
        entries = batch.entries(
            [Target(object_type, str(m["id"]), m["full_name"], m["org_id"]) for m in created],
            [created_changes(Member, m) for m in created],
        )
    with batch.writing(entries):
        periods = [
            {"member_id": m["id"], "org_id": m["org_id"], "started_on": m["status_changed_on"]}
            for m in created
        ]
        changes = [
            {
                "member_id": m["id"],
                "to_status": m["status"],
                "effective_on": m["status_changed_on"] or today,
                "event": event,
                "actor_id": actor_id,
            }
            for m in created
        ]
    with inserting(MemberOrgPeriod, periods):
        facts = [(None, rollups.facts_of_values(m)) for m in created]
    insert_rows(MemberStatusChange, changes)
    rollups.record_changes(facts)
    remember_words(m["search_text"] for m in created)
    return [m["id"] for m in created]


@reports_identity_conflicts
@transaction.atomic
def member_update(*, actor: Any, member: Member, changes: dict[str, Any], reason: str = "") -> Member:
    """Correct the member file (identity, background, dates). Every change is audited before → after."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            dict.fromkeys(
                sorted(unknown), _("Không sửa trực tiếp được trường này; dùng nghiệp vụ tương ứng.")
            )
        )
    before = snapshot(member)
    for field, value in changes.items():
        setattr(member, field, value)
    if "cccd" in changes:
        member.cccd = member.cccd or None
        if member.cccd and member.cccd != before.get("cccd"):
            check_cccd(actor, member.cccd, member.org, exclude_pk=member.pk)
    if "file_number" in changes:
        member.file_number = member.file_number or None
    _save_validated(member, sorted(changes))
    if PARTY_AGE_FIELDS & set(changes):
        party_age_refresh(member)
    rollups.record(member)
    changed = diff(before, snapshot(member))
    if changed:
        audit_log(
            actor=actor,
            action="update",
            obj=member,
            event="members.update",
            changes=changed,
            data={"reason": reason},
        )
    return member


def transition(
    *,
    actor: Any,
    member: Member,
    to_status: str,
    event: str,
    effective_on: date,
    verb: str | None = None,
    expected: tuple[str, ...] | None = None,
    legal_basis: str = "",
    reason: str = "",
    extra_fields: tuple[str, ...] = (),
    audit_data: dict[str, Any] | None = None,
    to_org: Any = None,
    ground: str = "",
    party_age_unchanged: bool = False,
) -> Member:
    """Move a locked member to ``to_status`` (and, with ``to_org``, into another unit): the one place
    status changes.

    Refuses a move the member workflow does not allow from the current status (``verb``, see
    ``dangvu.members.workflow``; ``expected``: the status an internal step requires, such as a transfer
    being received); writes the status history row (and the dated unit periods); opens the party-age
    interruption of an ending (with its ``ground``) and recomputes the derived party-age columns; keeps
    the roll-ups exact; one audit entry. ``extra_fields`` are other fields the caller already set on
    ``member`` and that must be saved. ``party_age_unchanged``: the caller knows that nothing the
    party-age columns are computed from changes (a correction between current statuses, with no
    other field): they are not recomputed (a query on the periods out).
    """
    if verb is not None:
        from dangvu.members.workflow import LIFECYCLE

        LIFECYCLE.ensure_state(member, verb)
    if expected is not None and member.status not in expected:
        raise ValidationError(
            format_lazy(
                _("Không thể thực hiện với đảng viên đang ở trạng thái “{status}”."),
                status=MemberStatus(member.status).label,
            )
        )
    if effective_on > timezone.localdate():
        raise ValidationError({"effective_on": _("Ngày hiệu lực không được ở tương lai.")})
    before = snapshot(member, ["status", "org", *extra_fields])
    old_status = member.status
    if to_org is not None:
        move_to_org(member=member, to_org=to_org, on=effective_on, note=legal_basis)
    member.status = to_status
    member.status_changed_on = effective_on
    _save_validated(member, ["status", "status_changed_on", *extra_fields])
    insert_values(
        MemberStatusChange,
        [
            {
                "member_id": member.pk,
                "from_status": old_status,
                "to_status": to_status,
                "effective_on": effective_on,
                "legal_basis": legal_basis,
                "reason": reason,
                "event": event,
                "actor_id": actor.pk if getattr(actor, "is_authenticated", False) else None,
            }
        ],
    )
    if to_status in ENDED_STATUSES:
        PartyInterruption.objects.create(
            member=member,
            reason=_INTERRUPTION_FOR[to_status],
            starts_on=effective_on,
            note=reason[:255],
            ground=ground,
        )
    if party_age_unchanged and not extra_fields and to_status not in ENDED_STATUSES:
        rollups.record(member)
    else:
        party_age_refresh(member)  # and the statistics deltas (rollups.record)
    audit_log(
        actor=actor,
        action="update",
        obj=member,
        event=event,
        changes=diff(before, snapshot(member, ["status", "org", *extra_fields])),
        data={
            "legal_basis": legal_basis,
            "reason": reason,
            "effective_on": effective_on,
            **({"ground": ground} if ground else {}),
            **(audit_data or {}),
        },
    )
    return member


def move_to_org(*, member: Member, to_org: Any, on: date, note: str = "") -> str:
    """Put a locked member in ``to_org`` from ``on``: closes and opens the dated unit periods.
    Returns the old unit's path (for the roll-up shift the caller makes)."""
    old_path: str = member.org.path
    update_values(MemberOrgPeriod, {"ended_on": on}, {"member_id": member.pk, "ended_on": None})
    insert_values(
        MemberOrgPeriod, [{"member_id": member.pk, "org_id": to_org.pk, "started_on": on, "note": note}]
    )
    member.org = to_org
    _update_member(member, ["org"])
    return old_path


@transaction.atomic
def member_move(*, actor: Any, member: Member, to_org: Any, on: date | None = None) -> Member:
    """Correct which unit a member belongs to (not a transfer of activity, which has its own verbs)."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    require_perm(actor, "members.manage", to_org)
    check_org_accepts_members(to_org)
    old_org_id = member.org_id
    move_to_org(member=member, to_org=to_org, on=on or timezone.localdate(), note="Điều chỉnh")
    rollups.record(member)
    audit_log(
        actor=actor,
        action="update",
        obj=member,
        event="members.move",
        changes={"org": [old_org_id, to_org.pk]},
    )
    return member


@transaction.atomic
def member_set_status(
    *, actor: Any, member: Member, status: str, reason: str = "", on: date | None = None
) -> Member:
    """Correct a wrongly recorded status (data cleaning); real events use the lifecycle verbs."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    if status not in MemberStatus.values:
        raise ValidationError({"status": _("Trạng thái không hợp lệ.")})
    if status == member.status:
        return member
    return transition(
        actor=actor,
        member=member,
        to_status=status,
        event="members.status_correction",
        effective_on=on or timezone.localdate(),
        reason=reason,
        # Party age counts the same for every current status (death and the endings stop it).
        party_age_unchanged=member.status in CURRENT_STATUSES and status in CURRENT_STATUSES,
    )


def _move_many(actor: Any, members: list[Member], to_org: Any, event: str) -> int:
    today = timezone.localdate()
    before = [rollups.facts_of(member) for member in members]
    ids = [m.pk for m in members]
    Member.objects.filter(pk__in=ids).update(org=to_org)
    MemberOrgPeriod.objects.filter(member_id__in=ids, ended_on__isnull=True).update(ended_on=today)
    MemberOrgPeriod.objects.bulk_create(
        [MemberOrgPeriod(member_id=pk, org=to_org, started_on=today, note="Sắp xếp tổ chức") for pk in ids]
    )
    rollups.record_changes((facts, dataclasses.replace(facts, org_id=to_org.pk)) for facts in before)
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
    """Move members as part of a structural change (a unit split), which already checked ``orgs.manage``."""
    members = list(
        Member.objects.select_for_update(of=("self",)).filter(pk__in=member_ids).select_related("org")
    )
    if members:
        check_org_accepts_members(to_org)
    return _move_many(actor, members, to_org, "members.move_structural")


@transaction.atomic
def members_move_all(*, actor: Any, from_org: Any, to_org: Any) -> int:
    """Move every member of ``from_org`` to ``to_org`` as part of a merge (``orgs.manage`` checked by the caller)."""
    members = list(Member.objects.select_for_update(of=("self",)).filter(org=from_org).select_related("org"))
    if members and not to_org.is_active:
        raise ValidationError(
            {"org": format_lazy(_("Đơn vị “{name}” không còn hoạt động."), name=to_org.name)}
        )
    return _move_many(actor, members, to_org, "members.move_structural")


@transaction.atomic
def member_link_account(*, actor: Any, member: Member, user: Any) -> Member:
    """Give the member's own account (``user``; None unlinks) read-only access to the file ("Hồ sơ của
    tôi"). Side effects: the account's previous file, if any, is unlinked (one file per account); one
    audit entry."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    before = member.user_id
    if user is not None:
        Member.objects.filter(user=user).exclude(pk=member.pk).update(user=None)
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    if before != member.user_id:
        audit_log(
            actor=actor,
            action="update",
            obj=member,
            event="members.link_account",
            changes={"user": [before, member.user_id]},
        )
    return member
