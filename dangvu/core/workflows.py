"""Workflows as data: states, transitions, who may fire them, what they ask for, what they do.

A module declares one ``Workflow`` per kind of record (a member's life in the Party, a document, a
procedure case). Each ``Transition`` names:

* the states it may fire from (``sources``) and, when it moves the record, the state it leads to;
* who may fire it: a ``permission`` checked on the object (``dangvu.accounts.querysets.can``, from
  the model's declared relations) or its own ``allowed(user, obj)`` check;
* who decides it (``decided_by(user, obj)``): when a verb is the decision of a given level (the
  committee above a chi bộ), the reason a user below that level may not fire it ("… do Ban Thường vụ
  … quyết định"), None when they may — the page hides the button, the form and the API answer 403
  with that reason;
* a ``guard(obj)`` — a rule of the regulations that refuses with a Vietnamese reason ("Chưa đủ 36
  tháng …") — consulted both to offer the transition and when it fires;
* the inputs it requires (``Input``: decision number and date, reason, attachment, …), from which the
  registry generates **both** the web form and the API operation's body schema, so a verb is declared
  once;
* the service function that performs it (``action``, a dotted path: the service checks its rules,
  locks, writes, keeps the history, audits once and schedules side effects after commit).

Pages and the API offer and accept only the transitions the user can fire on that object in its state
(``available``). Services ask ``ensure_state`` before they move a record, so the allowed states live
here only.

Why not a library: django-fsm-2 puts transitions on model methods with a protected field (business
verbs on the model, against STYLE.md's services), and covers neither the inputs a verb asks for nor
the forms and API operations generated from them; django-viewflow is a BPMN process engine with
tasks, flows and its own UI (and AGPL-licensed), far more than a state table. Plain data plus one
small registry is what pretalx, Saleor and Oscar do (STYLE.md §4.3).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from pydantic import BaseModel, ConfigDict, create_model
from pydantic import Field as PydanticField

from dangvu.core.dates import IsoDate
from dangvu.core.modules import import_string

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Kind = Literal["date", "text", "textarea", "int", "bool", "choice", "unit", "units", "user"]


@dataclass(frozen=True)
class Input:
    """One thing a transition asks for. ``name`` is the form field and the API property; ``arg`` the
    service's keyword argument (default: ``name``)."""

    name: str
    label: StrOrPromise
    kind: Kind = "text"
    required: bool = True
    arg: str = ""
    choices: Sequence[tuple[Any, StrOrPromise]] = ()
    max_length: int = 500
    min_value: int | None = None
    max_value: int | None = None
    default: Any = None
    help_text: StrOrPromise = ""
    description: str = ""
    # Turns the raw value (an id from the API, what a form cleaned) into what the service takes.
    resolve: Callable[[Any], Any] | None = None

    @property
    def target(self) -> str:
        return self.arg or self.name


@dataclass(frozen=True)
class Transition:
    """One verb of a workflow (see the module docstring)."""

    name: str
    title: StrOrPromise
    action: str  # "dangvu.members.lifecycle:member_remove"
    sources: frozenset[str] = frozenset()  # empty: any state
    target: str | None = None
    permission: str | None = None
    allowed: Callable[[Any, Any], bool] | None = None
    decided_by: Callable[[Any, Any], StrOrPromise | None] | None = None
    guard: Callable[[Any], str | None] | None = None
    inputs: Sequence[Input] = ()
    confirm: StrOrPromise = ""  # the consequence, shown before a destructive or final verb
    refused: StrOrPromise = ""  # the message when the state does not allow it (default: a generic one)
    object_arg: str = "member"  # the service's keyword for the record
    summary: str = ""  # the API operation's summary (default: the title)
    # Older API paths of this verb whose name said something else (``/admit`` was re-admission): they
    # stay in the schema, deprecated, and answer 410 naming this verb's path; they never fire it.
    retired_api_paths: Sequence[str] = ()
    order: int = 50

    def perform(self, *, actor: Any, obj: Any, values: dict[str, Any]) -> Any:
        function = import_string(self.action)
        arguments = {i.target: _resolved(i, values.get(i.name, i.default)) for i in self.inputs}
        return function(actor=actor, **{self.object_arg: obj}, **arguments)


