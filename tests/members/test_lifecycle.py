"""The lifecycle verbs: what they record, and every refusal with nothing changed."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangvu.audit.models import AuditEntry
from dangvu.members import lifecycle, rollups
from dangvu.members.milestones import party_age
from dangvu.members.models import Member, Transfer
from dangvu.members.services import member_create
from dangvu.orgs.services import org_dissolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(tree, admin_user):
    return member_create(
        actor=admin_user,
        org=tree.a1,
        full_name="Phạm Văn Đông",
        sex="male",
        birth_date=date(1980, 5, 1),
        admitted_on=date(2005, 3, 1),
        ceremony_on=date(2005, 3, 20),
        recognized_on=date(2006, 3, 20),
        cccd="001080012345",
    )


@pytest.fixture
def probationer(tree, admin_user):
    return lifecycle.member_admit(
        actor=admin_user,
        org=tree.a1,
        full_name="Lê Thị Hoa",
        sex="female",
        birth_date=date(2000, 6, 1),
        admitted_on=date(2025, 2, 1),
        ceremony_on=date(2025, 2, 13),
    )


def unchanged(member):
    fresh = Member.objects.get(pk=member.pk)
    return (fresh.status, fresh.org_id, fresh.recognized_on) == (
        member.status,
        member.org_id,
        member.recognized_on,
    )


def test_admission_checks_age(tree, admin_user):
    with pytest.raises(ValidationError, match="đủ 18 tuổi"):
        lifecycle.member_admit(
            actor=admin_user,
            org=tree.a1,
            full_name="Trẻ Quá",
            sex="male",
            birth_date=date(2008, 1, 1),
            admitted_on=date(2025, 6, 1),
        )
    with pytest.raises(ValidationError, match="trên 60"):
        lifecycle.member_admit(
            actor=admin_user,
            org=tree.a1,
            full_name="Cao Tuổi",
            sex="male",
            birth_date=date(1960, 1, 1),
            admitted_on=date(2025, 6, 1),
        )
    assert not Member.objects.exists()
    senior = lifecycle.member_admit(
        actor=admin_user,
        org=tree.a1,
        full_name="Cao Tuổi",
        sex="male",
        birth_date=date(1960, 1, 1),
        admitted_on=date(2025, 6, 1),
        over_age_approval="Công văn 12-CV/TU",
    )
    assert senior.status == "probationary"


def test_recognition_dates_from_the_end_of_probation_even_when_late(probationer, admin_user):
    with pytest.raises(ValidationError, match="Chưa hết 12 tháng dự bị"):
        lifecycle.member_recognize(actor=admin_user, member=probationer, decided_on=date(2026, 2, 1))
    assert unchanged(probationer)
    member = lifecycle.member_recognize(
        actor=admin_user, member=probationer, decided_on=date(2026, 5, 20), decision="45-QĐ/ĐU"
    )
    assert (member.status, member.recognized_on) == ("official", date(2026, 2, 13))
    assert [c.to_status for c in member.status_changes.order_by("pk")] == ["probationary", "official"]
    with pytest.raises(ValidationError, match="Chính thức"):
        lifecycle.member_recognize(actor=admin_user, member=member, decided_on=date(2026, 5, 21))


def test_transfer_out_and_receive_moves_the_member_and_keeps_history(tree, official, admin_user, people):
    transfer = lifecycle.member_transfer_out(
        actor=admin_user,
        member=official,
        kind="official",
        to_org=tree.b1,
        issued_on=date(2026, 2, 12),
        letter_number="15/GGT",
        fees_paid_until="2026-01",
    )
    assert transfer.due_on == date(2026, 4, 2)  # 30 working days, Tết excluded
    member = Member.objects.get(pk=official.pk)
    assert (member.status, member.org_id) == ("transferring", tree.a1.pk)
    # Pending on both sides: the receiving secretary sees it in the queue of a unit they manage.
    assert Transfer.objects.pending().filter(to_org=tree.b1).count() == 1
    with pytest.raises(ValidationError, match="chưa hoàn tất"):
        lifecycle.member_transfer_out(
            actor=admin_user, member=member, kind="official", to_org=tree.a2, issued_on=date(2026, 2, 13)
        )
    with pytest.raises(PermissionDenied):
        lifecycle.member_receive(actor=people.secretary, transfer=transfer, received_on=date(2026, 3, 2))
    lifecycle.member_receive(actor=people.outsider, transfer=transfer, received_on=date(2026, 3, 2))
    member = Member.objects.get(pk=official.pk)
    assert (member.status, member.org_id) == ("official", tree.b1.pk)
    periods = list(member.org_periods.order_by("pk").values_list("org_id", "ended_on"))
    assert periods == [(tree.a1.pk, date(2026, 3, 2)), (tree.b1.pk, None)]
    for org in (tree.root, tree.xa, tree.xb, tree.a1, tree.b1):
        assert rollups.counts_of(org) == rollups.recount(org)


def test_transfer_to_a_dissolved_unit_is_refused(tree, official, admin_user):
    org_dissolve(actor=admin_user, org=tree.a2, effective_on=date(2026, 1, 1), decision="1-QĐ")
    with pytest.raises(ValidationError, match="giải thể"):
        lifecycle.member_transfer_out(
            actor=admin_user,
            member=official,
            kind="official",
            to_org=tree.a2.__class__.objects.get(pk=tree.a2.pk),
            issued_on=date(2026, 2, 2),
        )
    assert unchanged(official)
    assert not Transfer.objects.exists()


def test_transfer_outside_the_system_and_temporary_transfer(tree, official, admin_user, probationer):
    lifecycle.member_transfer_out(
        actor=admin_user,
        member=official,
        kind="official",
        destination="Đảng bộ tỉnh Cà Mau",
        issued_on=date(2026, 3, 2),
    )
    assert Member.objects.get(pk=official.pk).status == "transferred_out"
    assert rollups.counts_of(tree.a1)["total"] == 1
    with pytest.raises(ValidationError, match="ngày kết thúc"):
        lifecycle.member_transfer_out(
            actor=admin_user,
            member=probationer,
            kind="temporary",
            category="work",
            to_org=tree.b1,
            issued_on=date(2026, 3, 2),
        )
    temporary = lifecycle.member_transfer_out(
        actor=admin_user,
        member=probationer,
        kind="temporary",
        category="work",
        to_org=tree.b1,
        issued_on=date(2026, 3, 2),
        until_on=date(2026, 9, 1),
    )
    lifecycle.member_receive(actor=admin_user, transfer=temporary, received_on=date(2026, 3, 5))
    member = Member.objects.get(pk=probationer.pk)
    assert (member.status, member.org_id) == ("probationary", tree.a1.pk)  # still counted at home
    assert rollups.counts_of(tree.b1)["total"] == 0


def test_cards_go_to_full_members_only_and_are_unique(official, probationer, admin_user):
    with pytest.raises(ValidationError, match="chính thức"):
        lifecycle.card_issue(
            actor=admin_user, member=probationer, card_number="012345678901", issued_on=date(2026, 1, 5)
        )
    lifecycle.card_issue(
        actor=admin_user, member=official, card_number="012345678901", issued_on=date(2026, 1, 5)
    )
    with pytest.raises(ValidationError, match="đã có thẻ"):
        lifecycle.card_issue(
            actor=admin_user, member=official, card_number="012345678902", issued_on=date(2026, 1, 6)
        )
    event = lifecycle.card_issue(
        actor=admin_user,
        member=official,
        card_number="012345678902",
        issued_on=date(2026, 1, 6),
        kind="reissue",
        reason="Mất thẻ",
    )
    assert (event.previous_number, Member.objects.get(pk=official.pk).card_number) == (
        "012345678901",
        "012345678902",
    )
    audited = AuditEntry.objects.filter(event="members.card_reissue", object_id=str(official.pk)).get()
    assert audited.changes == {"card_number": ["012345678901", "012345678902"]}


def test_badge_award_refusals(official, probationer, admin_user):
    with pytest.raises(ValidationError, match="dự bị"):
        lifecycle.badge_award(actor=admin_user, member=probationer, milestone=30, awarded_on=date(2026, 2, 3))
    with pytest.raises(ValidationError, match="Chưa đủ 30 năm"):
        lifecycle.badge_award(actor=admin_user, member=official, milestone=30, awarded_on=date(2026, 2, 3))
    assert not official.awards.exists()


def test_discipline_forms_for_probationers_and_expulsion(official, probationer, admin_user):
    with pytest.raises(ValidationError, match="khiển trách hoặc cảnh cáo"):
        lifecycle.discipline_record(
            actor=admin_user,
            member=probationer,
            form="khai-tru",
            decided_on=date(2026, 1, 5),
            decision="1-QĐ",
        )
    assert unchanged(probationer)
    lifecycle.discipline_record(
        actor=admin_user, member=official, form="khai-tru", decided_on=date(2020, 6, 1), decision="2-QĐ/UBKT"
    )
    member = Member.objects.get(pk=official.pk)
    assert member.status == "expelled"
    assert member.interruptions.get().starts_on == date(2020, 6, 1)


def test_readmission_only_once_after_36_months(official, admin_user):
    lifecycle.member_remove(
        actor=admin_user,
        member=official,
        decided_on=date(2021, 1, 10),
        reason="Không đóng đảng phí",
        ground="removal.unpaid_fees",
    )
    with pytest.raises(ValidationError, match="36 tháng"):
        lifecycle.member_readmit(actor=admin_user, member=official, admitted_on=date(2023, 1, 10))
    member = lifecycle.member_readmit(
        actor=admin_user, member=official, admitted_on=date(2024, 2, 1), ceremony_on=date(2024, 2, 20)
    )
    assert (member.status, member.first_admitted_on, member.admitted_on) == (
        "probationary",
        date(2005, 3, 1),
        date(2024, 2, 1),
    )
    # Party age counts from the first admission, minus the 3 years and 22 days out.
    assert party_age(member, date(2026, 3, 1)).as_dict() == {"years": 17, "months": 11, "days": 6}
    lifecycle.member_end_probation(
        actor=admin_user, member=member, decided_on=date(2025, 3, 1), reason="Không đủ tư cách"
    )
    with pytest.raises(ValidationError, match="một lần"):
        lifecycle.member_readmit(actor=admin_user, member=member, admitted_on=date(2026, 4, 1))


def test_leaving_member_cannot_be_readmitted_and_deceased_are_recorded(official, probationer, admin_user):
    lifecycle.member_accept_leaving(
        actor=admin_user, member=official, decided_on=date(2020, 1, 1), reason="Xin ra"
    )
    with pytest.raises(ValidationError, match="xin ra"):
        lifecycle.member_readmit(actor=admin_user, member=official, admitted_on=date(2025, 1, 1))
    lifecycle.member_mark_deceased(actor=admin_user, member=probationer, died_on=date(2026, 1, 2))
    assert Member.objects.get(pk=probationer.pk).status == "deceased"
    with pytest.raises(ValidationError):
        lifecycle.member_remove(actor=admin_user, member=probationer, decided_on=date(2026, 1, 3), reason="x")


def test_exemption_and_its_end(official, admin_user):
    with pytest.raises(ValidationError, match="lý do"):
        lifecycle.member_exempt(actor=admin_user, member=official, from_on=date(2026, 1, 1), reason="")
    lifecycle.member_exempt(actor=admin_user, member=official, from_on=date(2026, 1, 1), reason="Tuổi cao")
    assert Member.objects.get(pk=official.pk).status == "exempt"
    lifecycle.member_end_exemption(actor=admin_user, member=official, on=date(2026, 3, 1))
    assert Member.objects.get(pk=official.pk).status == "official"


def test_every_verb_is_audited_and_denied_verbs_change_nothing(official, people):
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        lifecycle.member_remove(
            actor=people.outsider, member=official, decided_on=date(2026, 1, 3), reason="x"
        )
    with pytest.raises(PermissionDenied):
        lifecycle.member_exempt(actor=people.clerk, member=official, from_on=date(2026, 1, 3), reason="x")
    assert AuditEntry.objects.count() == before
    assert unchanged(official)
    lifecycle.member_exempt(
        actor=people.secretary, member=official, from_on=date(2026, 1, 3), reason="Ốm dài ngày"
    )
    assert AuditEntry.objects.filter(event="members.exempt", object_id=str(official.pk)).count() == 1


def test_future_dates_and_invalid_cccd_are_refused(tree, admin_user):
    with pytest.raises(ValidationError) as error:
        member_create(
            actor=admin_user,
            org=tree.a1,
            full_name="Ngô Văn Tám",
            sex="male",
            cccd="12345",
            admitted_on=date(2099, 1, 1),
        )
    assert set(error.value.message_dict) == {"cccd", "admitted_on"}
    assert not Member.objects.exists()
