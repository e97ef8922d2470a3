from __future__ import annotations

import re
from typing import Any

import numpy
import numpy.typing as npt
import pytest

from kusari.graph import FunctionNode, Variable
from kusari.graph.computational_graph import ComputationalGraph, build_computational_graph

from . import test_gradient_check_nodes as nodes

Arr = npt.NDArray[Any]
NODE = re.compile(r'^(n\d+) \[label="((?:[^"\\]|\\.)*)"(.*)\];$')
EDGE = re.compile(r"^(n\d+) -> (n\d+);$")


def _parse(dot: str) -> tuple[dict[str, str], list[tuple[str, str]], dict[str, str]]:
    """Return label by id, edges as (label, label) pairs, and attribute text by id."""
    lines = dot.splitlines()
    assert lines[0] == "digraph graphname{rankdir=TB;" or lines[0].startswith(
        "digraph graphname{rankdir="
    )
    assert lines[-1] == "}"
    labels: dict[str, str] = {}
    attributes: dict[str, str] = {}
    edges: list[tuple[str, str]] = []
    for line in lines[1:-1]:
        node = NODE.match(line)
        edge = EDGE.match(line)
        if node:
            labels[node.group(1)] = node.group(2)
            attributes[node.group(1)] = node.group(3)
        elif edge:
            edges.append((edge.group(1), edge.group(2)))
        else:
            raise AssertionError(f"unexpected DOT line {line!r}")
    return labels, [(labels[a], labels[b]) for a, b in edges], attributes


def _var(shape: tuple[int, ...], name: str | None = None) -> Variable:
    return Variable(numpy.ones(shape, numpy.float32), name=name)


def test_chain_x_exp_y() -> None:
    x = _var((2, 3), "x")
    y = nodes.exp(x)
    y.name = "y"
    graph = build_computational_graph([y])
    assert len(graph.nodes) == 3
    assert graph.nodes[0] is y.node
    assert graph.nodes[1] is y.creator_node
    assert graph.nodes[2] is x.node
    assert graph.edges == [(y.creator_node, y.node), (x.node, y.creator_node)]
    dot = graph.dump()
    assert dot == str(graph)
    assert dot.splitlines() == [
        "digraph graphname{rankdir=TB;",
        'n0 [label="y: (2, 3), float32",shape="octagon",fillcolor="#E0E0E0",style="filled"];',
        'n1 [label="Exp",shape="record",fillcolor="#6495ED",style="filled"];',
        'n2 [label="x: (2, 3), float32",shape="octagon",fillcolor="#E0E0E0",style="filled"];',
        "n1 -> n0;",
        "n2 -> n1;",
        "}",
    ]


def test_diamond_has_each_node_and_edge_once() -> None:
    x = _var((3,), "x")
    a = nodes.sin(x)
    b = nodes.cos(x)
    y = nodes.mul(a, b)
    graph = build_computational_graph(y)
    labels, edges, _ = _parse(graph.dump())
    # y, Mul, a, b, Sin, Cos, x
    assert len(graph.nodes) == 7
    assert sorted(labels.values()) == sorted(
        ["(3), float32", "Mul", "(3), float32", "(3), float32", "Sin", "Cos", "x: (3), float32"]
    )
    assert len(edges) == 7
    assert ("x: (3), float32", "Sin") in edges
    assert ("x: (3), float32", "Cos") in edges
    assert ("Sin", "(3), float32") in edges
    assert ("Mul", "(3), float32") in edges
    assert edges.count(("(3), float32", "Mul")) == 2


def test_multi_output_function_with_both_outputs() -> None:
    x, w = _var((2,), "x"), _var((2,), "w")
    p, s = nodes.TwoOutputs().apply((x, w))
    p.name, s.name = "product", "sum"
    graph = build_computational_graph([p, s], variable_style=None, function_style=None)
    assert graph.dump().splitlines() == [
        "digraph graphname{rankdir=TB;",
        'n0 [label="product: (2), float32"];',
        'n1 [label="sum: (2), float32"];',
        'n2 [label="TwoOutputs"];',
        'n3 [label="x: (2), float32"];',
        'n4 [label="w: (2), float32"];',
        "n2 -> n0;",
        "n2 -> n1;",
        "n3 -> n2;",
        "n4 -> n2;",
        "}",
    ]


def test_other_outputs_of_a_function_are_not_included() -> None:
    x, w = _var((2,), "x"), _var((2,), "w")
    p, s = nodes.TwoOutputs().apply((x, w))
    s.name = "sum"
    labels, _edges, _ = _parse(build_computational_graph(p).dump())
    assert "sum: (2), float32" not in labels.values()
    assert len(labels) == 4