def _resolved(spec: Input, value: Any) -> Any:
    """Units and people given by their ids (the API) become the records; forms already give them."""
    if spec.resolve is not None:
        return spec.resolve(value)
    if value is None:
        return value
    if spec.kind == "unit" and isinstance(value, int):
        return _unit(spec, value)
    if spec.kind == "units":
        return [_unit(spec, v) if isinstance(v, int) else v for v in value]
    if spec.kind == "user" and isinstance(value, int):
        from django.contrib.auth import get_user_model

        person = get_user_model().objects.filter(pk=value, is_active=True).first()
        if person is None:
            raise ValidationError({spec.name: "Không tìm thấy người dùng."})
        return person
    return value


def _unit(spec: Input, value: int) -> Any:
    from dangvu.orgs.models import Org

    unit = Org.objects.select_related("org_type").filter(pk=value).first()
    if unit is None:
        raise ValidationError({spec.name: "Không tìm thấy đơn vị."})
    return unit


@dataclass
class Workflow:
    """The transitions of one kind of record, keyed by name (see the module docstring)."""

    name: str
    state_field: str
    transitions: Sequence[Transition]
    state_labels: dict[str, StrOrPromise] = field(default_factory=dict)

    @cached_property
    def by_name(self) -> dict[str, Transition]:
        return {t.name: t for t in self.transitions}

    def get(self, name: str) -> Transition | None:
        return self.by_name.get(name)

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.state_field))

    def state_allows(self, transition: Transition, obj: Any) -> bool:
        return not transition.sources or self.state_of(obj) in transition.sources

    def may(self, user: Any, transition: Transition, obj: Any) -> bool:
        """Whether ``user`` may fire ``transition`` on ``obj`` (permission only, not state or rules)."""
        return self.refusal(user, transition, obj) is None

    def refusal(self, user: Any, transition: Transition, obj: Any) -> StrOrPromise | None:
        """Why ``user`` may not fire ``transition`` on ``obj`` (None: they may): the permission, then
        the deciding level (``decided_by``) with its own reason."""
        from dangvu.accounts.querysets import can

        if transition.allowed is not None:
            permitted = transition.allowed(user, obj)
        else:
            permitted = transition.permission is None or can(user, transition.permission, obj)
        if not permitted:
            return f"Bạn không có quyền thực hiện “{transition.title}”."
        if transition.decided_by is not None:
            return transition.decided_by(user, obj)
        return None

    def available(self, user: Any, obj: Any) -> list[Transition]:
        """The transitions ``user`` can fire on ``obj`` now: its state allows them, the user may, and
        no rule refuses them."""
        return [
            t
            for t in sorted(self.transitions, key=lambda t: (t.order, t.name))
            if self.state_allows(t, obj)
            and self.may(user, t, obj)
            and (t.guard is None or t.guard(obj) is None)
        ]

    def ensure_state(self, obj: Any, name: str) -> None:
        """Refuse (ValidationError, Vietnamese) a transition the record's state does not allow. Services
        call this before they move a record: the allowed states are declared here only."""
        transition = self.by_name[name]
        if not self.state_allows(transition, obj):
            if transition.refused:
                raise ValidationError(str(transition.refused))
            label = self.state_labels.get(self.state_of(obj), self.state_of(obj))
            raise ValidationError(f"Không thể “{transition.title}” khi đang ở trạng thái “{label}”.")

    def fire(self, name: str, *, actor: Any, obj: Any, values: dict[str, Any]) -> Any:
        """Check and perform ``name`` on ``obj`` with the inputs ``values`` (PermissionDenied: the
        user may not; ValidationError: the state or a rule refuses, with the reason)."""
        transition = self.by_name[name]
        if (reason := self.refusal(actor, transition, obj)) is not None:
            raise PermissionDenied(reason)
        self.ensure_state(obj, name)
        if transition.guard is not None and (reason := transition.guard(obj)) is not None:
            raise ValidationError(reason)
        return transition.perform(actor=actor, obj=obj, values=values)

    # --- What the registry generates ----------------------------------------------------------------

    def form_class(self, name: str) -> type[forms.Form]:
        """The web form of a transition, generated from its inputs."""
        return _form_for(self.by_name[name])

    def schema(self, name: str) -> type[BaseModel]:
        """The API body of a transition, generated from its inputs."""
        return _schema_for(self.name, self.by_name[name])


