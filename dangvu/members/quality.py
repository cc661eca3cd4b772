"""Data quality of a unit's member files: "đúng, đủ, sạch, sống" (correct, complete, clean, current)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvu.members.enums import CURRENT_STATUSES
from dangvu.members.models import Member
from dangvu.members.worklists import REQUIRED_FIELDS, incomplete_files


@dataclass(frozen=True)
class ValueIssue:
    member: Member
    message: str


def cccd_issues(member: Member) -> list[str]:
    """Where a CCCD disagrees with the file: the 4th digit encodes century and sex, the 5th–6th the birth year."""
    if not member.cccd or not member.birth_date:
        return []
    century = 0 if member.birth_date.year < 2000 else 2
    expected = century + (1 if member.sex == "female" else 0)
    problems = []
    if int(member.cccd[3]) != expected:
        problems.append(_("Chữ số thứ 4 của CCCD không khớp giới tính/thế kỷ sinh."))
    if member.birth_date_precision != "" and member.cccd[4:6] != f"{member.birth_date.year % 100:02d}":
        problems.append(_("Chữ số thứ 5–6 của CCCD không khớp năm sinh."))
    return problems


def value_issues(member: Member, today: date) -> list[str]:
    """Values that cannot be right: a CCCD that contradicts the file, impossible dates and ages,
    milestones out of order, malformed phone numbers or e-mail addresses."""
    problems = cccd_issues(member)
    born = member.birth_date
    if born and born > today:
        problems.append(_("Ngày sinh ở tương lai."))
    if born and born.year < 1900:
        problems.append(_("Năm sinh trước 1900."))
    if born and member.admitted_on and relativedelta(member.admitted_on, born).years < 18:
        problems.append(_("Vào Đảng khi chưa đủ 18 tuổi."))
    if member.admitted_on and member.admitted_on > today:
        problems.append(_("Ngày vào Đảng ở tương lai."))
    if member.ceremony_on and member.admitted_on and member.ceremony_on < member.admitted_on:
        problems.append(_("Lễ kết nạp trước ngày quyết định kết nạp."))
    if member.recognized_on and member.admitted_on and member.recognized_on < member.admitted_on:
        problems.append(_("Ngày chính thức trước ngày vào Đảng."))
    old_enough = member.admitted_on is not None and relativedelta(today, member.admitted_on).years >= 2
    if member.status == "official" and old_enough and not member.recognized_on:
        problems.append(_("Đảng viên chính thức nhưng thiếu ngày công nhận chính thức."))
    if member.phone and not _PHONE.fullmatch(member.phone):
        problems.append(_("Số điện thoại không đúng định dạng."))
    if member.email and not _EMAIL.fullmatch(member.email):
        problems.append(_("Địa chỉ thư điện tử không đúng định dạng."))
    return problems


_PHONE = re.compile(r"(\+84|0)[0-9 .]{8,12}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
DUPLICATE_GROUPS = 50  # groups of possible duplicates a report lists
CHECKED_FIELDS = (
    "pk",
    "full_name",
    "cccd",
    "birth_date",
    "birth_date_precision",
    "sex",
    "org_id",
    "status",
    "admitted_on",
    "ceremony_on",
    "recognized_on",
    "phone",
    "email",
)


def quality_report(members: Any, sample: int = 200) -> dict[str, Any]:
    current = members.filter(status__in=CURRENT_STATUSES)
    total = current.count()
    incomplete = incomplete_files(members)
    duplicates = list(
        current.exclude(birth_date__isnull=True)
        .values("search_text", "birth_date")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("-n")[: DUPLICATE_GROUPS + 1]
    )
    groups = []
    for group in duplicates[:DUPLICATE_GROUPS]:
        people = list(
            current.filter(search_text=group["search_text"], birth_date=group["birth_date"]).select_related(
                "org"
            )[:10]
        )
        groups.append(people)
    issues = []
    today = timezone.localdate()
    # Values are checked in Python, member by member: the first ``sample * 10`` files in name order
    # (a province has far more); the page says how many were checked.
    checked = list(current.only(*CHECKED_FIELDS).order_by("sort_key", "pk")[: sample * 10])
    for member in checked:
        for message in value_issues(member, today):
            issues.append(ValueIssue(member, message))
    missing_by_field = {}
    for field, label in REQUIRED_FIELDS.items():
        condition: dict[str, Any] = {field: ""} if field == "hometown" else {f"{field}__isnull": True}
        missing_by_field[str(label)] = current.filter(**condition).count()
    incomplete_count = incomplete.count()
    return {
        "total": total,
        "complete_percent": round(100 * (total - incomplete_count) / total, 1) if total else 100.0,
        "incomplete_count": incomplete_count,
        "incomplete": incomplete.select_related("org").order_by("sort_key")[:sample],
        "missing_by_field": missing_by_field,
        "duplicate_groups": groups,
        "duplicate_groups_more": len(duplicates) > DUPLICATE_GROUPS,
        "value_issues": issues[:sample],
        "value_issue_count": len(issues),
        "checked": len(checked),
    }
