"""Panels other areas add to the inspection's detail page (disputes, rewards and penalties,
audit plan and findings) without editing its view.

An area calls, at import time of its views module::

    detail_parts.register("inspections/results_disputes.html", disputes_context)

where ``disputes_context(request, inspection) -> dict`` gives the template's context (or None
to leave the panel out). The detail page includes each registered template in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ContextFn = Callable[[Any, Any], dict[str, Any] | None]

_PARTS: list[tuple[str, ContextFn]] = []


def register(template_name: str, context_fn: ContextFn) -> None:
    """Add a panel (a second registration of the same template replaces the first)."""
    for i, (name, _fn) in enumerate(_PARTS):
        if name == template_name:
            _PARTS[i] = (template_name, context_fn)
            return
    _PARTS.append((template_name, context_fn))


def parts(request: Any, inspection: Any) -> tuple[list[str], dict[str, Any]]:
    """The templates to include and their joined context."""
    templates: list[str] = []
    context: dict[str, Any] = {}
    for name, fn in _PARTS:
        extra = fn(request, inspection)
        if extra is None:
            continue
        templates.append(name)
        context.update(extra)
    return templates, context
