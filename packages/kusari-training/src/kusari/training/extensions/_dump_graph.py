"""Writing the computational graph once: :class:`DumpGraph`."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from kusari.graph import Variable, config
from kusari.graph.computational_graph import build_computational_graph
from kusari.serializers import AbstractSerializer

from .._atomic import atomic_save
from .._extension import PRIORITY_WRITER, Extension

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["DumpGraph", "dump_graph"]


class DumpGraph(Extension):
    """Writes the computational graph behind an observed Variable, once, as DOT text.

    At the first iteration it takes ``trainer.observation[root_name]`` (such as
    ``'main/loss'``), builds the graph that produced it with
    :func:`kusari.graph.computational_graph.build_computational_graph` and writes it to
    ``filename`` in the trainer's output folder (render it with Graphviz's ``dot``).
    Reported Variables are normally cut from their graph, so from :meth:`initialize`
    until the dump it sets ``config.keep_graph_on_report``.

    Args:
        root_name: The observation key of the output Variable.
        filename: The file to write.
        variable_style: DOT attributes of the variable nodes (see
            ``build_computational_graph``).
        function_style: DOT attributes of the function nodes.

    Example:
        >>> from kusari.training.extensions import DumpGraph
        >>> DumpGraph("main/loss").default_name
        'dump_graph'
    """

    priority = PRIORITY_WRITER + 1
    default_name = "dump_graph"

    def __init__(
        self,
        root_name: str,
        filename: str = "cg.dot",
        variable_style: Any = "default",
        function_style: Any = "default",
    ) -> None:
        self._root_name = root_name
        self._filename = filename
        self._variable_style = variable_style
        self._function_style = function_style
        self._original_flag: bool | None = None
        self._flag_called = False

    def initialize(self, trainer: Trainer) -> None:
        """Keep reported graphs until the dump (unless it was already written)."""
        if not self._flag_called:
            self._original_flag = bool(config.keep_graph_on_report)
            config.keep_graph_on_report = True

    def trigger(self, trainer: Trainer) -> bool:
        """Fire at every call until the graph is written."""
        return not self._flag_called

    def __call__(self, trainer: Trainer) -> None:
        """Write the graph and restore ``keep_graph_on_report``.

        Raises:
            TypeError: If the observed value is not a Variable.
            KeyError: If ``root_name`` was not reported.
        """
        if self._flag_called:
            return
        try:
            value = trainer.observation[self._root_name]
            if not isinstance(value, Variable):
                raise TypeError(
                    f"DumpGraph: the observed value {self._root_name!r} is a "
                    f"{type(value).__name__}, not a Variable"
                )
            text = build_computational_graph(
                [value],
                variable_style=self._variable_style,
                function_style=self._function_style,
            ).dump()

            def write(temporary: str) -> None:
                with open(temporary, "w", encoding="utf-8") as stream:
                    stream.write(text)

            atomic_save(os.path.join(trainer.out, self._filename), write)
        finally:
            if self._original_flag is not None:
                config.keep_graph_on_report = self._original_flag
            self._flag_called = True

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load whether the graph was written.

        Args:
            serializer: The serializer or deserializer.
        """
        original = serializer("_original_flag", self._original_flag)
        self._original_flag = None if original is None else bool(original)
        self._flag_called = bool(serializer("_flag_called", self._flag_called))


def dump_graph(
    root_name: str,
    filename: str = "cg.dot",
    variable_style: Any = "default",
    function_style: Any = "default",
) -> DumpGraph:
    """Return a :class:`DumpGraph` extension (Chainer's function-style name).

    Args:
        root_name: The observation key of the output Variable.
        filename: The file to write.
        variable_style: DOT attributes of the variable nodes.
        function_style: DOT attributes of the function nodes.

    Returns:
        The extension.

    Example:
        >>> from kusari.training.extensions import dump_graph
        >>> dump_graph("main/loss", filename="graph.dot").default_name
        'dump_graph'
    """
    return DumpGraph(root_name, filename, variable_style, function_style)
