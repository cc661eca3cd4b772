"""API operations generated from a workflow's registry: one ``POST …/{id}/<verb>`` per transition,
whose body schema is generated from the transition's inputs (``dangvu.core.workflows``). No endpoint
function names a verb: adding a transition to the registry adds its operation."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Body, Router

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


def add_workflow_operations(
    router: Router,
    workflow: Workflow,
    *,
    object_param: str,
    load: Callable[[HttpRequest, int], Any],
    respond: Callable[[HttpRequest, int], Any],
    response: dict[int, Any],
) -> list[str]:
    """Add every transition of ``workflow`` to ``router``; returns the verbs' paths (aliases included)."""
    paths = []
    for transition in workflow.transitions:
        view = _operation(workflow, transition, object_param=object_param, load=load, respond=respond)
        for verb in (transition.name, *transition.api_aliases):
            alias = verb != transition.name
            router.add_api_operation(
                f"/{{{object_param}}}/{verb}",
                ["POST"],
                view,
                response=response,
                operation_id=f"{workflow.name}_{verb.replace('-', '_')}",
                summary=str(transition.summary or transition.title)
                + (f" (cũ, dùng /{transition.name})" if alias else ""),
                deprecated=alias,
            )
            paths.append(verb)
    return paths
