"""Autodoc support for kusari's annotations.

Every kusari module uses ``from __future__ import annotations``, so annotations are
strings.  Autodoc resolves them for functions and methods, but for a class it records the
parameters of the class signature unresolved (it evaluates the class's own annotations, not
those of ``__init__``).  A name such as ``Variable`` then stays bare and becomes an ambiguous
cross-reference (``kusari.graph.Variable`` or ``kusari.graph.type_check.Variable``).  This
extension re-records those parameter types from ``typing.get_type_hints(cls.__init__)``,
exactly as autodoc records them for a function.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any

from sphinx.util.typing import stringify_annotation


def _recorded_annotations(env: Any) -> dict[str, dict[str, str]] | None:
    current = getattr(env, "current_document", None)  # Sphinx >= 8.2
    store = getattr(current, "autodoc_annotations", None)
    if store is None:
        store = getattr(env, "temp_data", {}).get("annotations")  # Sphinx 8.0 and 8.1
    return store


def _resolve_class_parameters(
    app: Any,
    what: str,
    name: str,
    obj: object,
    options: object,
    signature: str | None,
    return_annotation: str | None,
) -> None:
    if what not in ("class", "exception") or not isinstance(obj, type):
        return
    init = getattr(obj, "__init__", None)
    if not inspect.isfunction(init):
        return
    store = _recorded_annotations(app.env)
    recorded = None if store is None else store.get(name)
    if not recorded:
        return
    try:
        hints = typing.get_type_hints(init)
    except Exception:  # an annotation that cannot be evaluated: keep autodoc's text
        return
    mode = "smart" if app.config.autodoc_typehints_format == "short" else "fully-qualified"
    for parameter, hint in hints.items():
        if parameter != "return" and parameter in recorded:
            recorded[parameter] = stringify_annotation(hint, mode)  # type: ignore[arg-type]


def setup(app: Any) -> dict[str, object]:
    """Connect after autodoc's own type hint recording (priority 500)."""
    app.connect("autodoc-process-signature", _resolve_class_parameters, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
