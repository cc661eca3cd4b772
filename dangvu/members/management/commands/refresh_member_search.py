"""Recompute the derived search columns of every member (after the folding rules or the list of
common name words changed) and the vocabulary of name words."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dangvu.members.models import Member
from dangvu.members.search import remember_words

BATCH = 5000


class Command(BaseCommand):
    help = "Tính lại cột tìm kiếm (tên không dấu, từ chỉ mục, khóa sắp xếp) của mọi đảng viên."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = 0
        batch: list[Member] = []
        fields = ["search_text", "search_words", "sort_key"]
        queryset = Member.objects.only("pk", "full_name", "other_names", *fields).order_by("pk")
        for member in queryset.iterator(chunk_size=BATCH):
            before = (member.search_text, member.search_words, member.sort_key)
            member.refresh_derived()
            if (member.search_text, member.search_words, member.sort_key) != before:
                batch.append(member)
            if len(batch) >= BATCH:
                changed += self._save(batch, fields)
                batch = []
        changed += self._save(batch, fields)
        self.stdout.write(f"Đã tính lại {changed} hồ sơ.")

    @staticmethod
    def _save(batch: list[Member], fields: list[str]) -> int:
        if batch:
            Member.objects.bulk_update(batch, fields)
            remember_words(m.search_text for m in batch)
        return len(batch)
