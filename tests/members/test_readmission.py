"""Re-admission (QĐ 294-QĐ/TW §3.5, like QĐ 232 before it) worked out by hand: once, 36 months after
leaving, 60 months after a criminal record is cleared, never on a barring ground; the ground of each
ending recorded by the deciding verb, the API and the page."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from dangvu.audit.models import AuditEntry
from dangvu.members import lifecycle
from dangvu.members.milestones import party_age
from dangvu.members.models import EndingGround, Member, PartyInterruption
from dangvu.members.services import member_create
from tests.members.test_api import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(tree, admin_user):
    return member_create(
        actor=admin_user,
        org=tree.a1,
        full_name="Trần Văn Tâm",
        sex="male",
        birth_date=date(1970, 2, 28),
        admitted_on=date(1995, 2, 28),
        recognized_on=date(1996, 2, 28),
    )


def end(admin_user, member, how, on, ground):
    if how == "remove":
        return lifecycle.member_remove(
            actor=admin_user, member=member, decided_on=on, reason="Lý do", ground=ground
        )
    if how == "leave":
        return lifecycle.member_accept_leaving(actor=admin_user, member=member, decided_on=on, ground=ground)
    lifecycle.discipline_record(
        actor=admin_user, member=member, form="khai-tru", decided_on=on, decision="5-QĐ/UBKT", ground=ground
    )
    return Member.objects.get(pk=member.pk)


def readmit(admin_user, member, on, **extra):
    return lifecycle.member_readmit(actor=admin_user, member=member, admitted_on=on, **extra)


@pytest.mark.parametrize(
    ("how", "ground", "label"),
    [
        ("remove", "removal.no_activity", "Bỏ sinh hoạt đảng (không sinh hoạt 3 tháng trong năm)"),
        ("leave", "leave.applied", None),
        ("expel", "expel.disunity", "Gây mất đoàn kết nội bộ nghiêm trọng"),
        ("expel", "expel.corruption", "Bị kết án về tội tham nhũng"),
        ("expel", "expel.serious_crime", "Bị kết án về tội từ nghiêm trọng trở lên"),
    ],
)
def test_never_readmitted_on_a_barring_ground(member, admin_user, how, ground, label):
    end(admin_user, member, how, date(2015, 1, 1), ground)
    with pytest.raises(ValidationError) as refused:
        readmit(admin_user, member, date(2026, 1, 5))
    message = refused.value.messages[0]
    if label is None:
        assert message.startswith("Người đã xin ra khỏi Đảng không được kết nạp lại")
    else:
        assert message == f"Không xét kết nạp lại người ra khỏi Đảng vì: {label}."
    fresh = Member.objects.get(pk=member.pk)
    ended = {"remove": "removed", "leave": "left", "expel": "expelled"}[how]
    assert (fresh.status, fresh.readmitted_on) == (ended, None)
    assert PartyInterruption.objects.get(member=member).ends_on is None


@pytest.mark.parametrize(
    ("left_on", "too_early", "first_day"),
    [
        (date(2021, 1, 10), date(2024, 1, 9), date(2024, 1, 10)),
        (date(2020, 2, 29), date(2023, 2, 27), date(2023, 2, 28)),  # leap day: the month's last day
        (date(2022, 12, 31), date(2025, 12, 30), date(2025, 12, 31)),  # year end
    ],
)
def test_at_least_36_months_after_leaving(member, admin_user, left_on, too_early, first_day):
    end(admin_user, member, "remove", left_on, "removal.unpaid_fees")
    with pytest.raises(ValidationError, match=f"đủ vào ngày {first_day:%d/%m/%Y}"):
        readmit(admin_user, member, too_early)
    readmitted = readmit(admin_user, member, first_day)
    assert (readmitted.status, readmitted.readmitted_on, readmitted.first_admitted_on) == (
        "probationary",
        first_day,
        date(1995, 2, 28),
    )
    assert PartyInterruption.objects.get(member=member).ends_on == first_day


def test_only_once(member, admin_user):
    end(admin_user, member, "remove", date(2015, 1, 1), "removal.unpaid_fees")
    readmitted = readmit(admin_user, member, date(2019, 1, 1), ceremony_on=date(2019, 1, 15))
    lifecycle.member_end_probation(
        actor=admin_user, member=readmitted, decided_on=date(2020, 2, 1), reason="Không đủ tư cách"
    )
    with pytest.raises(ValidationError, match="Chỉ được kết nạp lại một lần"):
        readmit(admin_user, member, date(2026, 1, 5))


def test_sixty_months_after_the_criminal_record_is_cleared(member, admin_user):
    end(admin_user, member, "expel", date(2012, 6, 1), "expel.minor_crime")
    with pytest.raises(ValidationError, match="ngày được xóa án tích"):
        readmit(admin_user, member, date(2026, 1, 5))
    with pytest.raises(
        ValidationError, match=r"Chưa đủ 60 tháng kể từ ngày được xóa án tích \(đủ vào ngày 01/03/2026\)"
    ):
        readmit(admin_user, member, date(2026, 1, 5), record_cleared_on=date(2021, 3, 1))
    readmitted = readmit(admin_user, member, date(2026, 3, 2), record_cleared_on=date(2021, 3, 1))
    assert readmitted.status == "probationary"
    # Party age: from 28/2/1995, minus the 13 years 9 months 1 day out (1/6/2012 → 2/3/2026): the start
    # moves to 29/11/2008, so 18 years 0 months 2 days on 1/12/2026.
    assert party_age(readmitted, date(2026, 12, 1)).as_dict() == {"years": 18, "months": 0, "days": 2}
    assert Member.objects.get(pk=member.pk).party_age_from == date(2008, 11, 29)


def test_family_hardship_is_the_recorded_exception(member, admin_user):
    end(admin_user, member, "leave", date(2019, 5, 1), "leave.family_hardship")
    assert readmit(admin_user, member, date(2022, 5, 1)).status == "probationary"


def test_a_leaving_recorded_without_ground_takes_the_hardship_exception_at_readmission(member, admin_user):
    end(admin_user, member, "leave", date(2019, 5, 1), "")
    with pytest.raises(ValidationError, match="xin ra khỏi Đảng"):
        readmit(admin_user, member, date(2022, 5, 1))
    # The exception is recorded with the document that establishes the hardship.
    with pytest.raises(ValidationError, match="cần ghi căn cứ"):
        readmit(admin_user, member, date(2022, 5, 1), hardship_exception=True)
    assert Member.objects.get(pk=member.pk).status == "left"
    readmit(
        admin_user,
        member,
        date(2022, 5, 1),
        hardship_exception=True,
        hardship_basis="Xác nhận của UBND xã A số 12/XN ngày 2/3/2022",
    )
    gap = PartyInterruption.objects.get(member=member)
    assert gap.ground == "leave.family_hardship"
    assert gap.note.endswith("Xác nhận của UBND xã A số 12/XN ngày 2/3/2022")
    entry = AuditEntry.objects.filter(event="members.readmit").get()
    assert entry.data["hardship_basis"] == "Xác nhận của UBND xã A số 12/XN ngày 2/3/2022"


def test_an_ending_without_ground_must_be_completed_first(member, admin_user):
    end(admin_user, member, "remove", date(2015, 1, 1), "")
    with pytest.raises(ValidationError, match="Chưa ghi căn cứ ra khỏi Đảng"):
        readmit(admin_user, member, date(2026, 1, 5))
    # The ground is then recorded on the period out (a correction with its reason) …
    from dangvu.members.interruptions import interruption_update

    interruption_update(
        actor=admin_user,
        interruption=PartyInterruption.objects.get(member=member),
        changes={"ground": "removal.unpaid_fees"},
        reason="Bổ sung căn cứ theo quyết định 3-QĐ/ĐU",
    )
    assert readmit(admin_user, member, date(2026, 1, 5)).status == "probationary"


def test_the_ground_must_fit_the_verb(member, admin_user):
    with pytest.raises(ValidationError, match="không có trong danh mục"):
        end(admin_user, member, "remove", date(2020, 1, 1), "leave.applied")
    with pytest.raises(ValidationError, match="Chỉ ghi căn cứ ra khỏi Đảng với kỷ luật khai trừ"):
        lifecycle.discipline_record(
            actor=admin_user,
            member=member,
            form="canh-cao",
            decided_on=date(2020, 1, 1),
            decision="1-QĐ",
            ground="expel.violation",
        )
    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.status, fresh.disciplines.count(), PartyInterruption.objects.count()) == ("official", 0, 0)


def test_grounds_are_reference_data_with_labels_and_legal_basis():
    rows = {g.code: g for g in EndingGround.objects.all()}
    assert {g.kind for g in rows.values()} == {"removed", "left", "expelled"}
    assert rows["expel.corruption"].label == "Bị kết án về tội tham nhũng"
    assert rows["expel.corruption"].legal_basis == "QĐ 294-QĐ/TW (26/5/2025) §3.5"
    assert all(g.legal_basis for g in rows.values())


def test_the_deciding_verbs_record_the_ground_from_the_api_and_the_page(member, people, tree):
    client, auth = api(people.province)
    missing = client.post(
        f"/api/v1/members/{member.pk}/remove",
        {"on": "2026-03-02", "reason": "Lý do"},
        content_type="application/json",
        **auth,
    )
    assert missing.status_code == 422
    assert Member.objects.get(pk=member.pk).status == "official"
    wrong = client.post(
        f"/api/v1/members/{member.pk}/remove",
        {"on": "2026-03-02", "reason": "Lý do", "decision": "1-QĐ/ĐU", "ground": "expel.disunity"},
        content_type="application/json",
        **auth,
    )
    assert wrong.status_code == 422
    done = client.post(
        f"/api/v1/members/{member.pk}/remove",
        {"on": "2026-03-02", "reason": "Lý do", "decision": "1-QĐ/ĐU", "ground": "removal.no_duties"},
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 200, done.content
    assert PartyInterruption.objects.get(member=member).ground == "removal.no_duties"
    other = member_create(
        actor=people.admin,
        org=tree.a1,
        full_name="Lê Văn Hùng",
        sex="male",
        birth_date=date(1975, 1, 1),
        admitted_on=date(2000, 1, 1),
    )
    page = Client()
    page.force_login(people.province)
    form = page.get(f"/members/{other.pk}/leave/").content.decode()
    assert "leave.family_hardship" in form
    page.post(
        f"/members/{other.pk}/leave/",
        {"on": "02/03/2026", "reason": "", "decision": "2-QĐ/ĐU", "ground": "leave.family_hardship"},
    )
    assert PartyInterruption.objects.get(member=other).ground == "leave.family_hardship"


def test_an_earlier_readmission_on_the_file_uses_up_the_one_readmission(member, admin_user):
    # Digitised history: removed in 2000, re-admitted in 2004 (a closed period out), removed again.
    from dangvu.members.interruptions import interruption_create

    interruption_create(
        actor=admin_user,
        member=member,
        reason="removed",
        starts_on=date(2000, 1, 1),
        ends_on=date(2004, 1, 1),
        ground="removal.unpaid_fees",
    )
    end(admin_user, member, "remove", date(2015, 1, 1), "removal.unpaid_fees")
    with pytest.raises(ValidationError, match="Chỉ được kết nạp lại một lần"):
        readmit(admin_user, member, date(2026, 1, 5))
    assert Member.objects.get(pk=member.pk).status == "removed"


def test_a_first_admission_date_earlier_than_the_admission_means_readmitted_before(member, admin_user):
    Member.objects.filter(pk=member.pk).update(first_admitted_on=date(1985, 1, 1))
    end(admin_user, member, "remove", date(2015, 1, 1), "removal.unpaid_fees")
    with pytest.raises(ValidationError, match="Chỉ được kết nạp lại một lần"):
        readmit(admin_user, member, date(2026, 1, 5))


def test_rehabilitation_restores_the_member_with_a_continuous_party_age(member, people):
    # Admitted 28/2/1995, expelled 1/6/2005, the expulsion annulled on 1/6/2008: the member is back
    # as a full member, and on 1/12/2026 the party age runs from 28/2/1995 without a gap: 31 years
    # 9 months 3 days.
    end(people.admin, member, "expel", date(2005, 6, 1), "expel.violation")
    client, auth = api(people.secretary)
    refused = client.post(
        f"/api/v1/members/{member.pk}/rehabilitate",
        {"on": "2008-06-01", "decision": "3-QĐ/TW"},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code in (403, 404)
    assert Member.objects.get(pk=member.pk).status == "expelled"
    client, auth = api(people.province)
    done = client.post(
        f"/api/v1/members/{member.pk}/rehabilitate",
        {"on": "2008-06-01", "decision": "3-QĐ/TW", "reason": "Minh oan"},
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 200, done.content
    fresh = Member.objects.get(pk=member.pk)
    gap = PartyInterruption.objects.get(member=member)
    assert (fresh.status, fresh.party_age_from, fresh.party_age_until) == (
        "official",
        date(1995, 2, 28),
        None,
    )
    assert (gap.ends_on, gap.rehabilitated, gap.ground) == (date(2008, 6, 1), True, "expel.violation")
    assert party_age(fresh, date(2026, 12, 1)).as_dict() == {"years": 31, "months": 9, "days": 3}
    # Rehabilitation is not the one re-admission.
    assert fresh.readmitted_on is None


def test_rehabilitation_needs_the_annulling_decision_and_an_open_ending(member, admin_user):
    with pytest.raises(ValidationError):
        lifecycle.member_rehabilitate(
            actor=admin_user, member=member, decided_on=date(2020, 1, 1), decision="1-QĐ"
        )
    end(admin_user, member, "remove", date(2015, 1, 1), "removal.unpaid_fees")
    with pytest.raises(ValidationError, match="Cần số quyết định"):
        lifecycle.member_rehabilitate(
            actor=admin_user, member=member, decided_on=date(2020, 1, 1), decision=" "
        )
    with pytest.raises(ValidationError, match="không được trước ngày ra khỏi Đảng"):
        lifecycle.member_rehabilitate(
            actor=admin_user, member=member, decided_on=date(2014, 1, 1), decision="1-QĐ"
        )
    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.status, PartyInterruption.objects.get(member=member).ends_on) == ("removed", None)
