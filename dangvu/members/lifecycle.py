"""The business verbs of a member's life in the Party, one function each (DOMAIN §2–§5, §9–§11).

Each checks the actor's permission in the unit concerned, validates the rule with a Vietnamese reason
for any refusal, then records the change through ``services.transition`` (status history, roll-ups,
audit). The procedure case engine calls these when a case is decided.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from dangvu.accounts.permissions import require_perm
from dangvu.audit.services import audit_created, audit_log, diff, snapshot
from dangvu.members import clocks, transfer_rules
from dangvu.members.authority import discipline_verb, full_members_on_roll, require_decider
from dangvu.members.calendar import transfer_due_on
from dangvu.members.enums import (
    CURRENT_STATUSES,
    PROBATIONER_DISCIPLINE,
    AwardKind,
    CardEventKind,
    DatePrecision,
    DisciplineForm,
    EndingKind,
    MemberStatus,
    TransferKind,
    TransferStatus,
)
from dangvu.members.identity import reports_identity_conflicts
from dangvu.members.milestones import badge_eligibility, probation_ends_on
from dangvu.members.models import Award, CardEvent, Discipline, Member, PartyInterruption, Transfer
from dangvu.members.readmission import (
    HARDSHIP_GROUND,
    check_ground,
    ending_period,
    readmission_refusal,
    record_hardship,
)
from dangvu.members.services import check_org_accepts_members, lock, member_create, transition
from dangvu.members.workflow import LIFECYCLE

PROB, FULL, EXEMPT = MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL, MemberStatus.EXEMPT
ACTIVE = frozenset({PROB, FULL, EXEMPT})


def _not_future(value: date, label: str) -> None:
    if value > timezone.localdate():
        raise ValidationError(f"{label} không được ở tương lai.")


@reports_identity_conflicts
@transaction.atomic
def member_admit(
    *,
    actor: Any,
    org: Any,
    full_name: str,
    sex: str,
    birth_date: date,
    admitted_on: date,
    ceremony_on: date | None = None,
    considered_on: date | None = None,
    over_age_approval: str = "",
    decision_received_on: date | None = None,
    late_ceremony_agreement: str = "",
    admission_extension_days: int = 0,
    **fields: Any,
) -> Member:
    """Admit a new member (kết nạp): probationary from the ceremony date.

    ``considered_on`` is the date of the chi bộ's resolution proposing admission: it starts the
    committee's clock (``clocks.admission_decision_clock``) and is the day the age is counted on (18–60
    in months; over 60 needs ``over_age_approval``). Refuses a ceremony before the decision, or more
    than the limit after ``decision_received_on`` without ``late_ceremony_agreement``, and an extension
    over the rule. Side effects: as ``member_create``, plus one audit entry with the clock dates.
    """
    considered = considered_on or admitted_on
    require_decider(actor, "admit", org, admitted_on)
    _not_future(admitted_on, "Ngày quyết định kết nạp")
    if considered > admitted_on:
        raise ValidationError({"considered_on": "Nghị quyết chi bộ không được sau quyết định kết nạp."})
    if ceremony_on is not None:
        _not_future(ceremony_on, "Ngày lễ kết nạp")
        clocks.check_ceremony(
            ceremony_on=ceremony_on,
            admitted_on=admitted_on,
            received_on=decision_received_on,
            late_agreement=late_ceremony_agreement,
        )
    clocks.check_admission_age(birth_date, considered, over_age_approval)
    clocks.check_extension(admission_extension_days, considered)
    member = member_create(
        actor=actor,
        org=org,
        full_name=full_name,
        sex=sex,
        status=PROB,
        birth_date=birth_date,
        birth_date_precision=DatePrecision.DAY,
        admitted_on=admitted_on,
        ceremony_on=ceremony_on,
        event="members.admit",
        **fields,
    )
    record = {
        "admission_resolution_on": considered_on,
        "decision_received_on": decision_received_on,
        "late_ceremony_agreement": late_ceremony_agreement.strip(),
        "over_age_approval": over_age_approval.strip(),
        "admission_extension_days": admission_extension_days,
    }
    for field, value in record.items():
        setattr(member, field, value)
    member.save(update_fields=[*record, "updated_at"])
    audit_log(
        actor=actor,
        action="update",
        obj=member,
        event="members.admission_record",
        changes={k: [None, v] for k, v in record.items() if v},
    )
    return member


def ceremony_pending_refusal(member: Member) -> str | None:
    """The workflow guard of ``ceremony``: a reason when the ceremony is already on the file."""
    if member.ceremony_on is not None:
        return f"Đã ghi lễ kết nạp ngày {member.ceremony_on:%d/%m/%Y}."
    return None


@transaction.atomic
def member_ceremony(
    *,
    actor: Any,
    member: Member,
    ceremony_on: date,
    decision_received_on: date | None = None,
    late_ceremony_agreement: str = "",
) -> Member:
    """Record the admission ceremony of a probationer admitted (or re-admitted) before it was held: it
    comes after the decision, within ``ceremony_working_days`` (30) of *receiving* it, or later with the
    upper committee's agreement recorded (DOMAIN §2 step 11). The probation's 12 months run from it.
    Side effects: the ceremony date, the day the decision was received and the agreement on the file,
    one audit entry before → after."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    LIFECYCLE.ensure_state(member, "ceremony")
    if (refused := ceremony_pending_refusal(member)) is not None:
        raise ValidationError(refused)
    if member.admitted_on is None:
        raise ValidationError("Chưa có ngày quyết định kết nạp.")
    _not_future(ceremony_on, "Ngày lễ kết nạp")
    received = decision_received_on or member.decision_received_on
    if received is not None:
        _not_future(received, "Ngày nhận quyết định kết nạp")
        if received > ceremony_on:
            raise ValidationError(
                {"decision_received_on": "Ngày nhận quyết định không được sau ngày lễ kết nạp."}
            )
    clocks.check_ceremony(
        ceremony_on=ceremony_on,
        admitted_on=member.admitted_on,
        received_on=received,
        late_agreement=late_ceremony_agreement,
    )
    fields = ["ceremony_on", "decision_received_on", "late_ceremony_agreement"]
    before = snapshot(member, fields)
    member.ceremony_on = ceremony_on
    member.decision_received_on = received
    member.late_ceremony_agreement = late_ceremony_agreement.strip()
    member.save(update_fields=[*fields, "updated_at"])
    audit_log(
        actor=actor,
        action="update",
        obj=member,
        event="members.ceremony",
        changes=diff(before, snapshot(member, fields)),
    )
    return member


