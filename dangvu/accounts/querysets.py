"""The base of every ``visible_to(user)``: a queryset scoped through dangvu.accounts.permissions."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.db import models

from dangvu.accounts.permissions import scope_q

M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset whose rows belong to a unit. Subclasses name the unit field and the view permission."""

    view_permission: ClassVar[str] = ""
    scope_path_field: ClassVar[str] = "org__path"
    scope_id_field: ClassVar[str] = "org_id"

    def visible_to(self, user: Any, perm: str | None = None) -> Any:
        """Rows the user may see (or, with ``perm``, act on): the one read every view and endpoint starts from."""
        return self.filter(
            scope_q(user, perm or self.view_permission, self.scope_path_field, self.scope_id_field)
        )
