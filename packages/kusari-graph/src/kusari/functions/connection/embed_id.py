"""Embedding lookup (:func:`embed_id`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array, get_array_module
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils

__all__ = ["EmbedIDFunction", "EmbedIDGrad", "embed_id"]


def _lookup(x: Array, W: Array, ignore_label: int | None) -> Array:
    xp = get_array_module(x, W)
    if ignore_label is None:
        return W.take(x, axis=0)
    ignored = x == ignore_label
    y = W.take(xp.where(ignored, 0, x), axis=0)
    y[ignored] = 0
    return y  # type: ignore[no-any-return]


def _scatter_rows(x: Array, gy: Array, n_rows: int, ignore_label: int | None) -> Array:
    """``gW[i] = sum of gy[j] over x[j] == i`` (rows of ``ignore_label`` are dropped)."""
    xp = get_array_module(x, gy)
    ids = x.ravel()
    rows = gy.reshape(ids.size, gy.shape[-1])
    if ignore_label is not None:
        kept = ids != ignore_label
        ids, rows = ids[kept], rows[kept]
    gw = xp.zeros((n_rows, rows.shape[1]), gy.dtype)
    if ids.size == 0:
        return gw  # type: ignore[no-any-return]
    if xp is numpy:
        # Sorting and one segmented sum beats numpy.add.at by 1.3x to 6x; when no id repeats
        # (the common case of a small batch and a large vocabulary), a plain row assignment
        # is 3x faster still.
        order = numpy.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        changes = sorted_ids[1:] != sorted_ids[:-1]
        if changes.all():
            gw[ids] = rows
        else:
            starts = numpy.flatnonzero(changes)
            starts += 1
            starts = numpy.concatenate(([0], starts))
            gw[sorted_ids[starts]] = numpy.add.reduceat(rows[order], starts, axis=0)
    else:
        import cupyx

        cupyx.scatter_add(gw, ids, rows)
    return gw  # type: ignore[no-any-return]


def _check_ids(x: Array, n_vocab: int, ignore_label: int | None) -> None:
    if type(x) is not numpy.ndarray or x.size == 0:
        return  # on a GPU the check would synchronize; CuPy's take wraps around instead
    ids = x if ignore_label is None else x[x != ignore_label]
    if ids.size == 0:
        return
    low, high = int(ids.min()), int(ids.max())
    if low < 0 or high >= n_vocab:
        bad = low if low < 0 else high
        raise ValueError(
            f"embed_id: every id in x must satisfy 0 <= id < len(W) = {n_vocab}"
            + ("" if ignore_label is None else f" or equal ignore_label ({ignore_label})")
            + f", got {bad}"
        )


@final
class EmbedIDFunction(FunctionNode):
    """``W[x]``: the rows of ``W`` selected by the integer ids ``x``.

    Args:
        ignore_label: An id whose output rows are zeros (and that gets no gradient).
    """

    __slots__ = ("_n_vocab", "ignore_label")

    def __init__(self, ignore_label: int | None = None) -> None:
        self.ignore_label = ignore_label
        self._n_vocab = 0

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` holds integers; ``W`` is a floating point matrix."""
        type_check.expect(in_types.size() == 2)
        type_check.argname(in_types, ("x", "W"))
        x_type, w_type = in_types
        type_check.expect(
            x_type.dtype.kind == "i",
            w_type.dtype.kind == "f",
            w_type.ndim == 2,
        )

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Gather rows (``x`` is retained for backward)."""
        self.retain_inputs((0,))
        x, W = inputs
        self._n_vocab = W.shape[0]
        _check_ids(x, W.shape[0], self.ignore_label)
        return (_lookup(x, W, self.ignore_label),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Scatter-add the output gradient into the rows of ``W`` (``x`` gets none)."""
        gy = _utils.first_grad(grad_outputs)
        (x,) = self.get_retained_inputs()
        grad = EmbedIDGrad(self._n_vocab, self.ignore_label)
        return (None, grad.apply((x, gy))[0])

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Scatter-add the output gradient into the rows of ``W`` (``x`` gets none)."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        return (None, _scatter_rows(x, gy, self._n_vocab, self.ignore_label))


@final
class EmbedIDGrad(FunctionNode):
    """The gradient of :class:`EmbedIDFunction` with respect to ``W``, from ``(x, gy)``.

    Args:
        n_vocab: The number of rows of ``W``.
        ignore_label: The ignored id.
    """

    __slots__ = ("ignore_label", "n_vocab")

    def __init__(self, n_vocab: int, ignore_label: int | None) -> None:
        self.n_vocab = n_vocab
        self.ignore_label = ignore_label

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Scatter-add ``gy`` into ``n_vocab`` rows."""
        self.retain_inputs((0,))
        x, gy = inputs
        return (_scatter_rows(x, gy, self.n_vocab, self.ignore_label),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Gather: ``embed_id(x, ggW)``."""
        ggw = _utils.first_grad(grad_outputs)
        (x,) = self.get_retained_inputs()
        return (None, EmbedIDFunction(self.ignore_label).apply((x, ggw))[0])


def embed_id(
    x: VariableOrArray,
    W: VariableOrArray,
    ignore_label: int | None = None,
) -> Variable:
    """Embedding lookup: ``y[...] = W[x[...]]``.

    The output has shape ``x.shape + (W.shape[1],)``.  In backward, the gradients of the
    rows selected several times add up; ``x`` gets no gradient.

    Args:
        x: The ids, a signed integer array of any shape.
        W: The embedding matrix, ``(n_vocab, dim)``.
        ignore_label: If given, positions where ``x == ignore_label`` give zero vectors and
            no gradient.

    Returns:
        The embeddings, ``(*x.shape, dim)``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not a signed integer array or ``W``
            is not a floating point matrix.
        ValueError: If an id (other than ``ignore_label``) is negative or ``>= len(W)``
            (checked for NumPy inputs).

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> W = numpy.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], numpy.float32)
        >>> F.embed_id(numpy.array([2, 0, -1]), W, ignore_label=-1).array.tolist()
        [[4.0, 5.0], [0.0, 1.0], [0.0, 0.0]]
    """
    return EmbedIDFunction(ignore_label).apply((x, W))[0]