@transaction.atomic
def member_recognize(
    *,
    actor: Any,
    member: Member,
    decided_on: date,
    decision: str = "",
    resolution_on: date | None = None,
    signer: str = "",
) -> Member:
    """Recognize a probationer as a full member. Official status dates from the end of the 12 months,
    even when the chi bộ or the committee acted late (DOMAIN §2.13). ``resolution_on``: the date of the
    chi bộ's resolution proposing it (starts the committee's clock; kept if recorded before). Only the
    deciding level records it (``dangvu.members.authority``)."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    require_decider(actor, "recognize", member.org, decided_on)
    end = probation_ends_on(member)
    if end is None:
        raise ValidationError("Chưa có ngày lễ kết nạp: không tính được ngày hết thời gian dự bị.")
    if decided_on < end:
        raise ValidationError(f"Chưa hết 12 tháng dự bị (hết vào ngày {end:%d/%m/%Y}).")
    extra: tuple[str, ...] = ("recognized_on", "recognition_decided_on")
    if resolution_on is not None:
        _check_recognition_resolution(resolution_on, end)
        if resolution_on > decided_on:
            raise ValidationError({"resolution_on": "Nghị quyết chi bộ không được sau quyết định công nhận."})
        member.recognition_resolution_on = resolution_on
        extra = (*extra, "recognition_resolution_on")
    member.recognized_on = end
    member.recognition_decided_on = decided_on
    return transition(
        actor=actor,
        member=member,
        to_status=FULL,
        event="members.recognize",
        verb="recognize",
        effective_on=end,
        legal_basis=decision,
        extra_fields=extra,
        audit_data={"decided_on": decided_on, "signer": signer},
    )


@transaction.atomic
def member_end_probation(
    *, actor: Any, member: Member, decided_on: date, reason: str, decision: str = "", signer: str = ""
) -> Member:
    """Delete a probationer from the list (xóa tên đảng viên dự bị) when not eligible for recognition
    (the deciding level only)."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    require_decider(actor, "end-probation", member.org, decided_on)
    if not reason.strip():
        raise ValidationError({"reason": "Cần ghi rõ lý do xóa tên đảng viên dự bị."})
    return transition(
        actor=actor,
        member=member,
        to_status=MemberStatus.REMOVED,
        event="members.end_probation",
        verb="end-probation",
        effective_on=decided_on,
        legal_basis=decision,
        reason=reason,
        audit_data={"signer": signer} if signer else None,
    )


def _check_recognition_resolution(resolution_on: date, end: date) -> None:
    _not_future(resolution_on, "Ngày nghị quyết chi bộ")
    if resolution_on < end:
        raise ValidationError(
            {
                "resolution_on": f"Chi bộ xét công nhận sau khi hết 12 tháng dự bị (hết vào ngày {end:%d/%m/%Y})."
            }
        )


