"""Data quality of a unit's member files: "đúng, đủ, sạch, sống" (correct, complete, clean, current)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from dangvu.members.enums import CURRENT_STATUSES
from dangvu.members.models import Member
from dangvu.members.worklists import REQUIRED_FIELDS, incomplete_files


@dataclass(frozen=True)
class CccdIssue:
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
        problems.append("Chữ số thứ 4 của CCCD không khớp giới tính/thế kỷ sinh.")
    if member.birth_date_precision != "" and member.cccd[4:6] != f"{member.birth_date.year % 100:02d}":
        problems.append("Chữ số thứ 5–6 của CCCD không khớp năm sinh.")
    return problems


def quality_report(members: Any, sample: int = 200) -> dict[str, Any]:
    current = members.filter(status__in=CURRENT_STATUSES)
    total = current.count()
    incomplete = incomplete_files(members)
    duplicates = list(
        current.exclude(birth_date__isnull=True)
        .values("search_text", "birth_date")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("-n")[:50]
    )
    groups = []
    for group in duplicates:
        people = list(
            current.filter(search_text=group["search_text"], birth_date=group["birth_date"]).select_related(
                "org"
            )[:10]
        )
        groups.append(people)
    issues = []
    for member in (
        current.exclude(cccd__isnull=True)
        .exclude(birth_date__isnull=True)
        .only("pk", "full_name", "cccd", "birth_date", "birth_date_precision", "sex", "org_id")[: sample * 10]
    ):
        for message in cccd_issues(member):
            issues.append(CccdIssue(member, message))
    missing_by_field = {}
    for field, label in REQUIRED_FIELDS.items():
        condition: dict[str, Any] = {field: ""} if field == "hometown" else {f"{field}__isnull": True}
        missing_by_field[label] = current.filter(**condition).count()
    incomplete_count = incomplete.count()
    return {
        "total": total,
        "complete_percent": round(100 * (total - incomplete_count) / total, 1) if total else 100.0,
        "incomplete_count": incomplete_count,
        "incomplete": incomplete.select_related("org").order_by("sort_key")[:sample],
        "missing_by_field": missing_by_field,
        "duplicate_groups": groups,
        "cccd_issues": issues[:sample],
    }
