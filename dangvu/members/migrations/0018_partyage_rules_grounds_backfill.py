"""Party age, badges and re-admission as versioned data (issue #10).

* The badge and re-admission rules get one row per regulation in force: QĐ 29-QĐ/TW (25/7/2016),
  QĐ 24-QĐ/TW (30/7/2021), QĐ 232-QĐ/TW (20/1/2025), QĐ 294-QĐ/TW (from 1/7/2025) and the guides
  HD 01-HD/TW (2016, 2021) → HD 06-HD/TW (9/6/2025), instead of one row from 1/7/2025 citing the
  superseded text. A discipline is judged by the rule of its own date. Values not confirmed in a
  retrieved text are marked ``is_default`` (DOMAIN.md §0, §4, addendum §8, §16).
* The grounds on which membership ends (``EndingGround``), with their legal basis.
* The members' derived party-age columns, computed once for the rows already there.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import migrations
from django.db.models import F
from django.db.models.functions import Coalesce

QD29 = "QĐ 29-QĐ/TW (25/7/2016)"
QD24 = "QĐ 24-QĐ/TW (30/7/2021)"
QD232 = "QĐ 232-QĐ/TW (20/1/2025)"
QD294 = "QĐ 294-QĐ/TW (26/5/2025)"
HD01_2016 = "HD 01-HD/TW (20/9/2016)"
HD01_2021 = "HD 01-HD/TW (28/9/2021) §18"
HD06_2025 = "HD 06-HD/TW (9/6/2025)"

# The eras of the regulation implementing the Charter, and of the Secretariat's guide.
CHARTER_ERAS = [
    (date(2016, 7, 25), date(2021, 7, 29), QD29, True),
    (date(2021, 7, 30), date(2025, 1, 19), QD24, False),
    (date(2025, 1, 20), date(2025, 6, 30), QD232, False),
    (date(2025, 7, 1), None, QD294, False),
]
GUIDE_ERAS = [
    # The 45-year badge exists since QĐ 29 (25/7/2016); HD 01/2016 guided it.
    (date(2016, 7, 25), date(2021, 9, 27), f"{QD29}; {HD01_2016}", False),
    (date(2021, 9, 28), date(2025, 6, 8), HD01_2021, False),
    (date(2025, 6, 9), None, HD06_2025, False),
]

MILESTONES = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]
ILL_WINDOWS = [{"from": 30, "to": 65, "months": 12}, {"from": 70, "to": 90, "months": 24}]
BARRED = ["removal.no_activity", "leave.applied", "expel.disunity", "expel.corruption", "expel.serious_crime"]

GUIDE_RULES = [
    ("badge_milestones", MILESTONES, "Các mốc tuổi đảng được tặng Huy hiệu"),
    ("badge_award_days", ["02-03", "05-19", "09-02", "11-07"], "Các ngày trao Huy hiệu ở cơ sở (tháng-ngày)"),
    ("badge_early_months_ill", ILL_WINDOWS, "Tặng sớm cho đảng viên ốm nặng: 12 tháng (30–65 năm), 24 tháng (70–90 năm)"),
    ("badge_early_months_posthumous", 12, "Truy tặng khi từ trần còn thiếu không quá 12 tháng"),
]
CHARTER_RULES = [
    # key, value, unconfirmed in every era?, description
    ("badge_wait_after_discipline_months", {"khien-trach": 6, "canh-cao": 9, "cach-chuc": 12}, None,
     "Chưa xét tặng Huy hiệu trong thời gian này sau quyết định kỷ luật (theo quy định tại thời điểm kỷ luật)"),
    ("readmission_min_months", 36, None, "Kết nạp lại sau ít nhất 36 tháng kể từ khi ra khỏi Đảng"),
    ("readmission_max_times", 1, None, "Chỉ kết nạp lại một lần"),
    ("readmission_min_months_after_record_cleared", 60, None,
     "Người bị kết án tội ít nghiêm trọng: sau 60 tháng kể từ ngày được xóa án tích"),
    ("readmission_barred_grounds", BARRED, None,
     "Không kết nạp lại: bỏ sinh hoạt đảng, xin ra (trừ hoàn cảnh gia đình đặc biệt khó khăn), gây mất "
     "đoàn kết nghiêm trọng, bị kết án tội tham nhũng hoặc tội từ nghiêm trọng trở lên"),
    ("readmission_record_cleared_grounds", ["expel.minor_crime"], None,
     "Căn cứ cần ngày được xóa án tích để xét kết nạp lại"),
]
# Whether the value in each charter era is confirmed; the wait after a discipline is confirmed for
# QĐ 24 only (DOMAIN addendum §8), the re-admission rule for QĐ 232 (DOMAIN §2.14).
UNCONFIRMED = {
    "badge_wait_after_discipline_months": {QD29, QD232, QD294},
    "readmission_min_months": {QD29, QD24},
    "readmission_max_times": {QD29, QD24},
    "readmission_min_months_after_record_cleared": {QD29, QD24},
    "readmission_barred_grounds": {QD29, QD24},
    "readmission_record_cleared_grounds": {QD29, QD24},
}
SECTIONS = {
    "badge_wait_after_discipline_months": "",
    "readmission_min_months": " §3.5",
    "readmission_max_times": " §3.5",
    "readmission_min_months_after_record_cleared": " §3.5",
    "readmission_barred_grounds": " §3.5",
    "readmission_record_cleared_grounds": " §3.5",
}
KEYS = [key for key, *_rest in GUIDE_RULES] + [key for key, *_rest in CHARTER_RULES]

CHARTER = "Điều lệ Đảng (2011) Điều 8"
GROUNDS = [
    # code, kind, label, legal basis
    ("removal.no_activity", "removed", "Bỏ sinh hoạt đảng (không sinh hoạt 3 tháng trong năm)", f"{CHARTER}; {QD294} §3.5"),
    ("removal.unpaid_fees", "removed", "Không đóng đảng phí 3 tháng trong năm", CHARTER),
    ("removal.no_duties", "removed", "Không làm nhiệm vụ đảng viên 12 tháng liền", CHARTER),
    ("removal.decline", "removed", "Giảm sút ý chí phấn đấu, không còn đủ tư cách đảng viên", CHARTER),
    ("removal.other", "removed", "Lý do khác (xóa tên)", CHARTER),
    ("leave.applied", "left", "Xin ra khỏi Đảng", f"{CHARTER}; {QD294} §3.5"),
    ("leave.family_hardship", "left", "Xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn", f"{QD294} §3.5"),
    ("expel.disunity", "expelled", "Gây mất đoàn kết nội bộ nghiêm trọng", f"{QD294} §3.5"),
    ("expel.corruption", "expelled", "Bị kết án về tội tham nhũng", f"{QD294} §3.5"),
    ("expel.serious_crime", "expelled", "Bị kết án về tội từ nghiêm trọng trở lên", f"{QD294} §3.5"),
    ("expel.minor_crime", "expelled", "Bị kết án về tội ít nghiêm trọng", f"{QD294} §3.5"),
    ("expel.violation", "expelled", "Vi phạm kỷ luật đảng khác", "QĐ 69-QĐ/TW (6/7/2022); QĐ 264-QĐ/TW (14/2/2025)"),
]
# The grounds apply to every ending on record, the oldest imported ones included.
GROUNDS_FROM = date(1930, 2, 3)

# The rows migration 0004 (and the first version of the rules) created, to put back on reverse.
OLD_FROM = date(2025, 7, 1)
OLD_ROWS = [
    ("readmission_min_months", 36, "QĐ 232-QĐ/TW §3.5", False, "Kết nạp lại sau ít nhất 36 tháng kể từ khi ra khỏi Đảng"),
    ("readmission_max_times", 1, "QĐ 232-QĐ/TW §3.5", False, "Chỉ kết nạp lại một lần"),
    ("badge_milestones", MILESTONES, "HD 01-HD/TW (2021) §18", False, "Các mốc tuổi đảng được tặng Huy hiệu"),
    ("badge_award_days", ["02-03", "05-19", "09-02", "11-07"], "HD 01-HD/TW (2021) §18", False,
     "Các ngày trao Huy hiệu ở cơ sở (ngày-tháng)"),
    ("badge_early_months_ill", {"below_70": 12, "from_70": 24}, "HD 01-HD/TW (2021) §18", False,
     "Tặng sớm cho đảng viên ốm nặng"),
    ("badge_early_months_posthumous", 12, "HD 01-HD/TW (2021) §18", False, "Truy tặng sớm tối đa"),
    ("badge_wait_after_discipline_months", {"khien-trach": 6, "canh-cao": 9, "cach-chuc": 12}, "QĐ 24-QĐ/TW", True,
     "Chưa xét tặng trong thời gian này sau quyết định kỷ luật"),
]


def rule_rows():
    """Every (key, value, effective_from, effective_to, legal basis, is_default, description)."""
    for key, value, description in GUIDE_RULES:
        for start, end, basis, unconfirmed in GUIDE_ERAS:
            yield key, value, start, end, basis, unconfirmed, description
    for key, value, _unused, description in CHARTER_RULES:
        for start, end, basis, _confirmed in CHARTER_ERAS:
            yield key, value, start, end, basis + SECTIONS[key], basis in UNCONFIRMED[key], description


def _shifted(start, gaps, on):
    shifted = start
    for begin, end in gaps:
        begin, end = max(begin, start), min(end or on, on)
        if end > begin:
            shifted += relativedelta(end, begin)
    return shifted


def columns(member, gaps):
    """What ``dangvu.members.milestones.party_age_columns`` computes, frozen for this migration."""
    start = member.first_admitted_on or member.admitted_on or member.card_admitted_on
    if start is None:
        return None, None
    stops = [begin for begin, end in gaps if end is None]
    if member.status == "deceased" and member.status_changed_on:
        stops.append(member.status_changed_on)
    stop = min(stops) if stops else None
    closed_until = max([start, *(end for _begin, end in gaps if end is not None)])
    return _shifted(start, gaps, min(closed_until, stop) if stop else closed_until), stop


def forward(apps, schema_editor):
    MemberRule = apps.get_model("members", "MemberRule")
    EndingGround = apps.get_model("members", "EndingGround")
    Member = apps.get_model("members", "Member")
    PartyInterruption = apps.get_model("members", "PartyInterruption")
    MemberRule.objects.filter(key__in=KEYS).delete()
    MemberRule.objects.bulk_create(
        [
            MemberRule(
                key=key, value=value, effective_from=start, effective_to=end, legal_basis=basis,
                is_default=unconfirmed, description=description,
            )
            for key, value, start, end, basis, unconfirmed, description in rule_rows()
        ]
    )
    for order, (code, kind, label, basis) in enumerate(GROUNDS):
        EndingGround.objects.update_or_create(
            code=code,
            defaults={"kind": kind, "label": label, "legal_basis": basis, "effective_from": GROUNDS_FROM, "order": order},
        )
    Member.objects.update(party_age_from=Coalesce("first_admitted_on", "admitted_on"))
    Member.objects.filter(status="deceased").update(party_age_until=F("status_changed_on"))
    with_gaps = PartyInterruption.objects.filter(rehabilitated=False).values_list("member_id", flat=True).distinct()
    for member in Member.objects.filter(pk__in=with_gaps).iterator(chunk_size=2000):
        gaps = sorted(
            PartyInterruption.objects.filter(member=member, rehabilitated=False).values_list("starts_on", "ends_on")
        )
        start, until = columns(member, gaps)
        Member.objects.filter(pk=member.pk).update(party_age_from=start, party_age_until=until)


def backward(apps, schema_editor):
    MemberRule = apps.get_model("members", "MemberRule")
    MemberRule.objects.filter(key__in=KEYS).delete()
    for key, value, basis, default, description in OLD_ROWS:
        MemberRule.objects.create(
            key=key, value=value, effective_from=OLD_FROM, legal_basis=basis, is_default=default, description=description
        )
    apps.get_model("members", "EndingGround").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0017_partyage_interruptions_badges_grounds")]
    operations = [migrations.RunPython(forward, backward)]