@transaction.atomic
def member_extend_probation(
    *,
    actor: Any,
    member: Member,
    working_days: int,
    decided_on: date,
    reason: str,
    decision: str = "",
    resolution_on: date | None = None,
) -> Member:
    """Extend, once, the competent committee's time limit to decide recognition (gia hạn xét công nhận
    chính thức): by up to 30 working days (rule ``decision_extension_max_working_days``) on the
    committee's 30 working days from the chi bộ's resolution (``resolution_on``, recorded here if not
    yet). The chi bộ's own 30 working days after the probation ends cannot be extended. Official status,
    once recognized, still dates from the end of the 12 months.
    """
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    require_decider(actor, "recognize", member.org, decided_on)
    LIFECYCLE.ensure_state(member, "extend-probation")
    _not_future(decided_on, "Ngày quyết định gia hạn")
    if member.recognition_extension_days:
        raise ValidationError(
            f"Đã gia hạn {member.recognition_extension_days} ngày làm việc; chỉ được gia hạn một lần."
        )
    end = probation_ends_on(member)
    if end is None:
        raise ValidationError("Chưa có ngày lễ kết nạp nên chưa tính được thời hạn xét công nhận.")
    resolution = resolution_on or member.recognition_resolution_on
    if resolution is None:
        raise ValidationError(
            {
                "resolution_on": "Chỉ gia hạn thời hạn của cấp có thẩm quyền, tính từ nghị quyết của chi bộ: "
                "ghi ngày nghị quyết. Thời hạn 30 ngày làm việc của chi bộ không được gia hạn."
            }
        )
    _check_recognition_resolution(resolution, end)
    if decided_on < resolution:
        raise ValidationError({"on": "Quyết định gia hạn không được trước nghị quyết của chi bộ."})
    if working_days < 1:
        raise ValidationError({"working_days": "Số ngày gia hạn phải từ 1 ngày làm việc."})
    clocks.check_extension(working_days, resolution)
    if not reason.strip():
        raise ValidationError({"reason": "Cần ghi rõ lý do gia hạn."})
    before = snapshot(member, ["recognition_resolution_on", "recognition_extension_days"])
    member.recognition_resolution_on = resolution
    member.recognition_extension_days = working_days
    member.save(update_fields=["recognition_resolution_on", "recognition_extension_days", "updated_at"])
    audit_log(
        actor=actor,
        action="update",
        obj=member,
        event="members.extend_probation",
        changes=diff(before, snapshot(member, ["recognition_resolution_on", "recognition_extension_days"])),
        data={"decided_on": decided_on.isoformat(), "reason": reason, "decision": decision},
    )
    return member


def _set_field(
    actor: Any, member: Member, field: str, value: Any, *, event: str, data: dict[str, Any]
) -> None:
    """Store one field a verb decides (its rules already checked) and audit it before → after."""
    before = snapshot(member, [field])
    setattr(member, field, value)
    member.save(update_fields=[field, "updated_at"])
    audit_log(
        actor=actor,
        action="update",
        obj=member,
        event=event,
        changes=diff(before, snapshot(member, [field])),
        data=data,
    )


def _check_destination(to_org: Any, member: Member) -> None:
    if to_org.pk == member.org_id:
        raise ValidationError({"to_org": "Nơi đến trùng với chi bộ hiện tại."})
    check_org_accepts_members(to_org)


@transaction.atomic
def member_transfer_out(
    *,
    actor: Any,
    member: Member,
    kind: str,
    issued_on: date,
    to_org: Any = None,
    destination: str = "",
    letter_number: str = "",
    reason: str = "",
    until_on: date | None = None,
    fees_paid_until: str = "",
    category: str = "",
    decided_on: date | None = None,
) -> Transfer:
    """Introduce a member to another unit (giới thiệu chuyển sinh hoạt).

    Official, inside the system: the member is "transferring" and waits in both units' pending queues
    until received (they must present the letter within 30 working days). Official, to an organisation
    outside the system: the member leaves this database (status "transferred out"). Temporary: the
    member stays where they are; the receiving unit lists them without counting them.
    """
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    _not_future(issued_on, "Ngày giới thiệu")
    if kind not in TransferKind.values:
        raise ValidationError({"kind": "Loại chuyển sinh hoạt không hợp lệ."})
    if Transfer.objects.filter(member=member, status=TransferStatus.PENDING).exists():
        raise ValidationError("Đảng viên đang có một lần chuyển sinh hoạt chưa hoàn tất.")
    if member.status not in ACTIVE:
        raise ValidationError(
            f"Không thể chuyển sinh hoạt cho đảng viên đang ở trạng thái “{member.get_status_display()}”."
        )
    if to_org is None and not destination.strip():
        raise ValidationError(
            {"to_org": "Cho biết nơi đến: đơn vị trên hệ thống hoặc tên tổ chức đảng nơi đến."}
        )
    if to_org is not None:
        _check_destination(to_org, member)
    if kind == TransferKind.TEMPORARY:
        transfer_rules.check_temporary_duration(category=category, issued_on=issued_on, until_on=until_on)
        decided_on = None
    else:
        category = ""
        if decided_on is not None and decided_on > issued_on:
            raise ValidationError({"decided_on": "Ngày quyết định không được sau ngày giới thiệu."})
    outside = kind == TransferKind.OFFICIAL and to_org is None
    transfer = Transfer.objects.create(
        member=member,
        kind=kind,
        from_org=member.org,
        to_org=to_org,
        destination=destination.strip(),
        letter_number=letter_number,
        issued_on=issued_on,
        due_on=transfer_due_on(issued_on),
        until_on=until_on,
        category=category,
        decided_on=decided_on,
        fees_paid_until=fees_paid_until,
        reason=reason,
        previous_status=member.status,
        status=TransferStatus.LEFT_SYSTEM if outside else TransferStatus.PENDING,
    )
    if kind == TransferKind.OFFICIAL:
        transition(
            actor=actor,
            member=member,
            to_status=MemberStatus.TRANSFERRED_OUT if outside else MemberStatus.TRANSFERRING,
            event="members.transfer_out",
            verb="transfer-out",
            effective_on=issued_on,
            reason=reason,
            audit_data={
                "transfer": transfer.pk,
                "to_org": getattr(to_org, "pk", None),
                "destination": destination,
            },
        )
    else:
        audit_created(actor=actor, obj=transfer, event="members.transfer_out_temporary", org=member.org)
    return transfer


