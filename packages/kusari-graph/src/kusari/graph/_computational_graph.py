"""The backward graph of some Variables, as nodes and edges and as Graphviz DOT text."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, TypeAlias

from ._function_node import FunctionNode
from ._variable import Variable
from ._variable_node import VariableNode

__all__ = ["ComputationalGraph", "build_computational_graph"]

Node: TypeAlias = VariableNode | FunctionNode
"""A node of the graph: a :class:`VariableNode` or a :class:`FunctionNode`."""

Style: TypeAlias = Mapping[str, str] | Literal["default"] | None
"""Graphviz node attributes: a mapping, ``'default'``, or ``None`` for no attributes."""

_DEFAULT_VARIABLE_STYLE = {"shape": "octagon", "fillcolor": "#E0E0E0", "style": "filled"}
_DEFAULT_FUNCTION_STYLE = {"shape": "record", "fillcolor": "#6495ED", "style": "filled"}
_RANKDIRS = ("TB", "BT", "LR", "RL")
# Characters with a meaning inside the label of a ``shape=record`` node.
_RECORD_SPECIALS = str.maketrans({c: "\\" + c for c in "{}|<>"})


class ComputationalGraph:
    """A computational graph: its nodes, its edges, and how to draw it.

    Usually built by :func:`build_computational_graph`. ``str(graph)`` and
    ``graph.dump()`` give the graph in the Graphviz DOT language; render it with, for
    example, ``dot -Tpng graph.dot -o graph.png``.

    In the DOT text, nodes are called ``n0``, ``n1``, ... in the order of :attr:`nodes`,
    so the text is the same from run to run. A variable node is labelled with its name
    (when ``show_name`` is set and it has one) and its shape and dtype, like
    ``x: (2, 3), float32``; a function node with its :attr:`FunctionNode.label`.

    Args:
        nodes: The nodes (:class:`VariableNode` and :class:`FunctionNode` objects).
        edges: The edges as ``(upstream, downstream)`` pairs of nodes: variable to the
            function that takes it as input, function to the variable it outputs.
        remove_split: Kept for compatibility with Chainer; must be ``True``.
        variable_style: Graphviz attributes of variable nodes: ``'default'`` (a grey
            octagon), ``None`` (no attributes) or a mapping such as ``{'shape': 'box'}``.
        function_style: Graphviz attributes of function nodes: ``'default'`` (a blue
            record), ``None`` or a mapping.
        rankdir: The direction of the layout: ``'TB'`` (top to bottom), ``'BT'``,
            ``'LR'`` or ``'RL'``.
        remove_variable: Whether the DOT text leaves out the variable nodes and joins the
            functions directly (:attr:`nodes` and :attr:`edges` keep them).
        show_name: Whether variable labels start with the variable's name.

    Attributes:
        nodes: The list of nodes.
        edges: The list of edges.

    Raises:
        ValueError: If ``rankdir`` is not one of the four directions, ``remove_split`` is
            false, or a style key is not a plain identifier.
        TypeError: If a style is not a mapping, ``'default'`` or ``None``.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable
        >>> from kusari.graph.computational_graph import build_computational_graph
        >>> x = Variable(numpy.ones(3, numpy.float32), name="x")
        >>> graph = build_computational_graph([x], variable_style=None)
        >>> print(graph.dump())
        digraph graphname{rankdir=TB;
        n0 [label="x: (3), float32"];
        }
    """

    def __init__(
        self,
        nodes: Sequence[Node],
        edges: Sequence[tuple[Node, Node]],
        remove_split: bool = True,
        variable_style: Style = "default",
        function_style: Style = "default",
        rankdir: str = "TB",
        remove_variable: bool = False,
        show_name: bool = True,
    ) -> None:
        if not remove_split:
            raise ValueError(
                "remove_split=False is not supported: graphs have no Split nodes any more"
            )
        if rankdir not in _RANKDIRS:
            raise ValueError(f"rankdir must be one of TB, BT, LR or RL, got {rankdir!r}")
        self.nodes: list[Node] = list(nodes)
        self.edges: list[tuple[Node, Node]] = list(edges)
        self.remove_split = remove_split
        self.variable_style = _resolve_style(variable_style, _DEFAULT_VARIABLE_STYLE, "variable")
        self.function_style = _resolve_style(function_style, _DEFAULT_FUNCTION_STYLE, "function")
        self.rankdir = rankdir
        self.remove_variable = remove_variable
        self.show_name = show_name

    def dump(self, format: Literal["dot"] = "dot") -> str:
        """Return the graph as text in ``format``.

        Args:
            format: The output format; only ``'dot'`` (Graphviz) is supported.

        Returns:
            The text.

        Raises:
            ValueError: If ``format`` is not ``'dot'``.
        """
        if format != "dot":
            raise ValueError(f"unsupported format {format!r}; only 'dot' is supported")
        return self._to_dot()

    def __str__(self) -> str:
        return self._to_dot()

    def __repr__(self) -> str:
        return f"<ComputationalGraph with {len(self.nodes)} nodes and {len(self.edges)} edges>"

    def _to_dot(self) -> str:
        ids = {id(node): f"n{i}" for i, node in enumerate(self.nodes)}
        lines = [f"digraph graphname{{rankdir={self.rankdir};"]
        for node in self.nodes:
            if isinstance(node, VariableNode):
                if self.remove_variable:
                    continue
                lines.append(f"{ids[id(node)]} {self._attributes(node, self.variable_style)};")
            else:
                lines.append(f"{ids[id(node)]} {self._attributes(node, self.function_style)};")
        edges = self._function_edges() if self.remove_variable else self.edges
        for upstream, downstream in edges:
            if id(upstream) in ids and id(downstream) in ids:
                lines.append(f"{ids[id(upstream)]} -> {ids[id(downstream)]};")
        lines.append("}")
        return "\n".join(lines)

    def _attributes(self, node: Node, style: Mapping[str, str]) -> str:
        if isinstance(node, VariableNode):
            label = node.label
            if self.show_name and node.name is not None:
                label = f"{node.name}: {label}"
        else:
            label = node.label
        text = _escape(label)
        if style.get("shape") == "record":
            text = text.translate(_RECORD_SPECIALS)
        attributes = [f'label="{text}"'] + [f'{k}="{_escape(v)}"' for k, v in style.items()]
        return "[" + ",".join(attributes) + "]"

    def _function_edges(self) -> list[tuple[Node, Node]]:
        creators: dict[int, list[Node]] = {}
        for upstream, downstream in self.edges:
            if isinstance(downstream, VariableNode) and not isinstance(upstream, VariableNode):
                creators.setdefault(id(downstream), []).append(upstream)
        joined: dict[tuple[int, int], tuple[Node, Node]] = {}
        for upstream, downstream in self.edges:
            if isinstance(upstream, VariableNode) and not isinstance(downstream, VariableNode):
                for creator in creators.get(id(upstream), ()):
                    joined.setdefault((id(creator), id(downstream)), (creator, downstream))
        return list(joined.values())


def build_computational_graph(
    outputs: Variable | VariableNode | Iterable[Variable | VariableNode],
    remove_split: bool = True,
    variable_style: Style = "default",
    function_style: Style = "default",
    rankdir: str = "TB",
    remove_variable: bool = False,
    show_name: bool = True,
) -> ComputationalGraph:
    """Build the backward graph that leads to ``outputs``.

    Starting from the output variables, it follows each variable node to its
    :attr:`~VariableNode.creator_node` and each function node to its inputs, so the graph
    holds exactly what backward from ``outputs`` would traverse (other outputs of the same
    functions are not included). The nodes are listed in the order they are reached,
    outputs first; every edge appears once.

    Args:
        outputs: A Variable or VariableNode, or an iterable of them.
        remove_split: Kept for compatibility with Chainer; must be ``True``.
        variable_style: Graphviz attributes of variable nodes (see
            :class:`ComputationalGraph`).
        function_style: Graphviz attributes of function nodes.
        rankdir: The direction of the layout: ``'TB'``, ``'BT'``, ``'LR'`` or ``'RL'``.
        remove_variable: Whether the DOT text joins functions directly, leaving out the
            variables.
        show_name: Whether variable labels start with the variable's name.

    Returns:
        The graph.

    Raises:
        TypeError: If an output is not a Variable or VariableNode.
        ValueError: If ``rankdir`` or a style is invalid (see :class:`ComputationalGraph`).

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable
        >>> from kusari.graph.computational_graph import build_computational_graph
        >>> x = Variable(numpy.ones(2, numpy.float32), name="x")
        >>> y = x * 2
        >>> y.name = "y"
        >>> graph = build_computational_graph([y], variable_style=None, function_style=None)
        >>> print(graph)
        digraph graphname{rankdir=TB;
        n0 [label="y: (2), float32"];
        n1 [label="MulConstant"];
        n2 [label="x: (2), float32"];
        n1 -> n0;
        n2 -> n1;
        }
    """
    roots = _output_nodes(outputs)
    nodes: dict[int, Node] = {}
    edges: dict[tuple[int, int], tuple[Node, Node]] = {}
    queue: deque[Node] = deque()

    def reach(node: Node) -> None:
        if id(node) not in nodes:
            nodes[id(node)] = node
            queue.append(node)

    for root in roots:
        reach(root)
    while queue:
        node = queue.popleft()
        if isinstance(node, VariableNode):
            creator = node.creator_node
            if creator is not None:
                edges.setdefault((id(creator), id(node)), (creator, node))
                reach(creator)
        else:
            for input_node in node.inputs:
                edges.setdefault((id(input_node), id(node)), (input_node, node))
                reach(input_node)
    return ComputationalGraph(
        list(nodes.values()),
        list(edges.values()),
        remove_split=remove_split,
        variable_style=variable_style,
        function_style=function_style,
        rankdir=rankdir,
        remove_variable=remove_variable,
        show_name=show_name,
    )


def _output_nodes(
    outputs: Variable | VariableNode | Iterable[Variable | VariableNode],
) -> list[VariableNode]:
    items: Iterable[object]
    if isinstance(outputs, (Variable, VariableNode)):
        items = (outputs,)
    elif isinstance(outputs, Iterable):
        items = outputs
    else:
        raise TypeError(
            "outputs must be a Variable, a VariableNode or an iterable of them, got "
            f"{type(outputs).__name__}"
        )
    roots: list[VariableNode] = []
    for position, item in enumerate(items):
        if isinstance(item, Variable):
            roots.append(item.node)
        elif isinstance(item, VariableNode):
            roots.append(item)
        else:
            raise TypeError(
                f"outputs[{position}] must be a Variable or VariableNode, got "
                f"{type(item).__name__}"
            )
    return roots


def _resolve_style(style: Style, default: Mapping[str, str], kind: str) -> dict[str, str]:
    if style is None:
        return {}
    if isinstance(style, str):
        if style != "default":
            raise TypeError(
                f"{kind}_style must be a mapping, 'default' or None, got the string {style!r}"
            )
        return dict(default)
    if not isinstance(style, Mapping):
        raise TypeError(
            f"{kind}_style must be a mapping, 'default' or None, got {type(style).__name__}"
        )
    resolved: dict[str, str] = {}
    for key, value in style.items():
        name: object = key  # mappings from untyped code may have other keys
        if not (isinstance(name, str) and name.isidentifier()) or name == "label":
            raise ValueError(
                f"{kind}_style has the key {key!r}; Graphviz attribute names are identifiers "
                "and the label is set from the node"
            )
        resolved[key] = str(value)
    return resolved


def _escape(text: str) -> str:
    """Quote ``text`` for a DOT double-quoted string, keeping it literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
