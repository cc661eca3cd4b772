"""Typed requests for views that require a logged-in user."""

from __future__ import annotations

from django.http import HttpRequest

from dangvu.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a real ``User``."""

    user: User
