"""Member statistics for any unit and its subtree (the yearly report's figures)."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q

from dangvu.members.enums import CURRENT_STATUSES, MemberStatus, TheoryLevel
from dangvu.members.models import Member, OrgMemberCount

AGE_BANDS = [
    ("≤30", 0, 30),
    ("31–40", 31, 40),
    ("41–50", 41, 50),
    ("51–60", 51, 60),
    ("61–70", 61, 70),
    (">70", 71, 200),
]
PARTY_AGE_BANDS = [
    ("<10", 0, 9),
    ("10–19", 10, 19),
    ("20–29", 20, 29),
    ("30–39", 30, 39),
    ("40–49", 40, 49),
    ("≥50", 50, 200),
]


def _band_filters(field: str, bands: list[tuple[str, int, int]], on: date) -> dict[str, Q]:
    """Count filters for "years since ``field``" bands as of ``on`` (years counted whole)."""
    filters = {}
    for label, low, high in bands:
        latest = on - relativedelta(years=low)  # at least ``low`` years ago
        earliest = on - relativedelta(years=high + 1)  # less than ``high + 1`` years ago
        filters[label] = Q(**{f"{field}__lte": latest, f"{field}__gt": earliest})
    return filters


def _grouped(queryset: Any, field: str) -> dict[str, int]:
    return {
        str(key or "—"): n for key, n in queryset.values_list(field).annotate(n=Count("pk")).order_by(field)
    }


def member_stats(org: Any, period_from: date, period_to: date) -> dict[str, Any]:
    """Totals by status (from the roll-ups), and for current members by sex, age band, ethnicity,
    religion, general education, political theory and party-age band; admissions and recognitions in
    the period. Party-age bands here count from the admission decision and ignore interruptions
    (the member file gives the exact figure)."""
    on = period_to
    current = Member.objects.in_subtree(org).filter(status__in=CURRENT_STATUSES)
    rollup = OrgMemberCount.objects.filter(org=org).first()
    age = current.aggregate(
        **{label: Count("pk", filter=q) for label, q in _band_filters("birth_date", AGE_BANDS, on).items()},
        unknown=Count("pk", filter=Q(birth_date__isnull=True)),
    )
    party = current.aggregate(
        **{
            label: Count("pk", filter=q)
            for label, q in _band_filters("admitted_on", PARTY_AGE_BANDS, on).items()
        },
        unknown=Count("pk", filter=Q(admitted_on__isnull=True)),
    )
    everyone = Member.objects.in_subtree(org)
    theory_names = dict(TheoryLevel.choices)
    return {
        "org": {"id": org.pk, "name": org.name},
        "period": {"from": period_from.isoformat(), "to": period_to.isoformat()},
        "by_status": rollup.as_dict() if rollup else {},
        "total": rollup.total if rollup else current.count(),
        "by_sex": _grouped(current, "sex"),
        "by_age_band": age,
        "by_ethnicity": _grouped(current, "ethnicity__name"),
        "by_religion": _grouped(current, "religion__name"),
        "by_general_education": _grouped(current, "general_education"),
        "by_political_theory": {
            theory_names.get(k if k != "—" else "", k): n
            for k, n in _grouped(current, "political_theory").items()
        },
        "by_party_age_band": party,
        "admitted_in_period": everyone.filter(admitted_on__range=(period_from, period_to)).count(),
        "recognized_in_period": everyone.filter(recognized_on__range=(period_from, period_to)).count(),
        "deceased_in_period": everyone.filter(
            status=MemberStatus.DECEASED, status_changed_on__range=(period_from, period_to)
        ).count(),
    }
