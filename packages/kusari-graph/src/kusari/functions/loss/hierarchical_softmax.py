"""Hierarchical softmax over a binary tree (:func:`binary_hierarchical_softmax`)."""

from __future__ import annotations

import operator
from typing import Any, TypeAlias, final

import numpy
import numpy.typing as npt

from kusari.devices import (
    Array,
    DeviceResident,
    DeviceResidentsVisitor,
    get_device_from_array,
    to_cpu,
)
from kusari.graph import Variable, VariableOrArray, as_variable, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..activation.softplus import softplus
from ..array import _shape_check
from ..array.get_item import get_item
from ..array.select_item import expect_labels
from ..math.sum import sum as _sum
from ._checks import array_of

__all__ = ["BinaryTree", "BinaryTreePaths", "binary_hierarchical_softmax"]

BinaryTree: TypeAlias = int | tuple["BinaryTree", "BinaryTree"]
"""A binary tree of word ids: a leaf is an ``int``, an inner node a pair ``(left, right)``."""


def _leaf_id(node: object) -> int:
    if isinstance(node, bool):
        raise TypeError("tree: a leaf must be an int word id, got bool")
    try:
        leaf = operator.index(node)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            "tree: every node must be an int word id or a pair (left, right), got "
            f"{type(node).__name__}"
        ) from None
    if leaf < 0:
        raise ValueError(f"tree: word ids must be non-negative, got {leaf}")
    return leaf


@final
class BinaryTreePaths(DeviceResident):
    """The root-to-leaf paths of a binary tree, as :func:`binary_hierarchical_softmax` uses them.

    The inner nodes are numbered in pre-order (the root is 0, then the left subtree, then
    the right one); inner node ``k`` owns row ``k`` of the weight matrix.  For each leaf
    (a word id) the paths record the inner nodes from the root down and the branch taken
    at each: ``+1`` to the left child, ``-1`` to the right one (Chainer's convention).
    Parse a tree once and pass the result to every call; it moves to a GPU with
    :meth:`to_device` (a link that owns one moves it with its parameters).

    Args:
        tree: The tree: an ``int`` leaf, or a pair ``(left, right)`` of trees (tuples or
            lists). The word ids need not be contiguous, but each appears once.

    Attributes:
        n_nodes: The number of inner nodes (one less than the number of leaves).
        n_ids: One more than the largest word id.
        nodes: The int32 inner-node ids of all paths, concatenated in word-id order.
        codes: The float32 branches (``+1`` or ``-1``), aligned with ``nodes``.
        begins: The ``(n_ids + 1,)`` int32 offsets: the path of word ``i`` is
            ``nodes[begins[i]:begins[i + 1]]``.
        is_leaf: The ``(n_ids,)`` bool mask of the ids that are leaves of the tree.

    Raises:
        TypeError: If a node is neither an int nor a pair.
        ValueError: If an inner node does not have two children, or a word id is negative
            or appears twice.

    Example:
        >>> from kusari.functions import BinaryTreePaths
        >>> paths = BinaryTreePaths(((0, 1), 2))
        >>> paths.n_nodes, paths.nodes.tolist(), paths.codes.tolist()
        (2, [0, 1, 0, 1, 0], [1.0, 1.0, 1.0, -1.0, -1.0])
        >>> paths.begins.tolist()
        [0, 2, 4, 5]
    """

    n_nodes: int
    n_ids: int
    nodes: Array
    codes: Array
    begins: Array
    is_leaf: Array

    def __init__(self, tree: BinaryTree) -> None:
        super().__init__()
        found: dict[int, tuple[tuple[int, ...], tuple[float, ...]]] = {}
        n_nodes = 0
        # Depth first without recursion (a degenerate tree can be as deep as it is wide).
        stack: list[tuple[object, tuple[int, ...], tuple[float, ...]]] = [(tree, (), ())]
        while stack:
            node, nodes, codes = stack.pop()
            if isinstance(node, (tuple, list)):
                if len(node) != 2:
                    raise ValueError(
                        "tree: every inner node must be a pair (left, right), got one with "
                        f"{len(node)} children"
                    )
                inner = n_nodes
                n_nodes += 1
                stack.append((node[1], (*nodes, inner), (*codes, -1.0)))
                stack.append((node[0], (*nodes, inner), (*codes, 1.0)))
                continue
            leaf = _leaf_id(node)
            if leaf in found:
                raise ValueError(f"tree: word id {leaf} appears more than once")
            found[leaf] = (nodes, codes)
        self.n_nodes = n_nodes
        self.n_ids = max(found) + 1
        lengths = numpy.zeros(self.n_ids, numpy.int64)
        for leaf, (nodes, _) in found.items():
            lengths[leaf] = len(nodes)
        begins = numpy.zeros(self.n_ids + 1, numpy.int32)
        numpy.cumsum(lengths, out=begins[1:])
        ordered = sorted(found.items())
        self.nodes = numpy.array([n for _, (nodes, _) in ordered for n in nodes], numpy.int32)
        self.codes = numpy.array([c for _, (_, codes) in ordered for c in codes], numpy.float32)
        self.begins = begins
        is_leaf = numpy.zeros(self.n_ids, bool)
        is_leaf[list(found)] = True
        self.is_leaf = is_leaf

    def device_resident_accept(self, visitor: DeviceResidentsVisitor) -> None:
        """Describe the path arrays to a device visitor.

        Args:
            visitor: The visitor (see :class:`kusari.devices.DeviceResidentsVisitor`).
        """
        super().device_resident_accept(visitor)
        for name in ("nodes", "codes", "begins", "is_leaf"):
            setattr(self, name, visitor.visit_array(getattr(self, name)))

    def check_ids(self, t: Array) -> None:
        """Raise a ValueError if an id of ``t`` is not a leaf (reads ``t`` on the host).

        Args:
            t: Integer word ids.

        Raises:
            ValueError: Naming the first id that is out of range or not a leaf.
        """
        ids: npt.NDArray[Any] = numpy.asarray(to_cpu(t))
        mask = to_cpu(self.is_leaf)
        valid = (ids >= 0) & (ids < self.n_ids)
        valid[valid] = mask[ids[valid]]
        if not valid.all():
            bad = int(ids[numpy.flatnonzero(~valid)[0]])
            raise ValueError(
                f"binary_hierarchical_softmax: t holds {bad}, which is not a word id of the "
                f"tree (its leaves are ids below {self.n_ids})"
            )

    def __repr__(self) -> str:
        leaves = int(to_cpu(self.is_leaf).sum())
        return f"BinaryTreePaths(leaves={leaves}, n_nodes={self.n_nodes}, device={self.device})"


def binary_hierarchical_softmax(
    x: VariableOrArray,
    t: VariableOrArray,
    W: VariableOrArray,
    tree: BinaryTree | BinaryTreePaths,
) -> Variable:
    """The hierarchical softmax loss over a binary tree of words (Morin and Bengio, 2005).

    Word ``w`` has probability ``prod_i sigmoid(c_i * <x, W[n_i]>)`` over the inner nodes
    ``n_i`` on its path from the root and the branches ``c_i`` taken (``+1`` left, ``-1``
    right; see :class:`BinaryTreePaths`), so one word costs ``O(depth)`` instead of
    ``O(vocabulary)``.  The loss is the negative log-probability of the targets, summed
    over the batch (Chainer's ``BinaryHierarchicalSoftmaxFunction``; Chainer has no
    function of this name, only the link :class:`kusari.links.BinaryHierarchicalSoftmax`).

    Args:
        x: ``(B, D)`` input vectors (floating point).
        t: ``(B,)`` integer target word ids, leaves of the tree.
        W: ``(n_nodes, D)`` weights of the inner nodes, of ``x``'s dtype.
        tree: The tree, or (faster when called repeatedly) its :class:`BinaryTreePaths`.

    Returns:
        The scalar loss, of ``x``'s dtype.

    Raises:
        ValueError: If an id of ``t`` is not a leaf of the tree (checked for NumPy ``t``).
        kusari.graph.type_check.InvalidType: If the shapes or dtypes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 0.0]])
        >>> W = numpy.array([[2.0, 0.0], [0.0, 1.0]])
        >>> loss = F.binary_hierarchical_softmax(x, numpy.array([2]), W, ((0, 1), 2))
        >>> bool(numpy.isclose(loss.array, numpy.logaddexp(0, 2.0)))  # -log sigmoid(-2)
        True
    """
    paths = tree if isinstance(tree, BinaryTreePaths) else BinaryTreePaths(tree)
    x_array, ids, w_array = array_of(x), array_of(t), array_of(W)

    def check(in_types: TypeInfoTuple) -> None:
        type_check.argname(in_types, ("x", "t", "W"))
        x_type, t_type, w_type = in_types
        type_check.expect(x_type.dtype.kind == "f", x_type.ndim == 2)
        expect_labels(t_type)
        type_check.expect(
            t_type.ndim == 1,
            t_type.shape[0] == x_type.shape[0],
            w_type.dtype == x_type.dtype,
            w_type.ndim == 2,
            w_type.shape[0] == _shape_check.named(w_type, paths.n_nodes, "tree.n_nodes"),
            w_type.shape[1] == x_type.shape[1],
        )

    _shape_check.run_type_check(check, (x_array, ids, w_array), "BinaryHierarchicalSoftmax")
    if type(ids) is numpy.ndarray:
        paths.check_ids(ids)
    xp = _shape_check.xp_of(x_array)
    device = get_device_from_array(x_array)
    begins = device.send_array(paths.begins)
    starts = begins[ids]
    lengths = begins[ids + 1] - starts
    ends = xp.cumsum(lengths)
    total = int(ends[-1]) if len(ends) else 0
    # Entry j of the flat batch is step j - first[j] of the path of sample rows[j].
    rows = xp.repeat(xp.arange(len(lengths)), lengths)
    first = xp.repeat(ends - lengths, lengths)
    steps = xp.repeat(starts, lengths) + (xp.arange(total) - first)
    nodes = device.send_array(paths.nodes)[steps]
    signs = -device.send_array(paths.codes)[steps].astype(x_array.dtype)
    scores = _sum(get_item(W, nodes) * get_item(as_variable(x), rows), axis=1)
    return _sum(softplus(scores * signs))
