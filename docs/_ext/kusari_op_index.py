"""The ``kusari-op-index`` directive: every op of :mod:`kusari.functions`, by category.

The categories are the public subpackages of ``kusari.functions`` (``activation``,
``array``, ...), found at build time, so a new category or op appears without editing the
docs.  Each entry links to the op's entry in the API reference and shows the first
paragraph of its docstring.  Ops exported by ``kusari.functions`` but by no category are
listed under "Other".
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

PACKAGE = "kusari.functions"


@dataclasses.dataclass(frozen=True)
class Op:
    """One entry of the index."""

    name: str
    summary: str
    documented: bool  # exported by kusari.functions itself, so autodoc has an entry for it


@dataclasses.dataclass(frozen=True)
class Category:
    """One subpackage of ``kusari.functions`` and its ops."""

    name: str
    summary: str
    ops: tuple[Op, ...]


def summary_of(obj: object) -> str:
    """Return the first paragraph of ``obj``'s docstring, on one line."""
    lines: list[str] = []
    for line in (inspect.getdoc(obj) or "").splitlines():
        if not line.strip():
            break
        lines.append(line.strip())
    return " ".join(lines)


def categories() -> list[Category]:
    """Return the categories of ``kusari.functions`` with their ops, sorted by name."""
    package = importlib.import_module(PACKAGE)
    exported = set(getattr(package, "__all__", ()))
    result: list[Category] = []
    seen: set[str] = set()

    def op(module: Any, name: str) -> Op:
        obj = getattr(module, name)
        documented = name in exported and getattr(package, name, None) is obj
        return Op(name, summary_of(obj), documented)

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not info.ispkg or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{PACKAGE}.{info.name}")
        names = [n for n in getattr(module, "__all__", ()) if callable(getattr(module, n, None))]
        seen.update(names)
        ops = tuple(op(module, n) for n in sorted(names))
        result.append(Category(info.name, summary_of(module), ops))
    others = sorted(
        n for n in exported - seen if not n.startswith("_") and callable(getattr(package, n))
    )
    if others:
        result.append(Category("other", "", tuple(op(package, n) for n in others)))
    return result


def _lines(found: list[Category]) -> Iterator[str]:
    from _rst import list_table, literal

    total = sum(len(c.ops) for c in found)
    yield f".. currentmodule:: {PACKAGE}"
    yield ""
    yield (
        f":mod:`{PACKAGE}` holds **{total}** differentiable functions in "
        f"**{len(found)}** categories: "
        + ", ".join(f"`{c.name.capitalize()}`_ ({len(c.ops)})" for c in found)
        + "."
    )
    yield ""
    for category in found:
        title = category.name.capitalize()
        yield title
        yield "-" * len(title)
        yield ""
        if category.summary:
            yield category.summary
            yield ""
        rows = []
        for op in category.ops:
            link = f":func:`~{PACKAGE}.{op.name}`" if op.documented else literal(op.name)
            rows.append((link, op.summary or "(no docstring)"))
        yield from list_table(("function", "summary"), rows, "30 70")


def setup(app: Any) -> dict[str, object]:
    """Register the ``kusari-op-index`` directive."""
    from _rst import GeneratedDirective, setup_generated

    class OpIndexDirective(GeneratedDirective):
        """``.. kusari-op-index::``: the generated index, one section per category."""

        def lines(self) -> Iterator[str]:
            return _lines(categories())

    app.add_directive("kusari-op-index", OpIndexDirective)
    setup_generated(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