def test_remove_variable_joins_functions() -> None:
    x = _var((3,), "x")
    y = nodes.mul(nodes.sin(x), nodes.exp(x))
    graph = build_computational_graph([y], remove_variable=True)
    labels, edges, _ = _parse(graph.dump())
    assert sorted(labels.values()) == ["Exp", "Mul", "Sin"]
    assert sorted(edges) == [("Exp", "Mul"), ("Sin", "Mul")]
    assert len(graph.nodes) == 7  # the variables stay in ``nodes``


def test_show_name_false_and_scalar_label() -> None:
    x = Variable(numpy.array(2.0), name="x")
    y = nodes.sin(x)
    labels, _, _ = _parse(build_computational_graph([y], show_name=False).dump())
    assert sorted(labels.values()) == ["Sin", "float64", "float64"]


def test_styles_and_rankdir() -> None:
    x = _var((1,), "x")
    y = nodes.exp(x)
    graph = build_computational_graph(
        [y],
        variable_style={"shape": "box", "color": "red"},
        function_style=None,
        rankdir="LR",
    )
    dot = graph.dump()
    assert dot.startswith("digraph graphname{rankdir=LR;\n")
    _, _, attributes = _parse(dot.replace("rankdir=LR", "rankdir=TB"))
    assert attributes["n0"] == ',shape="box",color="red"'
    assert attributes["n1"] == ""


def test_labels_are_escaped() -> None:
    class Quoted(FunctionNode):
        @property
        def label(self) -> str:
            return 'f "a|b" {c} <d> \\e'

        def forward(self, inputs: tuple[Arr, ...]) -> tuple[Arr, ...]:
            return (inputs[0].copy(),)

    x = _var((1,), 'x "quoted"\nnext')
    (y,) = Quoted().apply((x,))
    dot = build_computational_graph([y]).dump()
    lines = dot.splitlines()
    # Inside a record, |{}<> are escaped as well as quotes and backslashes.
    assert lines[2].startswith('n1 [label="f \\"a\\|b\\" \\{c\\} \\<d\\> \\\\e",shape="record"')
    assert lines[3].startswith('n2 [label="x \\"quoted\\"\\nnext: (1), float32",shape="octagon"')
    labels, _, _ = _parse(dot)
    assert len(labels) == 3


def test_a_leaf_alone_and_node_inputs() -> None:
    x = _var((2,), "x")
    graph = build_computational_graph(x.node)
    assert graph.nodes == [x.node]
    assert graph.edges == []
    assert graph.dump().splitlines()[1].startswith('n0 [label="x: (2), float32"')


def test_graph_of_several_outputs_shares_nodes() -> None:
    x = _var((2,), "x")
    a = nodes.sin(x)
    y1, y2 = nodes.exp(a), nodes.cos(a)
    graph = build_computational_graph((y1, y2))
    labels, edges, _ = _parse(graph.dump())
    assert sorted(labels.values()).count("Sin") == 1
    assert len(edges) == 6


def test_ids_are_stable() -> None:
    def build() -> str:
        x = _var((2,), "x")
        return build_computational_graph(nodes.mul(nodes.sin(x), x)).dump()

    assert build() == build()


def test_repr() -> None:
    graph = build_computational_graph(nodes.exp(_var((1,))))
    assert repr(graph) == "<ComputationalGraph with 3 nodes and 2 edges>"


class TestBadInput:
    def test_rankdir(self) -> None:
        with pytest.raises(ValueError, match="rankdir must be one of TB, BT, LR or RL, got 'XY'"):
            build_computational_graph(_var((1,)), rankdir="XY")

    def test_remove_split_false(self) -> None:
        with pytest.raises(ValueError, match="remove_split=False is not supported"):
            build_computational_graph(_var((1,)), remove_split=False)

    def test_output_type(self) -> None:
        with pytest.raises(
            TypeError, match=r"outputs\[1\] must be a Variable or VariableNode, got ndarray"
        ):
            build_computational_graph([_var((1,)), numpy.ones(1)])  # type: ignore[list-item]

    def test_outputs_not_iterable(self) -> None:
        with pytest.raises(TypeError, match="outputs must be a Variable, a VariableNode or an"):
            build_computational_graph(3)  # type: ignore[arg-type]

    def test_style_type(self) -> None:
        with pytest.raises(TypeError, match="variable_style must be a mapping, 'default' or None"):
            build_computational_graph(_var((1,)), variable_style="fancy")  # type: ignore[arg-type]

    def test_style_key(self) -> None:
        with pytest.raises(ValueError, match="function_style has the key 'label'"):
            build_computational_graph(_var((1,)), function_style={"label": "x"})

    def test_dump_format(self) -> None:
        graph = ComputationalGraph([], [])
        with pytest.raises(ValueError, match="unsupported format 'png'; only 'dot'"):
            graph.dump("png")  # type: ignore[arg-type]
