"""``CRF1d``: a linear-chain conditional random field with learnable transition costs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy

from kusari.devices import Array, get_array_module
from kusari.functions import argmax_crf1d, crf1d, get_item, transpose_sequence
from kusari.graph import Variable, VariableOrArray
from kusari.initializers import Zero, get_initializer

from .._link import Link
from .._parameter import Parameter, ParameterInitializer
from ..connection._args import check_size

__all__ = ["CRF1d"]


def _length(value: VariableOrArray, what: str, index: int) -> int:
    shape = value.shape
    if len(shape) == 0 or shape[0] == 0:
        raise ValueError(f"CRF1d: {what}[{index}] must be a non-empty sequence, got shape {shape}")
    return int(shape[0])


def _longest_first(xs: Sequence[VariableOrArray]) -> list[int]:
    """The order that sorts the sequences by decreasing length (ties keep their order)."""
    lengths = [_length(x, "xs", i) for i, x in enumerate(xs)]
    return sorted(range(len(xs)), key=lambda i: -lengths[i])


def _time_major_labels(ys: Sequence[Array]) -> list[Array]:
    """``transpose_sequence`` for label arrays (no graph needed)."""
    xp: Any = get_array_module(ys[0])
    return [xp.concatenate([y[t : t + 1] for y in ys if len(y) > t]) for t in range(len(ys[0]))]


class CRF1d(Link):
    """A linear-chain CRF loss layer, holding the ``(n_label, n_label)`` transition costs.

    Wraps :func:`~kusari.functions.crf1d` (the negative log-likelihood of label
    sequences) and :func:`~kusari.functions.argmax_crf1d` (the best label sequences).
    By default the inputs are time-major, as those functions take them: ``xs[t]`` is the
    ``(B_t, n_label)`` scores of step ``t`` of the ``B_t`` sequences still running, sorted
    by decreasing length.  With ``transpose=True`` they are batch-major instead, one
    ``(L_b, n_label)`` array per sequence in any order, and the link sorts and transposes
    them (and returns results in the order given).

    Args:
        n_label: The number of labels.
        initial_cost: The initializer of :attr:`cost`; zeros by default.
        transpose: The default of the ``transpose`` argument of :meth:`forward` and
            :meth:`argmax` (``transpose=True`` there always wins).  Chainer 7.8.1's
            constructor has no such argument.

    Attributes:
        cost: The transition scores: ``cost[i, j]`` is added when label ``j`` follows
            label ``i``.
        transpose: The default input layout (see above).

    Raises:
        ValueError: If ``n_label`` is not a positive int.

    Example:
        >>> import numpy
        >>> from kusari.links import CRF1d
        >>> crf = CRF1d(2)
        >>> xs = [numpy.array([[2, 0], [0, 1]], "f"), numpy.array([[0, 3]], "f")]
        >>> loss = crf(xs, [numpy.array([0, 1]), numpy.array([1])], transpose=True)
        >>> loss.shape
        ()
        >>> score, path = crf.argmax(xs, transpose=True)
        >>> score.array.tolist(), [p.tolist() for p in path]
        ([3.0, 3.0], [[0, 1], [1]])
    """

    cost: Parameter
    transpose: bool

    def __init__(
        self, n_label: int, initial_cost: ParameterInitializer = None, transpose: bool = False
    ) -> None:
        super().__init__()
        check_size("n_label", n_label)
        self.transpose = bool(transpose)
        initializer = Zero() if initial_cost is None else get_initializer(initial_cost)
        with self.init_scope():
            self.cost = Parameter(initializer, (n_label, n_label))

    def forward(
        self,
        xs: Sequence[VariableOrArray],
        ys: Sequence[VariableOrArray],
        reduce: Literal["mean", "no"] = "mean",
        transpose: bool = False,
    ) -> Variable:
        """The negative log-likelihood of the label sequences ``ys``.

        Args:
            xs: The label scores: time-major (see the class), or with ``transpose`` one
                ``(L_b, n_label)`` array per sequence.
            ys: The integer labels, laid out like ``xs``.
            reduce: ``"mean"`` averages over the sequences, ``"no"`` gives one loss per
                sequence (with ``transpose``, in the order of ``xs``; Chainer returns them
                sorted by length).
            transpose: Whether ``xs`` and ``ys`` are batch-major.

        Returns:
            The loss.

        Raises:
            ValueError: If ``reduce`` is unknown, or (batch-major) ``xs`` and ``ys`` differ
                in number or lengths, or a sequence is empty.
            kusari.graph.type_check.InvalidType: If the shapes or dtypes do not fit.
        """
        if not (transpose or self.transpose):
            return crf1d(self.cost, xs, ys, reduce)
        if len(xs) != len(ys):
            raise ValueError(
                f"CRF1d: xs and ys must hold one sequence each per batch entry, got {len(xs)} "
                f"and {len(ys)}"
            )
        order = _longest_first(xs)
        labels = [_label_array(y) for y in ys]
        for i, (x, y) in enumerate(zip(xs, labels, strict=True)):
            if len(y) != x.shape[0]:
                raise ValueError(
                    f"CRF1d: ys[{i}] must have one label per step of xs[{i}], got {len(y)} "
                    f"labels for {x.shape[0]} steps"
                )
        steps = transpose_sequence([xs[i] for i in order])
        loss = crf1d(self.cost, steps, _time_major_labels([labels[i] for i in order]), reduce)
        if reduce == "no":
            restore = numpy.argsort(numpy.array(order))
            return get_item(loss, loss.xp.asarray(restore))
        return loss

    def argmax(
        self, xs: Sequence[VariableOrArray], transpose: bool = False
    ) -> tuple[Variable, list[Array]]:
        """The best label sequences and their scores (Viterbi).

        Args:
            xs: The label scores, laid out as in :meth:`forward`.
            transpose: Whether ``xs`` is batch-major.

        Returns:
            ``(score, path)``: the best score of each sequence (a Variable without a graph)
            and the labels: time-major by default, or with ``transpose`` one ``(L_b,)``
            array per sequence.  With ``transpose`` both follow the order of ``xs``
            (Chainer returns the scores sorted by length but the paths in order).

        Raises:
            ValueError: If ``xs`` is empty or (batch-major) a sequence is empty.
            kusari.graph.type_check.InvalidType: If the shapes or dtypes do not fit.
        """
        if not (transpose or self.transpose):
            return argmax_crf1d(self.cost, xs)
        order = _longest_first(xs)
        steps = transpose_sequence([xs[i] for i in order])
        score, path = argmax_crf1d(self.cost, steps)
        restore = numpy.argsort(numpy.array(order))
        sequences = _time_major_labels(path) if path else []
        xp: Any = score.xp
        best = Variable(score.array[xp.asarray(restore)], requires_grad=False)  # type: ignore[index]
        return best, [sequences[i] for i in restore.tolist()]

    if TYPE_CHECKING:

        def __call__(
            self,
            xs: Sequence[VariableOrArray],
            ys: Sequence[VariableOrArray],
            reduce: Literal["mean", "no"] = "mean",
            transpose: bool = False,
        ) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """``n_label``."""
        yield "n_label", self.cost.shape[0]


def _label_array(y: VariableOrArray) -> Array:
    if isinstance(y, Variable):
        array = y.array
        if array is None:
            raise ValueError("CRF1d: a label Variable of ys is uninitialized")
        return array
    return y
