"""Default grants: a module's description says which standard roles get each of its permissions.

After every ``migrate`` (a ``post_migrate`` receiver: infrastructure, not domain flow) each grant not
yet applied is added to the role's permission list and recorded in ``DefaultGrant``; a grant already
recorded is never applied again, so an administrator's later decision to take a permission away stands.
Roles themselves are data (created by migration 0002 and by administrators).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from dangvu.core.modules import permissions


@transaction.atomic
def sync_default_grants() -> list[tuple[str, str]]:
    """Apply the grants not applied before; returns the (role, permission) pairs added."""
    from dangvu.accounts.models import DefaultGrant, Role

    done = set(DefaultGrant.objects.values_list("role_code", "permission"))
    wanted = [
        (role, permission.code)
        for permission in permissions().values()
        for role in permission.grants
        if (role, permission.code) not in done
    ]
    if not wanted:
        return []
    roles = {
        role.code: role for role in Role.objects.select_for_update().filter(code__in={r for r, _ in wanted})
    }
    added = []
    for role_code, code in wanted:
        role = roles.get(role_code)
        if role is None:
            continue  # the standard role was removed by an administrator: nothing to grant
        if code not in role.permissions:
            role.permissions = [*role.permissions, code]
        added.append((role_code, code))
    for role in roles.values():
        role.save(update_fields=["permissions"])
    DefaultGrant.objects.bulk_create(
        [DefaultGrant(role_code=role, permission=code) for role, code in added], ignore_conflicts=True
    )
    return added


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    sync_default_grants()
