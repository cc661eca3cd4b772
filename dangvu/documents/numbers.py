"""Document numbers in the Party format: "Số 12-NQ/TU" (DOMAIN §8, HD 36-HD/VPTW §II.1.3).

* The number runs from 01 within a series: (issuing organ, symbol abbreviation, committee term) — or
  the year, where the organ's option says so. Types that share an abbreviation share a series; secret
  documents share the ordinary series.
* It is taken at issuing, atomically (the series row is locked), and every number is used by exactly
  one document or voided with its reason: none repeated, none skipped, whatever number of clerks issue
  at once.
* People write numbers many ways ("12-NQ/TU", "12/NQ-TU", "số 12 NQ TU"): ``number_key`` reduces them
  to one search key.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from dangvu.core.text import fold
from dangvu.documents.enums import SeriesPeriod
from dangvu.documents.models import IssuingOrgan, NumberSeries, SeriesNumber, TypeAbbreviation


def two_digits(number: int) -> str:
    """Numbers below 10 carry a leading zero ("Số 01-NQ/TU")."""
    return f"{number:02d}"


def number_text(number: int, abbreviation: str, organ: str) -> str:
    """``12-NQ/TU``: the number, the type's abbreviation and the issuing organ's (no "Số")."""
    return f"{two_digits(number)}-{abbreviation}/{organ}"


_KEY_PARTS = re.compile(r"[0-9]+|[a-z]+")


def number_key(text: str) -> str:
    """One key for every way a number is written: "12-NQ/TU", "12/NQ-TU", "số 12 NQ TU", "Số: 12-NQ/TƯ"
    → "12 nq tu" (accents, case, "số" and punctuation ignored; leading zeros dropped)."""
    parts = _KEY_PARTS.findall(fold(text).replace("đ", "d"))
    if parts and parts[0] == "so":
        parts = parts[1:]
    return " ".join(str(int(p)) if p.isdigit() else p for p in parts)


def abbreviation_for(org: Any, doc_type: Any, on: date) -> str:
    """The abbreviation ``org`` writes for ``doc_type`` on ``on``: its own (``TypeAbbreviation``) or the
    type's default."""
    own = (
        TypeAbbreviation.objects.filter(org=org, doc_type=doc_type, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from")
        .first()
    )
    return own.abbreviation if own is not None else str(doc_type.abbreviation)


def period_for(org: Any, on: date) -> tuple[str, str]:
    """The series period of ``org`` on ``on``: its committee term (``term:<id>``), or the year where the
    organ numbers by year. A unit with no term recorded numbers by year until one is."""
    organ = IssuingOrgan.objects.filter(org=org).first()
    if organ is None or organ.series_period == SeriesPeriod.TERM:
        term = (
            org.terms.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on)).first()
        )
        if term is not None:
            return f"term:{term.pk}", f"Nhiệm kỳ {term.name}"
    return f"year:{on.year}", f"Năm {on.year}"


@transaction.atomic
def take_number(*, actor: Any, document: Any, on: date) -> SeriesNumber:
    """Take the next number of the document's series for ``document`` (locked: concurrent clerks get
    consecutive numbers). Refuses a document that already has one."""
    if SeriesNumber.objects.filter(document=document).exists():
        raise ValidationError("Văn bản đã được cấp số; không cấp số lại.")
    org = document.registry_org
    abbreviation = abbreviation_for(org, document.doc_type, on)
    period, label = period_for(org, on)
    NumberSeries.objects.get_or_create(
        org=org, abbreviation=abbreviation, period=period, defaults={"period_label": label}
    )
    series = NumberSeries.objects.select_for_update().get(org=org, abbreviation=abbreviation, period=period)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return SeriesNumber.objects.create(
        series=series,
        number=series.last_number,
        document=document,
        taken_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
