"""Where the current change comes from (IP address, user agent, channel), for the audit log."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip: str | None = None
    user_agent: str = ""
    channel: str = "system"  # web, api, cli, job, system


_current: ContextVar[Origin] = ContextVar("dangvu_audit_origin", default=Origin())  # noqa: B039 - frozen


def current_origin() -> Origin:
    return _current.get()


def set_origin(origin: Origin) -> object:
    return _current.set(origin)


def reset_origin(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
