"""How a module describes itself to the platform: one description, one shape for every contribution.

A business module (members, documents, procedures, …) plugs in by giving its ``AppConfig`` a
``module`` attribute in ``ready()``::

    def ready(self) -> None:
        from dangvu.members.module import describe
        self.description = describe()

and by being listed in ``INSTALLED_APPS``; nothing else outside its folder changes. The shell reads
every description: the URL configuration mounts ``urls`` at ``/<url_prefix>/``, the API mounts
``api`` under ``/api/v1/<api_prefix>``, the navigation shows ``nav``, the accounts app grants
``permissions`` to the standard roles once (``dangvu.accounts.grants``), unit pages load
``unit_panels``, the home page lists ``work``, shows ``counters`` to leaders and searches ``search``,
record timelines add ``timeline`` entries, the reminder job sends ``reminders``, the organisation tree
asks ``structure`` what to do with the module's records when units merge, split, move or dissolve, and
the working-day calendar asks ``calendar`` to recompute open deadlines when days off change.

The platform apps (core, accounts, audit, orgs, workcalendar, links, notifications, web, api) describe
themselves the same way and never import a business module: they only read these descriptions.
(Models: NetBox's ``PluginConfig``, pretalx's plugin signals; see STYLE.md §4.14.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from django.apps import apps

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Permission:
    """A permission code (``"members.manage"``) with its label and the standard roles that get it
    when the module is installed (role codes of ``accounts.Role``; administrators may take it away
    again, and it is not given back)."""

    code: str
    label: StrOrPromise
    grants: tuple[str, ...] = ()


@dataclass(frozen=True)
class NavEntry:
    """An entry of the module menu, shown to users who hold ``permission`` somewhere ("" = everyone)
    and, when ``shown_to`` is given, for whom it answers True (e.g. a member who has a file). ``icon``:
    a Bootstrap Icons name from the UI kit's sprite (``dangvu/web/static/web/vendor/icons.svg``)."""

    key: str
    label: StrOrPromise
    url_name: str
    permission: str = ""
    order: int = 50
    shown_to: Callable[[Any], bool] | None = None
    icon: str = "grid-3x3-gap"


@dataclass(frozen=True)
class UnitPanel:
    """A panel on a unit's page, loaded with htmx from ``url_name`` (a view taking ``?org=<code>``),
    shown to users who hold ``permission`` in that unit."""

    key: str
    title: StrOrPromise
    url_name: str
    permission: str
    order: int = 50


@dataclass(frozen=True)
class WorkItem:
    """One thing to do: a line of a work section."""

    title: str
    url: str
    due_on: date | None = None
    overdue: bool = False
    detail: str = ""


@dataclass(frozen=True)
class WorkSection:
    """What one worklist holds for a user: its true total and its first items (overdue first, then
    soonest due). ``url`` opens the whole list."""

    key: str
    title: str
    count: int
    items: Sequence[WorkItem] = ()
    url: str = ""
    overdue: int = 0


@dataclass(frozen=True)
class WorkSource:
    """A worklist a module keeps (probationers due for recognition, documents to handle, …).
    ``collect(user, today, limit)`` returns the user's section, or None when it does not apply to
    them; the platform shows it on the home page ("Việc của tôi")."""

    key: str
    title: StrOrPromise
    permission: str
    collect: Callable[[Any, date, int], WorkSection | None]
    order: int = 50


@dataclass(frozen=True)
class Figure:
    """A key figure for leaders on the home page, with an optional small chart (label, value) series."""

    key: str
    label: str
    value: int | str
    url: str = ""
    series: Sequence[tuple[str, int]] = ()


@dataclass(frozen=True)
class CounterSource:
    """Key figures a module offers leaders: ``collect(user, today)`` → figures for the user's scope."""

    key: str
    permission: str
    collect: Callable[[Any, date], Sequence[Figure]]
    order: int = 50


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    subtitle: str = ""
    kind: str = ""


@dataclass(frozen=True)
class SearchSource:
    """Quick search: ``search(user, query, limit)`` → hits the user may see."""

    key: str
    title: StrOrPromise
    permission: str
    search: Callable[[Any, str, int], Sequence[SearchHit]]
    order: int = 50


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    actor: str = ""
    url: str = ""
    detail: Any = None


