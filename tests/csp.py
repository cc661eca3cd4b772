"""The Content-Security-Policy every response carries (django-csp, ``CONTENT_SECURITY_POLICY`` in
dangvu/settings.py): the browser tests fail on any inline script, inline style or data: image a page
uses, and tests/security/test_headers.py checks that each page sends exactly this policy."""

from __future__ import annotations

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def directives(policy: str) -> dict[str, str]:
    """A policy as {directive: sources} (django-csp does not keep the directives' order)."""
    parts = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}
