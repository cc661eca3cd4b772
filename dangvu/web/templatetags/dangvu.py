"""Template tags of the UI kit: icons, form controls, navigation state, sorting links, confirmations."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.http import HttpRequest, QueryDict
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from dangvu.web.confirm import Confirmation, confirmation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination and sorting links)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def ddmmyyyy(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@register.simple_tag
def icon(name: str, extra_class: str = "") -> SafeString:
    """An icon from the sprite, hidden from screen readers (the text beside it carries the meaning)."""
    return format_html(
        '<svg class="bi{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        f" {extra_class}" if extra_class else "",
        static("web/vendor/icons.svg"),
        name,
    )


@register.filter
def is_current(request: HttpRequest, url: str) -> bool:
    """Is the page under this navigation entry (its URL is a prefix of the page's path)?"""
    return bool(url) and request.path.startswith(url)


@register.filter
def kit(field: forms.BoundField) -> str:
    """The field's widget with the kit's classes (Bootstrap form controls), invalid when it has errors."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple) and not isinstance(
        widget, forms.RadioSelect
    ):
        css = "form-select"
    else:
        css = "form-control"
    classes = [widget.attrs.get("class", ""), css, "is-invalid" if field.errors else ""]
    return field.as_widget(attrs={"class": " ".join(c for c in classes if c)})


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.simple_tag(takes_context=True)
def confirmation(context: dict[str, Any]) -> Confirmation | None:
    """The confirmation a final action on this page needs (``web/confirm.py``), if any."""
    match = getattr(context.get("request"), "resolver_match", None)
    if match is None:
        return None
    key = match.view_name
    if "verb" in match.kwargs:
        key = f"{key}:{match.kwargs['verb']}"
    return confirmation_for(key)


@register.inclusion_tag("web/sort_header.html", takes_context=True)
def sort_header(context: dict[str, Any], key: str, label: str, current: str) -> dict[str, Any]:
    """A column header that sorts the list by ``key`` (``current`` is the list's sort, ``-key`` descending)."""
    descending = current == f"-{key}"
    active = current in (key, f"-{key}")
    return {
        "label": label,
        "active": active,
        "descending": descending,
        "href": query_with(context, sort=key if descending else f"-{key}", page=None),
        "aria_sort": ("descending" if descending else "ascending") if active else "none",
    }


@register.filter
def can(user: Any, perm: str) -> bool:
    """Does the user hold ``perm`` anywhere (to show a link; the view checks again)?"""
    from dangvu.accounts.permissions import has_perm

    return has_perm(user, perm)


@register.filter
def inline_svg(encoded: str, label: str) -> SafeString:
    """A server-made SVG (base64, e.g. the QR code of the authenticator set-up) written into the page:
    an ``<img src="data:…">`` would need ``img-src data:`` in the Content-Security-Policy."""
    import base64
    import re

    svg = base64.b64decode(encoded).decode()
    svg = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    if not svg.startswith("<svg") or "<script" in svg.lower():
        return SafeString("")
    return format_html(
        '<svg role="img" aria-label="{}" {}', label, SafeString(svg.removeprefix("<svg").lstrip())
    )
