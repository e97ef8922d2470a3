"""binary_hierarchical_softmax and BinaryTreePaths: paths, values, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.functions import BinaryTree, BinaryTreePaths
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    assert_forward,
    check_grads,
    check_grads_float16,
    check_on_gpu,
    gpu,
    grad_array,
    scalar,
    uniform,
)

TREE: BinaryTree = ((0, 1), ((2, 3), 4))
# Inner nodes in pre-order: 0 = root, 1 = (0, 1), 2 = ((2, 3), 4), 3 = (2, 3).
PATHS = {0: [(0, 1), (1, 1)], 1: [(0, 1), (1, -1)], 2: [(0, -1), (2, 1), (3, 1)]}
PATHS |= {3: [(0, -1), (2, 1), (3, -1)], 4: [(0, -1), (2, -1)]}


def _reference(x: Any, t: Any, w: Any, paths: dict[int, list[tuple[int, int]]]) -> float:
    x, w = x.astype("d"), w.astype("d")
    total = 0.0
    for b, word in enumerate(t.tolist()):
        for node, code in paths[word]:
            total += numpy.logaddexp(0.0, -code * float(w[node] @ x[b]))
    return total


def test_paths_equal_chainers() -> None:
    # BinaryHierarchicalSoftmax(3, TREE)._func of Chainer 7.8.1: paths, codes, begins.
    paths = BinaryTreePaths(TREE)
    assert paths.n_nodes == 4
    assert paths.n_ids == 5
    assert paths.nodes.tolist() == [0, 1, 0, 1, 0, 2, 3, 0, 2, 3, 0, 2]
    assert paths.codes.tolist() == [1, 1, 1, -1, -1, 1, 1, -1, 1, -1, -1, -1]
    assert paths.begins.tolist() == [0, 2, 4, 7, 10, 12]
    assert paths.nodes.dtype == numpy.int32
    assert paths.codes.dtype == numpy.float32
    assert paths.is_leaf.tolist() == [True] * 5


def test_paths_with_missing_ids_equal_chainers() -> None:
    # Chainer 7.8.1 for ((0, 2), (1, 5)); ids 3 and 4 have empty paths.
    # Lists work as pairs too (a tree loaded from JSON), though the type says tuples.
    paths = BinaryTreePaths([[0, 2], [1, 5]])  # type: ignore[arg-type]
    assert paths.nodes.tolist() == [0, 1, 0, 2, 0, 1, 0, 2]
    assert paths.codes.tolist() == [1, 1, -1, 1, 1, -1, -1, -1]
    assert paths.begins.tolist() == [0, 2, 4, 6, 6, 6, 8]
    assert paths.is_leaf.tolist() == [True, True, True, False, False, True]
    assert repr(paths) == "BinaryTreePaths(leaves=4, n_nodes=3, device=@numpy)"


def test_a_deep_tree_needs_no_recursion() -> None:
    tree: BinaryTree = 0
    for word in range(1, 3000):
        tree = (tree, word)
    paths = BinaryTreePaths(tree)
    assert paths.n_nodes == 2999
    assert int(paths.begins[1] - paths.begins[0]) == 2999  # id 0 is the deepest leaf


def test_chainer_values() -> None:
    # Chainer 7.8.1: BinaryHierarchicalSoftmax(3, TREE) with these W, x and t.
    w = numpy.array(
        [[0.1, -0.2, 0.3], [0.5, 0.4, -0.6], [-0.7, 0.2, 0.9], [0.3, 0.3, -0.1]], numpy.float32
    )
    x = Variable(numpy.array([[1.0, 2.0, -1.0], [0.5, -1.5, 0.25], [-1.0, 0.0, 2.0]], "f"))
    w_var = Variable(w)
    loss = F.binary_hierarchical_softmax(x, numpy.array([2, 4, 1], numpy.int32), w_var, TREE)
    assert loss.dtype == numpy.float32
    assert scalar(loss) == pytest.approx(4.2870097, rel=1e-6)
    loss.backward()
    numpy.testing.assert_allclose(
        grad_array(x),
        [
            [0.49271932, -0.30525613, -0.5584751],
            [-0.21625672, -0.04187164, 0.5371926],
            [0.03947856, 0.13729425, -0.20594136],
        ],
        rtol=1e-5,
        atol=1e-6,
    )
    numpy.testing.assert_allclose(
        grad_array(w_var),
        [
            [1.0342239, -0.19833124, -0.9582553],
            [-0.15446526, 0.0, 0.30893052],
            [-0.5708644, -2.130031, 0.86735505],
            [-0.2689414, -0.5378828, 0.2689414],
        ],
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.mark.parametrize("dtype", FLOATS)
def test_forward(dtype: Any) -> None:
    x, w = uniform(0, (6, 4), dtype), uniform(1, (4, 4), dtype)
    t = numpy.array([0, 1, 2, 3, 4, 2], numpy.int64)
    paths = BinaryTreePaths(TREE)
    loss = F.binary_hierarchical_softmax(x, t, w, paths)
    assert_forward(loss, _reference(x, t, w, PATHS), dtype, scale=5.0)


def test_probabilities_sum_to_one() -> None:
    x = uniform(3, (1, 3), "d")
    w = uniform(4, (4, 3), "d")
    total = sum(
        numpy.exp(-scalar(F.binary_hierarchical_softmax(x, numpy.array([word]), w, TREE)))
        for word in range(5)
    )
    assert total == pytest.approx(1.0, abs=1e-12)


def test_a_single_leaf_costs_nothing() -> None:
    x = Variable(uniform(0, (2, 3), "d"))
    loss = F.binary_hierarchical_softmax(x, numpy.array([0, 0]), numpy.zeros((0, 3)), 0)
    assert scalar(loss) == 0.0
    loss.backward()
    assert grad_array(x).tolist() == [[0.0] * 3] * 2


def test_gradients() -> None:
    t = numpy.array([3, 0, 4, 3])
    paths = BinaryTreePaths(TREE)
    check_grads(
        lambda x, w: F.binary_hierarchical_softmax(x, t, w, paths),
        [uniform(0, (4, 3), "d"), uniform(1, (4, 3), "d")],
    )
    check_grads_float16(
        lambda x, w: F.binary_hierarchical_softmax(x, t, w, paths),
        [uniform(0, (4, 3), "e"), uniform(1, (4, 3), "e")],
    )


@pytest.mark.parametrize(
    ("tree", "error", "message"),
    [
        ((0, 1, 2), ValueError, "every inner node must be a pair .* got one with 3 children"),
        (((0,), 1), ValueError, "got one with 1 children"),
        (((0, 1), 1), ValueError, "word id 1 appears more than once"),
        ((0, -2), ValueError, "word ids must be non-negative, got -2"),
        ((0, "a"), TypeError, "every node must be an int word id or a pair .* got str"),
        ((0, 1.0), TypeError, "got float"),
        ((True, 0), TypeError, "a leaf must be an int word id, got bool"),
    ],
)
def test_invalid_trees(tree: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        BinaryTreePaths(tree)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"t": numpy.array([5, 0])}, ValueError, "t holds 5, which is not a word id of the tree"),
        ({"t": numpy.array([0, -1])}, ValueError, "t holds -1, which is not a word id"),
        (
            {"tree": ((0, 1), ((5, 3), 4))},
            ValueError,
            r"t holds 2, which is not a word id of the tree \(its leaves are ids below 6\)",
        ),
        ({"t": numpy.array([0.0, 1.0])}, InvalidType, r"Expect: t.dtype.kind in 'iu'"),
        ({"t": numpy.array([0, 1, 2])}, InvalidType, r"Expect: t.shape\[0\] == x.shape\[0\]"),
        (
            {"W": numpy.zeros((3, 3), numpy.float32)},
            InvalidType,
            r"Expect: W.shape\[0\] == tree.n_nodes\nActual: 3 != 4",
        ),
        ({"W": numpy.zeros((4, 2), numpy.float32)}, InvalidType, r"W.shape\[1\] == x.shape\[1\]"),
        ({"W": numpy.zeros((4, 3))}, InvalidType, "Expect: W.dtype == x.dtype"),
    ],
)
def test_invalid_arguments(options: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {
        "x": numpy.zeros((2, 3), numpy.float32),
        "t": numpy.array([0, 2]),
        "W": numpy.zeros((4, 3), numpy.float32),
        "tree": TREE,
    }
    arguments.update(options)
    with pytest.raises(error, match=message):
        F.binary_hierarchical_softmax(**arguments)


def test_device_resident() -> None:
    paths = BinaryTreePaths(TREE)
    nodes = paths.nodes
    assert paths.to_device("@numpy") is paths
    assert paths.nodes is nodes


@gpu
def test_on_gpu() -> None:
    t = numpy.array([3, 0, 4])
    check_on_gpu(
        lambda x, w: F.binary_hierarchical_softmax(x, t, w, TREE),
        [uniform(0, (3, 2), "d"), uniform(1, (4, 2), "d")],
    )
    paths = BinaryTreePaths(TREE).to_device("@cupy:0")
    cupy = pytest.importorskip("cupy")
    assert isinstance(paths.nodes, cupy.ndarray)
    x, w = uniform(0, (3, 2), "d"), uniform(1, (4, 2), "d")
    loss = F.binary_hierarchical_softmax(cupy.asarray(x), cupy.asarray(t), cupy.asarray(w), paths)
    assert scalar(loss) == pytest.approx(_reference(x, t, w, PATHS), rel=1e-12)
