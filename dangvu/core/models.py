"""Abstract bases shared by every module's models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvu.core.text import fold


class TimeStampedModel(models.Model):
    """Creation and last-change times, kept by the database layer."""

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class SearchableModel(models.Model):
    """A folded copy of the text a user may search for (see dangvu.core.text.fold)."""

    search_text = models.TextField(_("chuỗi tìm kiếm"), blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def searchable_parts(self) -> list[str]:
        raise NotImplementedError

    def refresh_search_text(self) -> None:
        self.search_text = fold(" ".join(part for part in self.searchable_parts() if part))
