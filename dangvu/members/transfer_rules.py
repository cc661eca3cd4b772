"""The time rules of transfers (DOMAIN §3, addendum §10), each through ``MemberRule`` (versioned, with
legal basis): the limits of a temporary transfer by category (``temporary_transfer_<category>``:
``{"min_months", "max_months", "max_inclusive"}``), and the official transfer started more than
``transfer_start_working_days`` (60) working days after the decision that causes it (flagged on the
worklist, not refused: the letter is a fact by then)."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from dangvu.members.enums import TemporaryCategory
from dangvu.members.models.reference import rule
from dangvu.workcalendar.calendar import add_working_days

_FALLBACK = {"min_months": 3, "max_months": 12, "max_inclusive": False}


def _months(value: int) -> str:
    return f"{value // 12} năm" if value % 12 == 0 else f"{value} tháng"


def temporary_limits(category: str, on: date) -> dict[str, Any]:
    limits = rule(f"temporary_transfer_{category}", on, default=_FALLBACK)
    return dict(limits)


def check_temporary_duration(*, category: str, issued_on: date, until_on: date | None) -> None:
    """Refuse a temporary transfer without a known category, or whose end is out of the category's
    limits; the message says the limit."""
    if category not in TemporaryCategory.values:
        raise ValidationError(
            {"category": "Chuyển sinh hoạt tạm thời cần ghi diện: work, residence, study hoặc special."}
        )
    if until_on is None or until_on <= issued_on:
        raise ValidationError(
            {"until_on": "Chuyển sinh hoạt tạm thời cần ngày kết thúc sau ngày giới thiệu."}
        )
    limits = temporary_limits(category, issued_on)
    low, high = int(limits["min_months"]), int(limits["max_months"])
    inclusive = bool(limits.get("max_inclusive", True))
    earliest = issued_on + relativedelta(months=low)
    latest = issued_on + relativedelta(months=high)
    too_long = until_on > latest if inclusive else until_on >= latest
    if until_on < earliest or too_long:
        upper = f"đến {_months(high)}" if inclusive else f"dưới {_months(high)}"
        label = TemporaryCategory(category).label
        raise ValidationError(
            {
                "until_on": f"Diện “{label}”: thời gian chuyển sinh hoạt tạm thời từ {_months(low)} {upper} "
                f"(từ {earliest:%d/%m/%Y} đến {'ngày' if inclusive else 'trước ngày'} {latest:%d/%m/%Y})."
            }
        )


def start_due_on(decided_on: date) -> date:
    """The last day to start an official transfer after the decision that causes it."""
    return add_working_days(decided_on, int(rule("transfer_start_working_days", decided_on, default=60)))


def started_late(transfer: Any) -> bool:
    """An official transfer introduced more than the limit after its decision (flag for the worklist)."""
    decided_on = getattr(transfer, "decided_on", None)
    return decided_on is not None and transfer.issued_on > start_due_on(decided_on)
