"""``BinaryHierarchicalSoftmax``: the hierarchical softmax loss over a binary word tree."""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import numpy.typing as npt

from kusari.devices import DeviceResidentsVisitor
from kusari.functions import BinaryTree, BinaryTreePaths, binary_hierarchical_softmax
from kusari.graph import Variable, VariableOrArray, get_dtype
from kusari.initializers import Uniform

from .._link import Link
from .._parameter import Parameter
from ..connection._args import check_size

__all__ = ["BinaryHierarchicalSoftmax"]

_K = TypeVar("_K", bound=Hashable)


class BinaryHierarchicalSoftmax(Link):
    """The hierarchical softmax loss (Morin and Bengio, 2005) over a binary tree of words.

    Word ``w`` has probability ``prod_i sigmoid(c_i * <x, W[n_i]>)`` over the inner nodes
    ``n_i`` on its path from the root and the branches taken (``c_i = +1`` to the left
    child, ``-1`` to the right one), so a word costs ``O(depth)`` instead of ``O(vocabulary)``
    (see :func:`~kusari.functions.binary_hierarchical_softmax`).  Build a balanced tree
    for a vocabulary with :meth:`create_huffman_tree`.

    Args:
        in_size: The size of the input vectors.
        tree: The tree: an ``int`` word id as a leaf, a pair ``(left, right)`` as an inner
            node, such as ``((0, 1), 2)``.
        dtype: The dtype of ``W`` (``None`` for ``config.dtype``).  Chainer's ``W`` ignores
            it (it only sets the dtype of the internal branch codes), which makes a float64
            layer unusable with float64 inputs; kusari gives ``W`` this dtype.

    Attributes:
        W: The ``(n_nodes, in_size)`` weights of the inner nodes, in pre-order, initialized
            uniformly in ``[-1, 1)`` (as Chainer's ``Uniform(1)``: seeding ``numpy.random``
            gives Chainer's values).
        paths: The parsed tree (it moves with the link in :meth:`to_device`; it is not
            saved).

    Raises:
        ValueError: If ``in_size`` is not a positive int, or the tree is malformed (see
            :class:`~kusari.functions.BinaryTreePaths`).
        TypeError: If a node of the tree is neither an int nor a pair.

    Example:
        >>> import numpy
        >>> from kusari.links import BinaryHierarchicalSoftmax
        >>> tree = BinaryHierarchicalSoftmax.create_huffman_tree({0: 8, 1: 5, 2: 6, 3: 4})
        >>> tree
        ((3, 1), (2, 0))
        >>> layer = BinaryHierarchicalSoftmax(2, tree)
        >>> layer.W.shape
        (3, 2)
        >>> layer.W.array[...] = 0
        >>> loss = layer(numpy.ones((2, 2), numpy.float32), numpy.array([0, 3]))
        >>> bool(numpy.isclose(loss.array, 4 * numpy.log(2)))  # depth 2, two words
        True
    """

    W: Parameter
    paths: BinaryTreePaths

    def __init__(self, in_size: int, tree: BinaryTree, dtype: npt.DTypeLike | None = None) -> None:
        super().__init__()
        check_size("in_size", in_size)
        self.paths = BinaryTreePaths(tree)
        with self.init_scope():
            self.W = Parameter(Uniform(1.0, dtype=get_dtype(dtype)), (self.paths.n_nodes, in_size))

    def forward(self, x: VariableOrArray, t: VariableOrArray) -> Variable:
        """The loss of the inputs ``x`` for the target word ids ``t``, summed over the batch.

        Args:
            x: ``(B, in_size)`` input vectors, of ``W``'s dtype.
            t: ``(B,)`` integer target word ids, leaves of the tree.

        Returns:
            The scalar loss.

        Raises:
            ValueError: If an id of ``t`` is not a leaf of the tree (NumPy ``t``).
            kusari.graph.type_check.InvalidType: If ``x`` or ``t`` does not fit ``W``.
        """
        return binary_hierarchical_softmax(x, t, self.W, self.paths)

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray, t: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    def device_resident_accept(self, visitor: DeviceResidentsVisitor) -> None:
        """Describe ``W``, then the parsed tree, to a device visitor.

        Args:
            visitor: The visitor (see :class:`kusari.devices.DeviceResidentsVisitor`).
        """
        super().device_resident_accept(visitor)
        self.paths.device_resident_accept(visitor)

    @staticmethod
    def create_huffman_tree(word_counts: Mapping[_K, float]) -> Any:
        """Build the Huffman tree of a vocabulary: frequent words get short paths.

        The two least frequent subtrees are merged, the first taken becoming the left
        child, until one tree remains.  Ties go to the subtree holding the word that comes
        first in ``word_counts`` (Chainer's order, so the trees equal Chainer's).

        Args:
            word_counts: The count of each word; the words are the leaves (any hashable
                keys, though the link itself takes int ids).

        Returns:
            The tree of nested pairs (a single word for a one-word vocabulary).

        Raises:
            ValueError: If ``word_counts`` is empty.

        Example:
            >>> from kusari.links import BinaryHierarchicalSoftmax
            >>> BinaryHierarchicalSoftmax.create_huffman_tree({"a": 3, "b": 1, "c": 2, "d": 5})
            ('d', ('a', ('b', 'c')))
        """
        if not word_counts:
            raise ValueError("create_huffman_tree: word_counts is empty (no vocabulary)")
        # (count, rank, subtree): the rank breaks ties, and a merged subtree takes the
        # smaller rank of its two parts (Chainer's order).
        heap: list[tuple[float, int, object]] = [
            (count, rank, word) for rank, (word, count) in enumerate(word_counts.items())
        ]
        heapq.heapify(heap)
        while len(heap) > 1:
            count_left, rank_left, left = heapq.heappop(heap)
            count_right, rank_right, right = heapq.heappop(heap)
            merged = (count_left + count_right, min(rank_left, rank_right), (left, right))
            heapq.heappush(heap, merged)
        return heap[0][2]

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """``in_size`` and the number of inner nodes."""
        yield "in_size", self.W.shape[1]
        yield "n_nodes", self.paths.n_nodes
