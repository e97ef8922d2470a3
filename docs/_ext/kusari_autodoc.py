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
from typing import Any, Literal

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


# -- module-level objects that automodule leaves out -------------------------------------------
#
# Autodoc documents a module's functions and classes, but a module-level *object* (a type
# alias such as ``kusari.devices.Array``, a constant, ``kusari.graph.config``, the kernels
# of ``kusari.devices.kernels``) only when its docstring is in the documented module's own
# source.  kusari defines them in private modules and re-exports them, so automodule skips
# them all.  The ``kusari-module-objects`` directive documents every such name of the
# module's ``__all__``, with the docstring written after its assignment in the module that
# defines it (or the object's own docstring, for callable objects such as the kernels).


def _module_candidates(module_name: str) -> list[Any]:
    import sys

    leaf = ".".join(module_name.split(".")[:2])  # kusari.<leaf>
    names = sorted(n for n in sys.modules if n == leaf or n.startswith(leaf + "."))
    others = sorted(n for n in sys.modules if n.startswith("kusari.") and n not in names)
    return [sys.modules[n] for n in (module_name, *names, *others) if n in sys.modules]


def _attribute_doc(module_name: str, name: str, obj: object) -> str | None:
    from sphinx.errors import PycodeError
    from sphinx.pycode import ModuleAnalyzer

    for candidate in _module_candidates(module_name):
        if vars(candidate).get(name, _ABSENT) is not obj:
            continue
        try:
            docs = ModuleAnalyzer.for_module(candidate.__name__).find_attr_docs()
        except PycodeError:
            continue
        lines = docs.get(("", name))
        if lines:
            return "\n".join(lines)
    return None


_ABSENT = object()


def _own_doc(obj: object) -> str | None:
    doc = getattr(obj, "__doc__", None)
    if not isinstance(doc, str) or doc == getattr(type(obj), "__doc__", None):
        return None
    return inspect.cleandoc(doc)


def _plain_signature(obj: object) -> str | None:
    try:
        signature = inspect.signature(obj)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    bare = signature.replace(
        parameters=[p.replace(annotation=p.empty) for p in signature.parameters.values()],
        return_annotation=signature.empty,
    )
    return str(bare)


def module_object_lines(app: Any, module_name: str) -> list[str]:
    """Return reST documenting the objects of ``module_name.__all__`` automodule skips."""
    import importlib
    import types

    from sphinx.errors import PycodeError
    from sphinx.ext.napoleon.docstring import GoogleDocstring
    from sphinx.pycode import ModuleAnalyzer

    module = importlib.import_module(module_name)
    try:
        documented_here = ModuleAnalyzer.for_module(module_name).find_attr_docs()
    except PycodeError:
        documented_here = {}
    lines: list[str] = []
    for name in getattr(module, "__all__", ()):
        if name.startswith("__") or name not in vars(module):
            continue  # dunders, and names computed by a module __getattr__ (see its docs)
        obj = vars(module)[name]
        if isinstance(obj, types.ModuleType) or inspect.isclass(obj) or inspect.isroutine(obj):
            continue
        if ("", name) in documented_here:
            continue  # its docstring is in this module's source: automodule has it
        # A functools-wrapped callable object (a kernel) carries its own docstring.
        own = _own_doc(obj) if hasattr(obj, "__wrapped__") else None
        doc = own or _attribute_doc(module_name, name, obj) or ""
        signature = _plain_signature(obj) if own else None
        if signature is not None:
            lines.append(f".. py:function:: {name}{signature}")
        else:
            lines.append(f".. py:data:: {name}")
            if isinstance(obj, bool | int | float | str) or obj is None:
                lines.append(f"   :value: {obj!r}")
        lines.append(f"   :module: {module_name}")
        lines.append("")
        # As "data", napoleon would read a first line "X: y" as "type: description".
        what: Literal["function", "module"] = "function" if signature is not None else "module"
        converted = GoogleDocstring(
            inspect.cleandoc(doc), app.config, app, what, f"{module_name}.{name}", obj
        ).lines()
        lines.extend(f"   {line}" if line else "" for line in converted)
        lines.append("")
    return lines


def setup(app: Any) -> dict[str, object]:
    """Connect after autodoc's type hint recording; add ``kusari-module-objects``."""
    from _rst import GeneratedDirective, setup_generated

    class ModuleObjectsDirective(GeneratedDirective):
        """``.. kusari-module-objects:: module``: the module objects automodule skips."""

        required_arguments = 1
        always_reread = False  # the page is re-read when a module of the package changes

        def lines(self) -> list[str]:
            result = module_object_lines(self.env.app, self.arguments[0])
            leaf = ".".join(self.arguments[0].split(".")[:2])
            for module in _module_candidates(self.arguments[0]):
                path = getattr(module, "__file__", None)
                if path and (module.__name__ == leaf or module.__name__.startswith(leaf + ".")):
                    self.env.note_dependency(path)
            return result

    app.connect("autodoc-process-signature", _resolve_class_parameters, priority=600)
    app.add_directive("kusari-module-objects", ModuleObjectsDirective)
    setup_generated(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
