from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dangvu.web.nav import nav_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs: the module menu and the unread notification count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from dangvu.notifications.models import Notification

    return {
        "nav_items": nav_for(user),
        "unread_notifications": Notification.objects.visible_to(user).unread().count(),
    }
