"""Small translation helpers shared by the modules."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.utils import translation

P = ParamSpec("P")
R = TypeVar("R")


def in_vietnamese(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` in the default language (Vietnamese) whatever the interface language: official
    documents (printed forms, statistics reports) are the Party's, not the reader's.

    A fresh ``override`` per call: one shared instance (``@translation.override(...)``) keeps the
    language to restore on itself, which two threads printing at once would overwrite."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper
