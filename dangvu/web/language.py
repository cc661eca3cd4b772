"""The interface language: Vietnamese unless the person chose English with the switch in the page header.

Django's ``LocaleMiddleware`` follows the browser (``Accept-Language``); here the browser is never asked,
because the office works in Vietnamese whatever language a computer was set up in. The language of a
request is, in this order:

1. the logged-in user's choice (``User.language``), saved by the switch: it follows the person to any
   computer, from the log-in on;
2. the cookie the switch sets, for visitors who are not logged in (the log-in page);
3. ``settings.LANGUAGE_CODE`` (Vietnamese).

The JSON API always speaks Vietnamese: its documented contract is ``message`` in Vietnamese and
``message_en`` in English (``dangvu.api.errors``), whoever calls it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views import i18n

API_PREFIX = "/api/"


def supported_language(code: str | None) -> str | None:
    """``code`` as one of ``settings.LANGUAGES`` (``en-gb`` → ``en``), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def chosen_language(user: Any) -> str | None:
    """The language a logged-in user chose with the switch, or None (anonymous, or never chose)."""
    if user is None or not user.is_authenticated:
        return None
    return supported_language(user.language)


def request_language(request: HttpRequest) -> str:
    if request.path_info.startswith(API_PREFIX):
        return settings.LANGUAGE_CODE
    return (
        chosen_language(getattr(request, "user", None))
        or supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or settings.LANGUAGE_CODE
    )


class LanguageMiddleware:
    """Activate the request's language (see the module docstring); replaces ``LocaleMiddleware`` and
    must come after ``AuthenticationMiddleware``.

    The cookie follows the logged-in user's choice, so that the log-in page after a log-out (or an
    expired session) still speaks their language. The previous language is restored after the
    response, so that nothing outside a request (jobs, tests) inherits a request's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        # ``request.user`` is the user after the view: a log-in sets their cookie at once.
        chosen = chosen_language(getattr(request, "user", None))
        if chosen and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != chosen:
            _set_cookie(response, chosen)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


def _set_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def set_language(request: HttpRequest) -> HttpResponse:
    """The switch (``{% url 'set_language' %}``): Django's view sets the cookie and redirects to
    ``next``; a logged-in user's choice is also saved on the user, so it holds on every computer.

    A preference, not a record of the Party's: it is not audited."""
    response = i18n.set_language(request)
    language = supported_language(request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER))
    user = getattr(request, "user", None)
    if request.method == "POST" and language and user is not None and user.is_authenticated:
        get_user_model().objects.filter(pk=user.pk).update(language=language)
        user.language = language
    return response


def adopt_language_at_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: a user who never used the switch while logged in but did on the
    log-in page keeps that choice (saved on the user); a user with a saved choice keeps theirs."""
    if request is None or user.language:
        return
    language = supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if language:
        get_user_model().objects.filter(pk=user.pk).update(language=language)
        user.language = language
