"""The reform's figures for documents ("4 tăng, 4 giảm"): the share exchanged electronically, the share
digitally signed, the average handling time, what is overdue now — over the documents a user sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Avg, DurationField, ExpressionWrapper, F

from dangvu.documents.enums import Direction, FileKind, IncomingStatus, OutgoingStatus
from dangvu.documents.models import Document


@dataclass(frozen=True)
class Kpi:
    total: int
    electronic: int
    signed: int
    outgoing_issued: int
    average_handling_days: float | None
    overdue_now: int

    @property
    def electronic_share(self) -> float:
        return self.electronic / self.total if self.total else 0.0

    @property
    def signed_share(self) -> float:
        return self.signed / self.outgoing_issued if self.outgoing_issued else 0.0


def kpi(user: Any, first: date, last: date, rows: Any = None) -> Kpi:
    rows = rows if rows is not None else Document.objects.visible_to(user)
    incoming = rows.filter(direction=Direction.INCOMING, received_on__range=(first, last))
    outgoing = rows.filter(
        direction=Direction.OUTGOING, status=OutgoingStatus.ISSUED, issued_on__range=(first, last)
    )
    issued = outgoing.count()
    signed = outgoing.filter(files__kind=FileKind.ISSUED).distinct().count()
    electronic = incoming.filter(electronic=True).count() + outgoing.filter(electronic=True).count()
    duration = ExpressionWrapper(F("completed_on") - F("received_on"), output_field=DurationField())
    average = incoming.filter(status=IncomingStatus.DONE, completed_on__isnull=False).aggregate(
        a=Avg(duration)
    )["a"]
    overdue = rows.filter(
        direction=Direction.INCOMING,
        status__in=[IncomingStatus.REGISTERED, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS],
        deadline__lt=last,
    ).count()
    return Kpi(
        total=incoming.count() + issued,
        electronic=electronic,
        signed=signed,
        outgoing_issued=issued,
        average_handling_days=round(average.total_seconds() / 86400, 1) if average is not None else None,
        overdue_now=overdue,
    )