_FORMS: dict[int, type[forms.Form]] = {}
_SCHEMAS: dict[tuple[str, str], type[BaseModel]] = {}


def form_field(spec: Input) -> forms.Field:
    """The form field of one input (for forms that ask for some of a transition's inputs)."""
    return _form_field(spec)


def _form_field(spec: Input) -> forms.Field:
    from dangvu.accounts.fields import UserField
    from dangvu.core.forms import VNDateField
    from dangvu.orgs.fields import UnitField, UnitListField

    common: dict[str, Any] = {"label": spec.label, "required": spec.required, "help_text": spec.help_text}
    if spec.default is not None:
        common["initial"] = spec.default
    if spec.kind == "date":
        return VNDateField(**common)
    if spec.kind == "int" and spec.choices:
        return forms.TypedChoiceField(coerce=int, choices=list(spec.choices), **common)
    if spec.kind == "int":
        return forms.IntegerField(min_value=spec.min_value, max_value=spec.max_value, **common)
    if spec.kind == "bool":
        return forms.BooleanField(**{**common, "required": False})
    if spec.kind == "choice":
        return forms.ChoiceField(choices=list(spec.choices), **common)
    if spec.kind == "unit":
        return UnitField(**common)
    if spec.kind == "units":
        return UnitListField(**common)
    if spec.kind == "user":
        return UserField(**common)
    widget = forms.Textarea(attrs={"rows": 3}) if spec.kind == "textarea" else None
    return forms.CharField(max_length=spec.max_length, widget=widget, **common)


def _form_for(transition: Transition) -> type[forms.Form]:
    key = id(transition)
    if key not in _FORMS:
        fields = {spec.name: _form_field(spec) for spec in transition.inputs}
        _FORMS[key] = type(f"{transition.name.title().replace('-', '')}Form", (forms.Form,), fields)
    return _FORMS[key]


def _schema_type(spec: Input) -> tuple[Any, Any]:
    default: Any = ... if spec.required else spec.default
    extra: dict[str, Any] = {"description": spec.description or str(spec.label)}
    if spec.kind == "date":
        annotation: Any = IsoDate
    elif spec.kind == "int" and spec.choices:
        annotation = Literal[tuple(value for value, _label in spec.choices)]
    elif spec.kind == "int":
        annotation = int
        extra |= {"ge": spec.min_value, "le": spec.max_value}
    elif spec.kind == "bool":
        annotation, default = bool, bool(spec.default)
    elif spec.kind == "choice":
        annotation = Literal[tuple(value for value, _label in spec.choices)]
    elif spec.kind == "unit":
        annotation = int
        extra["description"] = extra["description"] + " (mã số đơn vị, id)"
    elif spec.kind == "units":
        annotation, default = list[int], ([] if not spec.required else ...)
        extra["description"] = extra["description"] + " (danh sách id đơn vị)"
    elif spec.kind == "user":
        annotation = int
        extra["description"] = extra["description"] + " (id người dùng)"
    else:
        annotation = str
        extra["max_length"] = spec.max_length
        if not spec.required and default is None:
            default = ""
    if not spec.required and spec.kind in ("date", "int", "unit", "user") and spec.default is None:
        annotation = annotation | None
    return annotation, PydanticField(default, **{k: v for k, v in extra.items() if v is not None})


def _schema_for(workflow: str, transition: Transition) -> type[BaseModel]:
    key = (workflow, transition.name)
    if key not in _SCHEMAS:
        fields = {spec.name: _schema_type(spec) for spec in transition.inputs}
        name = "".join(part.title() for part in transition.name.split("-")) + "In"
        _SCHEMAS[key] = create_model(name, __config__=ConfigDict(extra="forbid"), **fields)  # type: ignore[call-overload]
    return _SCHEMAS[key]
