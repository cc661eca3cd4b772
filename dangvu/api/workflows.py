"""API operations generated from a workflow's registry: one ``POST …/{id}/<verb>`` per transition,
whose body schema is generated from the transition's inputs (``dangvu.core.workflows``). No endpoint
function names a verb: adding a transition to the registry adds its operation. A transition's retired paths
(``Transition.retired_api_paths``) stay routed and answer 410 with the path to use: a client of an old
path whose name said something else (``/admit`` for re-admission) learns where to go, and nothing fires."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import translation
from ninja import Body, Router

from dangvu.api.errors import ApiError
from dangvu.api.schemas import ErrorOut
from dangvu.core.workflows import Transition, Workflow

_BODY: Any = Body(...)  # type: ignore[type-arg]


def _operation(
    workflow: Workflow,
    transition: Transition,
    *,
    object_param: str,
    load: Callable[[HttpRequest, int], Any],
    respond: Callable[[HttpRequest, int], Any],
) -> Callable[..., Any]:
    schema = workflow.schema(transition.name)

    def operation(request: HttpRequest, **kwargs: Any) -> Any:
        object_id = kwargs[object_param]
        obj = load(request, object_id)
        payload = kwargs["payload"]
        workflow.fire(transition.name, actor=request.user, obj=obj, values=payload.model_dump())
        return respond(request, object_id)

    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
        inspect.Parameter(object_param, inspect.Parameter.KEYWORD_ONLY, annotation=int),
        inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=schema, default=_BODY),
    ]
    operation.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    operation.__name__ = f"{workflow.name}_{transition.name.replace('-', '_')}"
    operation.__doc__ = str(transition.confirm or "")
    return operation


def _retired_operation(
    workflow: Workflow,
    transition: Transition,
    old: str,
    *,
    object_param: str,
    load: Callable[[HttpRequest, int], Any],
) -> Callable[..., Any]:
    def operation(request: HttpRequest, **kwargs: Any) -> Any:
        # Whoever could not fire the verb is refused as by the verb itself (404 outside the scope, 403
        # without the permission): the old path tells nothing more than the new one.
        obj = load(request, kwargs[object_param])
        if (reason := workflow.refusal(request.user, transition, obj)) is not None:
            raise PermissionDenied(reason)
        with translation.override("vi"):
            message = (
                f"Đường dẫn /{old} đã ngừng dùng và không thực hiện gì: "
                f"“{transition.title}” là /{transition.name}."
            )
        with translation.override("en"):
            message_en = (
                f"The /{old} path is retired and did nothing: “{transition.title}” is /{transition.name}."
            )
        raise ApiError(410, "retired_path", message, message_en)

    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
        inspect.Parameter(object_param, inspect.Parameter.KEYWORD_ONLY, annotation=int),
    ]
    operation.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    operation.__name__ = f"{workflow.name}_{old.replace('-', '_')}_retired"
    return operation


def add_workflow_operations(
    router: Router,
    workflow: Workflow,
    *,
    object_param: str,
    load: Callable[[HttpRequest, int], Any],
    respond: Callable[[HttpRequest, int], Any],
    response: dict[int, Any],
) -> list[str]:
    """Add every transition of ``workflow`` to ``router``; returns the verbs' paths (retired ones included)."""
    paths = []
    for transition in workflow.transitions:
        router.add_api_operation(
            f"/{{{object_param}}}/{transition.name}",
            ["POST"],
            _operation(workflow, transition, object_param=object_param, load=load, respond=respond),
            response=response,
            operation_id=f"{workflow.name}_{transition.name.replace('-', '_')}",
            summary=str(transition.summary or transition.title),
        )
        paths.append(transition.name)
        for old in transition.retired_api_paths:
            router.add_api_operation(
                f"/{{{object_param}}}/{old}",
                ["POST"],
                _retired_operation(workflow, transition, old, object_param=object_param, load=load),
                response={**{k: v for k, v in response.items() if k != 200}, 410: ErrorOut},
                operation_id=f"{workflow.name}_{old.replace('-', '_')}",
                summary=f"Đã ngừng dùng: dùng /{transition.name}",
                deprecated=True,
            )
            paths.append(old)
    return paths
