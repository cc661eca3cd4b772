"""Pagination for lists that reach millions of rows.

``LargeListPaginator`` differs from Django's ``Paginator`` in two ways:

* it counts only when the caller knows the total cheaply (``exact_count``, e.g. from the roll-ups).
  Otherwise it fetches one row more than a page to know whether there is a next page, and the page
  says "more than N" — counting 200,000 matching rows on every page view would be the slowest part
  of the list;
* a page is fetched in two steps: the primary keys of the page first (a query the database can answer
  from a covering index alone), then the full rows of those keys.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models.sql.where import WhereNode


class LargeListPaginator(Paginator):  # type: ignore[type-arg]
    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        exact_count: int | None = None,
        at_least: int | None = None,
        max_page: int = 2000,
    ) -> None:
        super().__init__(object_list, per_page)
        self.rows: Any = object_list
        self.exact_count = exact_count
        self.at_least = at_least  # a known lower bound of an uncounted list ("hơn 10.000")
        self.max_page = max_page
        self._number = 1
        self._on_page = 0
        self._more = False

    @property
    def counted(self) -> bool:
        return self.exact_count is not None

    @property
    def uncounted(self) -> bool:
        return self.exact_count is None

    @property
    def more(self) -> bool:
        """Uncounted lists: whether rows follow the current page (or are known to pass ``at_least``)."""
        return self._more or self.at_least is not None

    @cached_property
    def count(self) -> int:
        if self.exact_count is not None:
            return self.exact_count
        # Rows up to the end of the current page, or the known lower bound (the page template says
        # "more than" when ``more``).
        return max((self._number - 1) * self.per_page + self._on_page, self.at_least or 0)

    @property
    def num_pages(self) -> int:
        if self.exact_count is not None:
            return max(1, -(-self.exact_count // self.per_page))
        return self._number + (1 if self._more else 0)

    def validate_number(self, number: Any) -> int:
        try:
            value = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("Số trang không hợp lệ.") from error
        if value < 1:
            raise EmptyPage("Số trang phải từ 1.")
        limit = self.num_pages if self.counted else self.max_page
        if value > limit and value > 1:
            raise EmptyPage("Không có trang này.")
        return value

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # A queryset may know a faster way to its page's keys (``MemberQuerySet.page_keys``).
        page_keys = getattr(self.rows, "page_keys", None)
        keys = (
            page_keys(bottom, self.per_page + 1)
            if page_keys is not None
            else list(self.rows.values_list("pk", flat=True)[bottom : bottom + self.per_page + 1])
        )
        more, keys = len(keys) > self.per_page, keys[: self.per_page]
        if not keys and number > 1:
            raise EmptyPage("Không có trang này.")
        if not self.counted:
            self._number, self._on_page, self._more = number, len(keys), more
            self.__dict__.pop("count", None)
        rows = {row.pk: row for row in _by_keys(self.rows, keys)} if keys else {}
        return Page([rows[key] for key in keys if key in rows], number, self)

    def get_page(self, number: Any) -> Page:  # type: ignore[type-arg]
        try:
            return self.page(number or 1)
        except (PageNotAnInteger, EmptyPage):
            return self.page(1)


def _by_keys(rows: Any, keys: list[Any]) -> Any:
    """The rows of ``keys`` with the list's columns, joins and annotations but not its filters: the keys
    came through them already, and a list scoped by several relations would otherwise compute its
    scope's subqueries a second time (bench/bench_visible_to.py). A row a to-many join repeats is
    kept once by the caller."""
    fetch = rows.order_by()
    fetch.query.where = WhereNode()
    return fetch.filter(pk__in=keys)
