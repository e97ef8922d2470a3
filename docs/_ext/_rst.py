"""Helpers shared by the project's Sphinx extensions: generated reST, always re-read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

_GENERATED_ATTR = "kusari_generated_docs"
logger = logging.getLogger(__name__)


class GeneratedDirective(SphinxDirective):
    """A directive whose content is reST computed at build time from the installed packages.

    By default its document is re-read on every build (see :func:`setup_generated`), so an
    incremental build never shows a stale table after the packages changed.
    """

    always_reread = True
    """Re-read the document on every build; else subclasses note their dependencies."""

    def lines(self) -> Iterable[str]:
        """Return the reST lines to insert (subclasses implement it)."""
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        if self.always_reread:
            generated: set[str] = getattr(self.env, _GENERATED_ATTR, set())
            generated.add(self.env.docname)
            setattr(self.env, _GENERATED_ATTR, generated)
        source = f"<{self.name} directive>"
        content = StringList()
        try:
            lines = list(self.lines())
        except Exception as error:  # an import error, say: a warning, as autodoc gives
            logger.warning(
                "%s: cannot generate the content: %s: %s",
                self.name,
                type(error).__name__,
                error,
                location=self.get_location(),
            )
            return []
        for line in lines:
            content.append(line, source)
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, content, container)
        return list(container.children)


def _always_outdated(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    generated: set[str] = getattr(env, _GENERATED_ATTR, set())
    return sorted(generated - removed)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, _GENERATED_ATTR, set()).discard(docname)


def setup_generated(app: Sphinx) -> None:
    """Connect the events that re-read documents holding generated content."""
    if getattr(app, "_kusari_generated_connected", False):
        return
    app._kusari_generated_connected = True  # type: ignore[attr-defined]
    app.connect("env-get-outdated", _always_outdated)
    app.connect("env-purge-doc", _purge)


def list_table(header: Sequence[str], rows: Iterable[Sequence[str]], widths: str) -> list[str]:
    """Return a ``list-table`` directive with a header row, as reST lines."""
    lines = [".. list-table::", "   :header-rows: 1", f"   :widths: {widths}", ""]
    for row in (header, *rows):
        first, *rest = row
        lines.append(f"   * - {first}")
        lines.extend(f"     - {cell}" for cell in rest)
    lines.append("")
    return lines


def literal(name: str) -> str:
    """Return ``name`` as inline reST literal text."""
    return f"``{name}``"