# ``contribute(obj, user)`` → entries for a record's timeline that this module knows about (a
# document's delivery statuses on a member's file, …); the module checks what the user may see.
TimelineSource = Callable[[Any, Any], Sequence[TimelineEntry]]


@dataclass(frozen=True)
class Reminder:
    """A deadline reminder: sent once per recipient and ``key`` by the daily reminder job."""

    key: str  # stable identity, e.g. "members.recognition:123:2026-03-01"
    recipients: list[Any]
    title: str
    body: str = ""
    url: str = ""
    email: bool = True


ReminderSource = Callable[[date], Sequence[Reminder]]


class StructureParticipant(Protocol):
    """What a module does with its records when the organisation tree changes. Every method runs
    inside the structural change's transaction, after ``orgs.manage`` was checked; each writes its own
    history and audit entries."""

    def unit_created(self, *, actor: Any, org: Any) -> None: ...

    def unit_moved(self, *, actor: Any, org: Any, old_parent: Any, new_parent: Any) -> None: ...

    def units_merged(self, *, actor: Any, source: Any, target: Any, on: date) -> None: ...

    def unit_split(
        self, *, actor: Any, source: Any, parts: Sequence[tuple[Any, dict[str, Any]]], on: date
    ) -> None:
        """``parts``: each new unit with the part's specification (the module reads its own keys, e.g.
        ``"members"``); records not given to a part go to the first part."""

    def dissolve_blockers(self, org: Any) -> Sequence[StrOrPromise]:
        """Why ``org`` cannot be dissolved yet (translatable, one line per reason); empty when it can."""

    def unit_dissolved(self, *, actor: Any, org: Any, on: date) -> None: ...


class CalendarParticipant(Protocol):
    """Recompute the module's open deadlines that were computed from a rule (not set by a person)
    when the working-day calendar changes between ``first`` and ``last``; each move is audited.
    Returns how many deadlines moved."""

    def recompute_deadlines(self, *, actor: Any, first: date, last: date) -> int: ...


@dataclass(frozen=True)
class ApiMount:
    """A further router of the module, mounted at ``/api/v1/<prefix>`` (e.g. a module's operations on a
    unit: ``ApiMount("orgs", "dangvu.members.api:org_router")`` → ``/api/v1/orgs/{id}/member-stats``)."""

    prefix: str
    router: str


@dataclass
class ModuleDescription:
    """Everything a module contributes to the shell (see the module docstring)."""

    label: str
    title: StrOrPromise
    urls: str | None = None
    url_prefix: str | None = None
    api: str | None = None  # "dangvu.members.api:router"
    api_prefix: str | None = None
    api_mounts: Sequence[ApiMount] = ()
    permissions: Sequence[Permission] = ()
    nav: Sequence[NavEntry] = ()
    unit_panels: Sequence[UnitPanel] = ()
    work: Sequence[WorkSource] = ()
    counters: Sequence[CounterSource] = ()
    search: Sequence[SearchSource] = ()
    timeline: Sequence[TimelineSource] = ()
    reminders: Sequence[ReminderSource] = ()
    structure: StructureParticipant | None = None
    calendar: CalendarParticipant | None = None
    # The module's audit events in words, for the log page: {"orgs.rename": _("Đổi tên đơn vị")}.
    audit_events: Mapping[str, StrOrPromise] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def mount(self) -> str:
        return self.url_prefix if self.url_prefix is not None else self.label

    @property
    def api_mount(self) -> str:
        return self.api_prefix if self.api_prefix is not None else self.label


def modules() -> Iterator[ModuleDescription]:
    """Every installed module's description, in ``INSTALLED_APPS`` order."""
    for config in apps.get_app_configs():
        description = getattr(config, "description", None)
        if isinstance(description, ModuleDescription):
            yield description


def module(label: str) -> ModuleDescription | None:
    return next((m for m in modules() if m.label == label), None)


def permissions() -> dict[str, Permission]:
    """Every permission code any module declares."""
    return {p.code: p for m in modules() for p in m.permissions}


def structure_participants() -> list[StructureParticipant]:
    return [m.structure for m in modules() if m.structure is not None]


def calendar_participants() -> list[CalendarParticipant]:
    return [m.calendar for m in modules() if m.calendar is not None]


def import_string(dotted: str) -> Any:
    """``"package.module:attribute"`` → the attribute."""
    from importlib import import_module

    module_name, _, attribute = dotted.partition(":")
    return getattr(import_module(module_name), attribute)