@transaction.atomic
def member_receive(*, actor: Any, transfer: Transfer, received_on: date) -> Member:
    """The receiving unit takes the member in (tiếp nhận). Official: the member now belongs here, with
    the status they had before the transfer. Temporary: they take part here, still counted at home."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("to_org", "to_org__org_type")
        .get(pk=transfer.pk)
    )
    if transfer.status != TransferStatus.PENDING or transfer.to_org is None:
        raise ValidationError("Không có lần chuyển sinh hoạt nào đang chờ tiếp nhận.")
    require_perm(actor, "members.manage", transfer.to_org)
    _not_future(received_on, "Ngày tiếp nhận")
    if received_on < transfer.issued_on:
        raise ValidationError({"received_on": "Ngày tiếp nhận không được trước ngày giới thiệu."})
    check_org_accepts_members(transfer.to_org)
    member = lock(transfer.member)
    transfer.status = TransferStatus.RECEIVED
    transfer.received_on = received_on
    transfer.save(update_fields=["status", "received_on"])
    if transfer.kind == TransferKind.TEMPORARY:
        audit_log(
            actor=actor,
            action="update",
            obj=transfer,
            org=transfer.to_org,
            event="members.receive_temporary",
            data={"member": member.pk},
        )
        return member
    return transition(
        actor=actor,
        member=member,
        to_status=transfer.previous_status,
        event="members.receive",
        expected=(MemberStatus.TRANSFERRING,),
        effective_on=received_on,
        legal_basis=transfer.letter_number,
        to_org=transfer.to_org,
        audit_data={"transfer": transfer.pk, "from_org": transfer.from_org_id},
    )


@transaction.atomic
def transfer_cancel(*, actor: Any, transfer: Transfer, reason: str) -> Transfer:
    """Withdraw an introduction that was not received; the member is back as before in the sending unit."""
    transfer = Transfer.objects.select_for_update(of=("self",)).select_related("from_org").get(pk=transfer.pk)
    require_perm(actor, "members.manage", transfer.from_org)
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError("Chỉ hủy được lần chuyển sinh hoạt đang chờ tiếp nhận.")
    transfer.status = TransferStatus.CANCELLED
    transfer.save(update_fields=["status"])
    member = lock(transfer.member)
    if transfer.kind == TransferKind.OFFICIAL:
        transition(
            actor=actor,
            member=member,
            to_status=transfer.previous_status,
            event="members.transfer_cancel",
            expected=(MemberStatus.TRANSFERRING,),
            effective_on=timezone.localdate(),
            reason=reason,
        )
    else:
        audit_log(
            actor=actor,
            action="update",
            obj=transfer,
            org=transfer.from_org,
            event="members.transfer_cancel",
            data={"reason": reason},
        )
    return transfer


@transaction.atomic
def card_issue(
    *,
    actor: Any,
    member: Member,
    card_number: str,
    issued_on: date,
    kind: str = CardEventKind.ISSUE,
    decision: str = "",
    reason: str = "",
) -> CardEvent:
    """Issue, reissue (lost/damaged) or exchange a party card. Cards go to full members only."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    number = card_number.strip()
    if not number.isdigit() or not 6 <= len(number) <= 20:
        raise ValidationError({"card_number": "Số thẻ đảng viên chỉ gồm chữ số (thẻ mới: 12 số)."})
    _not_future(issued_on, "Ngày cấp thẻ")
    LIFECYCLE.ensure_state(member, "card")
    if kind == CardEventKind.ISSUE and member.card_number:
        raise ValidationError("Đảng viên đã có thẻ; dùng nghiệp vụ cấp lại hoặc đổi thẻ.")
    if kind != CardEventKind.ISSUE and not member.card_number:
        raise ValidationError("Đảng viên chưa có thẻ để cấp lại hoặc đổi.")
    if Member.objects.filter(card_number=number).exclude(pk=member.pk).exists():
        raise ValidationError({"card_number": f"Số thẻ {number} đã được cấp cho người khác."})
    event = CardEvent.objects.create(
        member=member,
        kind=kind,
        card_number=number,
        previous_number=member.card_number or "",
        issued_on=issued_on,
        decision=decision,
        reason=reason,
    )
    _set_field(
        actor, member, "card_number", number, event=f"members.card_{kind}", data={"decision": decision}
    )
    return event


