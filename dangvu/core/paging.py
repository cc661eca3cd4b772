"""Pagination for lists that reach millions of rows.

``LargeListPaginator`` differs from Django's ``Paginator`` in two ways:

* the count stops at ``cap`` (the page then says "more than 10,000"), unless the caller knows the
  exact total cheaply (``exact_count``, e.g. from the roll-ups); counting 200,000 rows on every page
  view is the slowest part of a list otherwise;
* a page is fetched in two steps: the primary keys of the page first (a query the database can answer
  from a covering index alone), then the full rows of those keys.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator


class LargeListPaginator(Paginator):  # type: ignore[type-arg]
    def __init__(
        self, object_list: Any, per_page: int, *, cap: int = 10_000, exact_count: int | None = None
    ) -> None:
        super().__init__(object_list, per_page)
        self.rows: Any = object_list
        self.cap = cap
        self.exact_count = exact_count

    @cached_property
    def count(self) -> int:
        if self.exact_count is not None:
            return self.exact_count
        return int(self.rows.order_by().values("pk")[: self.cap + 1].count())

    @property
    def capped(self) -> bool:
        """True when there are more rows than were counted."""
        return self.exact_count is None and self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        counted = self.count if self.exact_count is not None else min(self.count, self.cap)
        return max(1, -(-counted // self.per_page))

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = list(self.rows.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = {row.pk: row for row in self.rows.order_by().filter(pk__in=keys)}
        return Page([rows[key] for key in keys if key in rows], number, self)