@transaction.atomic
def badge_award(
    *,
    actor: Any,
    member: Member,
    milestone: int,
    awarded_on: date,
    decision: str = "",
    seriously_ill: bool = False,
    posthumous: bool = False,
    signer: str = "",
) -> Award:
    """Award (or posthumously award) the party badge for ``milestone`` years, with the early windows
    (the deciding level only: by default the provincial standing committee)."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    require_decider(actor, "badge", member.org, awarded_on)
    LIFECYCLE.ensure_state(member, "badge")
    _not_future(awarded_on, "Ngày trao Huy hiệu")
    check = badge_eligibility(
        member, milestone, awarded_on, seriously_ill=seriously_ill, posthumous=posthumous
    )
    if not check.eligible:
        raise ValidationError(check.reason)
    try:
        with transaction.atomic():
            award = Award.objects.create(
                member=member,
                kind=AwardKind.BADGE,
                title=f"Huy hiệu {milestone} năm tuổi Đảng",
                milestone_years=milestone,
                awarded_on=awarded_on,
                decision=decision,
                posthumous=posthumous,
                early=check.early,
            )
    except IntegrityError as error:
        raise ValidationError(f"Đã được tặng Huy hiệu {milestone} năm tuổi Đảng.") from error
    audit_created(
        actor=actor, obj=award, event="members.badge_award", org=member.org, data={"signer": signer}
    )
    return award


def _holds_badge(member: Member) -> bool:
    """Whether the member holds a badge not returned (from the awards the file page prefetched, if it
    did: the page's buttons ask this twice)."""
    prefetched = getattr(member, "_prefetched_objects_cache", {}).get("awards")
    if prefetched is not None:
        return any(a.kind == AwardKind.BADGE and a.returned_on is None for a in prefetched)
    return Award.objects.filter(member=member, kind=AwardKind.BADGE, returned_on__isnull=True).exists()


def unreturned_badges_refusal(member: Member) -> str | None:
    """The workflow guard of ``badge-return``: a reason when there is no badge to take back."""
    if not _holds_badge(member):
        return "Không có Huy hiệu Đảng nào cần nộp lại."
    return None


def held_badges_refusal(member: Member) -> str | None:
    """The workflow guard of ``badge-reissue``: a reason when the member holds no badge to reissue."""
    if not _holds_badge(member):
        return "Đảng viên chưa có Huy hiệu Đảng nào để cấp lại."
    return None


@transaction.atomic
def badge_return(*, actor: Any, member: Member, returned_on: date, note: str = "") -> list[Award]:
    """Record that a person whose membership ended (removed, left, expelled) returned their party
    badges (HD 06-HD/TW; DOMAIN §4: the family of a deceased member keeps them). Side effects: each
    badge's return date, one audit entry per badge."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    LIFECYCLE.ensure_state(member, "badge-return")
    _not_future(returned_on, "Ngày nộp lại Huy hiệu")
    if member.status_changed_on is not None and returned_on < member.status_changed_on:
        raise ValidationError({"returned_on": "Ngày nộp lại không được trước ngày ra khỏi Đảng."})
    badges = list(
        Award.objects.select_for_update().filter(
            member=member, kind=AwardKind.BADGE, returned_on__isnull=True
        )
    )
    if not badges:
        raise ValidationError("Không có Huy hiệu Đảng nào cần nộp lại.")
    for badge in badges:
        badge.returned_on = returned_on
        badge.save(update_fields=["returned_on"])
        audit_log(
            actor=actor,
            action="update",
            obj=badge,
            org=member.org,
            event="members.badge_return",
            changes={"returned_on": [None, returned_on.isoformat()]},
            data={"member": member.pk, "note": note},
        )
    return badges


@transaction.atomic
def badge_reissue(
    *, actor: Any, member: Member, milestone: int, reissued_on: date, reason: str, decision: str = ""
) -> Award:
    """Reissue a lost or damaged badge (cấp lại Huy hiệu), for a good reason that is recorded.
    Side effects: the badge's reissue date, one audit entry with the reason."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    LIFECYCLE.ensure_state(member, "badge-reissue")
    _not_future(reissued_on, "Ngày cấp lại Huy hiệu")
    if not reason.strip():
        raise ValidationError({"reason": "Cần ghi rõ lý do cấp lại Huy hiệu (ví dụ: bị mất, hỏng)."})
    badge = (
        Award.objects.select_for_update()
        .filter(member=member, kind=AwardKind.BADGE, milestone_years=milestone)
        .first()
    )
    if badge is None:
        raise ValidationError({"milestone": f"Đảng viên chưa được tặng Huy hiệu {milestone} năm tuổi Đảng."})
    if badge.returned_on is not None:
        raise ValidationError("Huy hiệu này đã được nộp lại; không cấp lại.")
    if reissued_on < badge.awarded_on:
        raise ValidationError({"reissued_on": "Ngày cấp lại không được trước ngày trao Huy hiệu."})
    before = badge.reissued_on
    badge.reissued_on = reissued_on
    badge.save(update_fields=["reissued_on"])
    audit_log(
        actor=actor,
        action="update",
        obj=badge,
        org=member.org,
        event="members.badge_reissue",
        changes={"reissued_on": [before.isoformat() if before else None, reissued_on.isoformat()]},
        data={"member": member.pk, "reason": reason.strip(), "decision": decision},
    )
    return badge


@transaction.atomic
def member_mark_deceased(*, actor: Any, member: Member, died_on: date, reason: str = "") -> Member:
    """Record the death of a member (the family keeps the card and badge; the file is closed)."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    return transition(
        actor=actor,
        member=member,
        to_status=MemberStatus.DECEASED,
        event="members.deceased",
        verb="deceased",
        effective_on=died_on,
        reason=reason,
    )


@transaction.atomic
def member_remove(
    *,
    actor: Any,
    member: Member,
    decided_on: date,
    reason: str,
    decision: str = "",
    signer: str = "",
    ground: str = "",
) -> Member:
    """Remove a full member from the list (xóa tên), e.g. 3 months of unpaid fees without good reason.
    The committee with admission power decides, on the chi bộ's proposal. ``ground``: the code of the
    ground (``EndingGround``), which re-admission reads."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    require_decider(actor, "remove", member.org, decided_on)
    if member.status == PROB:
        raise ValidationError("Đảng viên dự bị: dùng nghiệp vụ xóa tên đảng viên dự bị.")
    if not reason.strip():
        raise ValidationError({"reason": "Cần ghi rõ lý do xóa tên."})
    if ground:
        check_ground(EndingKind.REMOVED, ground, decided_on)
    return transition(
        ground=ground,
        actor=actor,
        member=member,
        to_status=MemberStatus.REMOVED,
        event="members.remove",
        verb="remove",
        effective_on=decided_on,
        legal_basis=decision,
        reason=reason,
        audit_data={"signer": signer} if signer else None,
    )


@transaction.atomic
def member_accept_leaving(
    *,
    actor: Any,
    member: Member,
    decided_on: date,
    reason: str = "",
    decision: str = "",
    signer: str = "",
    ground: str = "",
) -> Member:
    """Accept a member's application to leave the Party (only without violations; otherwise discipline
    first). The committee with admission power decides, on the chi bộ's proposal. ``ground``: why they
    applied (family hardship is the one ground re-admission allows)."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    require_decider(actor, "leave", member.org, decided_on)
    if ground:
        check_ground(EndingKind.LEFT, ground, decided_on)
    return transition(
        ground=ground,
        actor=actor,
        member=member,
        to_status=MemberStatus.LEFT,
        event="members.leave",
        verb="leave",
        effective_on=decided_on,
        legal_basis=decision,
        reason=reason,
        audit_data={"signer": signer} if signer else None,
    )


@transaction.atomic
def discipline_record(
    *,
    actor: Any,
    member: Member,
    form: str,
    decided_on: date,
    decision: str,
    authority: str = "",
    reason: str = "",
    signer: str = "",
    votes_for: int | None = None,
    votes_against: int | None = None,
    members_on_roll: int | None = None,
    ground: str = "",
) -> Discipline:
    """Record a disciplinary decision. Probationers: reprimand or warning only; expulsion ends membership.

    Only the level that decides the form records it (``dangvu.members.authority``): the chi bộ itself
    for khiển trách and cảnh cáo of its members, by its own vote (more than half of its full members on
    the roll by default), effective when announced — the secretary records that decision with the
    vote; cách chức and khai trừ at the levels the rules name. ``ground``: the code of an expulsion's
    ground, which re-admission reads.
    """
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    LIFECYCLE.ensure_state(member, "discipline")
    if form not in DisciplineForm.values:
        raise ValidationError({"form": "Hình thức kỷ luật không hợp lệ."})
    decider = require_decider(actor, discipline_verb(form), member.org, decided_on)
    if decider is not None and decider.threshold is not None:
        if members_on_roll is None:
            members_on_roll = full_members_on_roll(member.org)
        if (
            votes_for is not None
            and votes_against is not None
            and votes_for + votes_against > members_on_roll
        ):
            raise ValidationError(
                {"votes_against": "Tổng số phiếu không được lớn hơn số đảng viên chính thức trong danh sách."}
            )
        if (refused := decider.vote_refusal(votes_for, members_on_roll)) is not None:
            raise ValidationError({"votes_for": refused})
    if decider is not None and not authority.strip():
        authority = decider.label
    _not_future(decided_on, "Ngày quyết định kỷ luật")
    if not decision.strip():
        raise ValidationError({"decision": "Cần số quyết định kỷ luật."})
    if member.status == PROB and form not in PROBATIONER_DISCIPLINE:
        raise ValidationError({"form": "Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo."})
    if ground and form != DisciplineForm.EXPULSION:
        raise ValidationError({"ground": "Chỉ ghi căn cứ ra khỏi Đảng với kỷ luật khai trừ."})
    if ground:
        check_ground(EndingKind.EXPELLED, ground, decided_on)
    record = Discipline.objects.create(
        member=member,
        form=form,
        decided_on=decided_on,
        decision=decision,
        authority=authority[:200],
        reason=reason,
        votes_for=votes_for,
        votes_against=votes_against,
        members_on_roll=members_on_roll if votes_for is not None else None,
    )
    audit_created(
        actor=actor, obj=record, event="members.discipline", org=member.org, data={"signer": signer}
    )
    if form == DisciplineForm.EXPULSION and member.status in CURRENT_STATUSES:
        transition(
            actor=actor,
            member=member,
            to_status=MemberStatus.EXPELLED,
            ground=ground,
            event="members.expel",
            expected=CURRENT_STATUSES,
            effective_on=decided_on,
            legal_basis=decision,
            reason=reason,
        )
    return record


@transaction.atomic
def member_readmit(
    *,
    actor: Any,
    member: Member,
    admitted_on: date,
    ceremony_on: date | None = None,
    hardship_exception: bool = False,
    record_cleared_on: date | None = None,
    decision: str = "",
    signer: str = "",
    hardship_basis: str = "",
    considered_on: date | None = None,
    over_age_approval: str = "",
    decision_received_on: date | None = None,
    late_ceremony_agreement: str = "",
) -> Member:
    """Re-admit a former member (kết nạp lại) with a new probation, under the rules of
    ``dangvu.members.readmission`` (once; 36 months after leaving, 60 after a criminal record is
    cleared; never on a barring ground) and those of an admission: the age counted in months on the
    day the chi bộ considers the case (``considered_on``; over 60 needs ``over_age_approval``) and the
    ceremony within its limit of receiving the decision (or ``late_ceremony_agreement``).

    ``hardship_exception`` (a leaving recorded without its ground, for extreme family hardship) needs
    ``hardship_basis``: the document that establishes it, kept on the period out and in the audit.
    Side effects: the open period out is closed on the decision date (party age counts again from the
    first admission minus the periods out); the clocks of the first admission and recognition are
    replaced by the new admission's; status history, roll-ups, one audit entry. The committee with
    admission power decides."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    require_decider(actor, "readmit", member.org, admitted_on)
    _not_future(admitted_on, "Ngày quyết định kết nạp lại")
    LIFECYCLE.ensure_state(member, "readmit")
    if record_cleared_on is not None:
        _not_future(record_cleared_on, "Ngày được xóa án tích")
    if hardship_exception and not hardship_basis.strip():
        raise ValidationError(
            {
                "hardship_basis": "Trường hợp hoàn cảnh gia đình đặc biệt khó khăn cần ghi căn cứ (văn bản "
                "xác nhận: số, ngày, cơ quan)."
            }
        )
    refusal = readmission_refusal(
        member, admitted_on, record_cleared_on=record_cleared_on, hardship_exception=hardship_exception
    )
    if refusal is not None:
        raise ValidationError(refusal)
    considered = considered_on or admitted_on
    if considered > admitted_on:
        raise ValidationError({"considered_on": "Nghị quyết chi bộ không được sau quyết định kết nạp lại."})
    if (
        member.birth_date is not None
        and clocks.age_rule_in_force(considered)
        and clocks.readmission_age_limits_apply(considered)
    ):
        # A file that records only the month or the year of birth: the latest day it can be (the
        # file cannot show the person is over the limit, so it does not refuse on a guess).
        born = member.birth_date
        if member.birth_date_precision == DatePrecision.YEAR:
            born = date(born.year, 12, 31)
        elif member.birth_date_precision == DatePrecision.MONTH:
            born = born + relativedelta(day=31)
        clocks.check_admission_age(born, considered, over_age_approval)
    if ceremony_on is not None:
        _not_future(ceremony_on, "Ngày lễ kết nạp")
        clocks.check_ceremony(
            ceremony_on=ceremony_on,
            admitted_on=admitted_on,
            received_on=decision_received_on,
            late_agreement=late_ceremony_agreement,
        )
    period = ending_period(member)
    if period is not None and hardship_exception and record_hardship(period):
        period.ground = HARDSHIP_GROUND
        period.note = (f"{period.note} · " if period.note else "") + hardship_basis.strip()
        period.note = period.note[:255]
        period.save(update_fields=["ground", "note"])
    PartyInterruption.objects.filter(member=member, ends_on__isnull=True).update(ends_on=admitted_on)
    member.first_admitted_on = member.first_admitted_on or member.admitted_on
    new_admission = {
        "readmitted_on": admitted_on,
        "admitted_on": admitted_on,
        "ceremony_on": ceremony_on,
        "recognized_on": None,
        "recognition_decided_on": None,
        # The clocks start again with the new admission.
        "admission_resolution_on": considered_on,
        "admission_extension_days": 0,
        "decision_received_on": decision_received_on,
        "late_ceremony_agreement": late_ceremony_agreement.strip(),
        "over_age_approval": over_age_approval.strip(),
        "recognition_resolution_on": None,
        "recognition_extension_days": 0,
    }
    for field, value in new_admission.items():
        setattr(member, field, value)
    return transition(
        actor=actor,
        member=member,
        to_status=PROB,
        event="members.readmit",
        verb="readmit",
        effective_on=admitted_on,
        legal_basis=decision,
        extra_fields=("first_admitted_on", *new_admission),
        audit_data={
            "hardship_exception": hardship_exception,
            **({"hardship_basis": hardship_basis.strip()} if hardship_exception else {}),
            "record_cleared_on": record_cleared_on,
            "ground": period.ground if period is not None else "",
            **({"signer": signer} if signer else {}),
        },
    )


@transaction.atomic
def member_rehabilitate(
    *,
    actor: Any,
    member: Member,
    decided_on: date,
    decision: str,
    reason: str = "",
    signer: str = "",
) -> Member:
    """Restore a member wrongly expelled or removed (minh oan, phục hồi đảng tịch; QĐ 117-QĐ/TW
    18/8/2023) after the decision that annulled the ending: the member is back with the status they
    had before it, and party age is **continuous** — the period out stays on record, closed on the
    decision date and marked rehabilitated, so it is not deducted (the member pays back the party fees
    of the gap). Not a re-admission: no new probation, and it does not use up the one re-admission.
    Recorded by the level its own ``DecisionAuthority`` rows name (``rehabilitate``: by default the
    committee that decides endings, QĐ 117-QĐ/TW), with the annulling decision's number.
    Side effects: the period out, status history, derived party-age columns, roll-ups, one audit entry."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    require_decider(actor, "rehabilitate", member.org, decided_on)
    LIFECYCLE.ensure_state(member, "rehabilitate")
    _not_future(decided_on, "Ngày quyết định minh oan, phục hồi")
    if not decision.strip():
        raise ValidationError({"decision": "Cần số quyết định hủy bỏ kỷ luật / phục hồi đảng tịch."})
    period = ending_period(member)
    if period is None or period.ends_on is not None:
        raise ValidationError("Không có thời gian ra khỏi Đảng đang mở để phục hồi.")
    if decided_on < period.starts_on:
        raise ValidationError({"on": "Ngày phục hồi không được trước ngày ra khỏi Đảng."})
    ended = member.status_changes.filter(to_status=member.status).order_by("-effective_on", "-pk").first()
    restored = ended.from_status if ended is not None and ended.from_status in ACTIVE else FULL
    period.ends_on = decided_on
    period.rehabilitated = True
    period.save(update_fields=["ends_on", "rehabilitated"])
    return transition(
        actor=actor,
        member=member,
        to_status=restored,
        event="members.rehabilitate",
        verb="rehabilitate",
        effective_on=decided_on,
        legal_basis=decision,
        reason=reason,
        audit_data={"period": period.pk, **({"signer": signer} if signer else {})},
    )


@transaction.atomic
def member_exempt(*, actor: Any, member: Member, from_on: date, reason: str, decision: str = "") -> Member:
    """Exempt a full member from activity (miễn công tác và sinh hoạt đảng): old age, illness, far away."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    if not reason.strip():
        raise ValidationError({"reason": "Cần ghi rõ lý do miễn sinh hoạt."})
    return transition(
        actor=actor,
        member=member,
        to_status=EXEMPT,
        event="members.exempt",
        verb="exempt",
        effective_on=from_on,
        legal_basis=decision,
        reason=reason,
    )


@transaction.atomic
def member_end_exemption(*, actor: Any, member: Member, on: date) -> Member:
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    return transition(
        actor=actor,
        member=member,
        to_status=FULL,
        event="members.end_exemption",
        verb="end-exemption",
        effective_on=on,
    )


def incoming_transfer(user: Any, member: Member, transfer_id: int | None = None) -> Transfer | None:
    """The transfer of ``member`` on its way into a unit ``user`` manages (the receiving side)."""
    from dangvu.orgs.models import Org

    pending = Transfer.objects.pending().filter(
        member=member, to_org__in=Org.objects.visible_to(user, "members.manage")
    )
    if transfer_id is not None:
        pending = pending.filter(pk=transfer_id)
    return pending.order_by("-pk").first()


def pending_transfer_sides(user: Any, member: Member) -> tuple[bool, bool]:
    """Whether a pending transfer of ``member`` goes into (receiving side) and out of (sending side) a
    unit ``user`` manages: the two workflow guards in one query, remembered on the member object for
    this user (a page lists the buttons once; services ask ``incoming_transfer`` afresh)."""
    from dangvu.orgs.models import Org

    memo: dict[Any, tuple[bool, bool]] = member.__dict__.setdefault("_dangvu_transfer_sides", {})
    if user.pk not in memo:
        managed = Org.objects.visible_to(user, "members.manage").values("pk")
        rows = (
            Transfer.objects.pending()
            .filter(member=member)
            .annotate(
                receives=ExpressionWrapper(Q(to_org__in=managed), output_field=BooleanField()),
                sends=ExpressionWrapper(Q(from_org__in=managed), output_field=BooleanField()),
            )
            .values_list("receives", "sends")
        )
        sides = list(rows)
        memo[user.pk] = (any(r for r, _s in sides), any(s for _r, s in sides))
    return memo[user.pk]


def outgoing_transfer(user: Any, member: Member) -> Transfer | None:
    """The pending transfer of ``member`` introduced by a unit ``user`` manages (the sending side)."""
    from dangvu.orgs.models import Org

    return (
        Transfer.objects.pending()
        .filter(member=member, from_org__in=Org.objects.visible_to(user, "members.manage"))
        .order_by("-pk")
        .first()
    )


def member_receive_pending(
    *, actor: Any, member: Member, received_on: date, transfer: int | None = None
) -> Member:
    """Receive ``member`` into the actor's unit: the pending transfer addressed to it (or ``transfer``)."""
    pending = incoming_transfer(actor, member, transfer)
    if pending is None:
        raise ValidationError("Không có lần chuyển sinh hoạt nào đang chờ đơn vị của bạn tiếp nhận.")
    return member_receive(actor=actor, transfer=pending, received_on=received_on)


def member_cancel_transfer(*, actor: Any, member: Member, reason: str) -> Transfer:
    """Withdraw the actor's unit's pending introduction of ``member`` (see ``transfer_cancel``)."""
    pending = outgoing_transfer(actor, member)
    if pending is None:
        raise ValidationError("Không có lần giới thiệu chuyển sinh hoạt nào đang chờ để hủy.")
    if not reason.strip():
        raise ValidationError({"reason": "Cần ghi rõ lý do hủy."})
    return transfer_cancel(actor=actor, transfer=pending, reason=reason)
