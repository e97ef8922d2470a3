"""Connectionist temporal classification (:func:`connectionist_temporal_classification`).

The loss of a label sequence is ``-log p(labels | x)``, the probability summed over every
frame-level alignment that collapses to the labels (repeats merged, blanks removed).  The
forward pass runs the forward (alpha) recursion in log space over the extended label
sequence ``blank, l_1, blank, l_2, ..., blank``; the first-order backward pass adds the
backward (beta) recursion and returns ``softmax(x) - posterior`` (Graves et al., 2006).
Double backprop differentiates the same recursion written with differentiable functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal, final

import numpy
import numpy.typing as npt

from kusari.devices import Array, is_array, to_cpu
from kusari.graph import FunctionNode, Variable, VariableOrArray, grad, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..activation.log_softmax import log_softmax, log_softmax_array
from ..array import _shape_check
from ..array.cast import cast
from ..array.concat import concat
from ..array.get_item import get_item
from ..array.select_item import expect_labels
from ..array.stack import stack
from ..array.where import where
from ..math.logsumexp import logsumexp
from ..math.sum import sum as _sum
from ._checks import array_of, check_reduce

__all__ = ["ConnectionistTemporalClassification", "connectionist_temporal_classification"]

_REDUCE: Final = ("mean", "no")
_HostInts = npt.NDArray[numpy.int64]


def _work_dtype(dtype: numpy.dtype[Any]) -> numpy.dtype[Any]:
    # float16 would lose the log-probabilities of long sequences; compute in float32.
    return numpy.dtype(numpy.float32) if dtype == numpy.float16 else dtype


@final
class ConnectionistTemporalClassification(FunctionNode):
    """The CTC loss of each sequence of a batch, from time-major activations.

    The input is the ``(T, B, V)`` stack of unnormalized activations; the output is the
    ``(B,)`` losses.  Infeasible samples (labels that need more frames than the input
    has) get an infinite loss and a zero gradient.

    Args:
        labels: The ``(B, L)`` labels, on the device of the input (padding past
            ``label_length`` is ignored).
        blank_symbol: The index of the blank class.
        input_length: The number of valid frames of each sample (host array).
        label_length: The number of valid labels of each sample (host array).
    """

    __slots__ = (
        "_alpha",
        "_ext",
        "_logy",
        "_logz",
        "_skip",
        "blank_symbol",
        "input_length",
        "label_length",
        "labels",
    )

    def __init__(
        self, labels: Array, blank_symbol: int, input_length: _HostInts, label_length: _HostInts
    ) -> None:
        self.labels = labels
        self.blank_symbol = blank_symbol
        self.input_length = input_length
        self.label_length = label_length

    def _extended(self, xp: Any) -> tuple[Array, Array]:
        """The extended labels ``(B, 2L + 1)`` and where a label may skip the blank before it."""
        batch, n_labels = self.labels.shape
        blank = self.blank_symbol
        ext = xp.full((batch, 2 * n_labels + 1), blank, numpy.int64)
        valid = xp.arange(n_labels)[None, :] < xp.asarray(self.label_length)[:, None]
        ext[:, 1::2] = xp.where(valid, self.labels, blank)
        skip = xp.zeros(ext.shape, bool)
        skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
        return ext, skip

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """The alpha recursion in log space; the alphas are kept for backward."""
        self.retain_inputs((0,))
        (x,) = inputs
        xp = _shape_check.xp_of(x)
        logy = log_softmax_array(x.astype(_work_dtype(x.dtype), copy=False), 2)
        ext, skip = self._extended(xp)
        n_steps, batch, _ = x.shape
        logy_e = logy[:, xp.arange(batch)[:, None], ext]
        alpha = xp.full(logy_e.shape, -numpy.inf, logy.dtype)
        alpha[0, :, :2] = logy_e[0, :, :2]
        for t in range(1, n_steps):
            prev = alpha[t - 1]
            cur = alpha[t]
            cur[...] = prev
            xp.logaddexp(cur[:, 1:], prev[:, :-1], out=cur[:, 1:])
            two = xp.where(skip[:, 2:], prev[:, :-2], -numpy.inf)
            xp.logaddexp(cur[:, 2:], two, out=cur[:, 2:])
            cur += logy_e[t]
        rows = numpy.arange(batch)
        last_t = numpy.maximum(self.input_length - 1, 0)
        last_s = 2 * self.label_length
        end = alpha[xp.asarray(last_t), xp.asarray(rows), xp.asarray(last_s)]
        before = alpha[
            xp.asarray(last_t), xp.asarray(rows), xp.asarray(numpy.maximum(last_s - 1, 0))
        ]
        has_labels = xp.asarray(self.label_length > 0)
        logz = xp.logaddexp(end, xp.where(has_labels, before, -numpy.inf))
        empty = xp.asarray(self.input_length == 0)
        logz = xp.where(empty, xp.where(has_labels, -numpy.inf, 0.0), logz).astype(logy.dtype)
        self._logy, self._ext, self._skip, self._alpha, self._logz = logy, ext, skip, alpha, logz
        return ((-logz).astype(x.dtype),)

    def _beta(self, xp: Any) -> Array:
        """The beta recursion: ``beta[t, b, s]`` sums the paths after frame ``t`` from ``s``."""
        logy, ext, skip = self._logy, self._ext, self._skip
        n_steps, batch, n_states = self._alpha.shape
        logy_e = logy[:, xp.arange(batch)[:, None], ext]
        last_s = 2 * self.label_length
        init = numpy.full((batch, n_states), -numpy.inf, logy.dtype)
        init[numpy.arange(batch), last_s] = 0.0
        with_labels = numpy.flatnonzero(self.label_length > 0)
        init[with_labels, last_s[with_labels] - 1] = 0.0
        init_d = xp.asarray(init)
        last_t = self.input_length - 1
        beta = xp.full(logy_e.shape, -numpy.inf, logy.dtype)
        for t in range(n_steps - 1, -1, -1):
            at_end = xp.asarray(last_t == t)[:, None]
            if t == n_steps - 1:
                beta[t] = xp.where(at_end, init_d, -numpy.inf)
                continue
            nxt = beta[t + 1] + logy_e[t + 1]
            rec = nxt.copy()
            xp.logaddexp(rec[:, :-1], nxt[:, 1:], out=rec[:, :-1])
            two = xp.where(skip[:, 2:], nxt[:, 2:], -numpy.inf)
            xp.logaddexp(rec[:, :-2], two, out=rec[:, :-2])
            # Samples whose last frame is after t recurse; the one ending at t starts.
            beta[t] = xp.where(at_end, init_d, rec)
        return beta  # type: ignore[no-any-return]

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``(softmax(x) - posterior) * gy`` on the valid frames of feasible samples."""
        gy = grad_outputs[0]
        assert gy is not None
        xp = _shape_check.xp_of(gy)
        logy, ext, logz = self._logy, self._ext, self._logz
        n_steps, batch, _ = logy.shape
        feasible = xp.isfinite(logz)
        log_gamma = self._alpha + self._beta(xp)
        log_gamma -= xp.where(feasible, logz, 0.0)[None, :, None]
        gamma = xp.exp(log_gamma)
        posterior = xp.zeros_like(logy)
        posterior[:, :, self.blank_symbol] = gamma[:, :, 0::2].sum(axis=2)
        rows = xp.arange(batch)
        for s in range(1, ext.shape[1], 2):
            posterior[:, rows, ext[:, s]] += gamma[:, :, s]
        gx = xp.exp(logy)
        gx -= posterior
        frames = xp.arange(n_steps)[:, None] < xp.asarray(self.input_length)[None, :]
        scale = xp.where(frames & feasible[None, :], gy.astype(logy.dtype)[None, :], 0.0)
        gx *= scale[:, :, None]
        return (gx.astype(gy.dtype, copy=False),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The gradient of the differentiable recursion (used for double backprop)."""
        (x,) = self.get_retained_inputs()
        gy = grad_outputs[0]
        assert gy is not None
        losses = self._differentiable_loss(x)
        (gx,) = grad([losses], [x], [gy], enable_double_backprop=True)
        return (gx,)

    def _differentiable_loss(self, x: Variable) -> Variable:
        """The losses of :meth:`forward`, written with differentiable functions.

        Log zero is a large finite negative number here: ``logsumexp`` of only
        ``-inf`` values has no gradient.
        """
        array = x.array
        assert array is not None
        xp = _shape_check.xp_of(array)
        work = _work_dtype(array.dtype)
        neg = float(numpy.finfo(work).min) / 8
        n_steps, batch, _ = array.shape
        ext, skip = self._extended(xp)
        n_states = ext.shape[1]
        logy = log_softmax(x if work == array.dtype else cast(x, work), axis=2)
        logy_e = get_item(logy, (slice(None), xp.arange(batch)[:, None], ext))
        state = xp.arange(n_states)[None, :]
        alpha = logy_e[0] + xp.where(state < 2, 0.0, neg).astype(work)
        skip_penalty = xp.where(skip[:, 2:], 0.0, neg).astype(work)
        ends = xp.asarray(self.input_length)[:, None]
        for t in range(1, n_steps):
            terms = [alpha]
            if n_states > 1:
                terms.append(concat((xp.full((batch, 1), neg, work), alpha[:, :-1]), axis=1))
            if n_states > 2:
                skipped = alpha[:, :-2] + skip_penalty
                terms.append(concat((xp.full((batch, 2), neg, work), skipped), axis=1))
            new = logsumexp(stack(terms), axis=0) + logy_e[t]
            alpha = where(t < ends, new, alpha)
        rows = xp.arange(batch)
        last_s = xp.asarray(2 * self.label_length)
        end = get_item(alpha, (rows, last_s))
        before = get_item(alpha, (rows, xp.maximum(last_s - 1, 0)))
        before = before + xp.where(xp.asarray(self.label_length > 0), 0.0, neg).astype(work)
        losses = -logsumexp(stack((end, before)), axis=0)
        return losses if work == array.dtype else cast(losses, array.dtype)


def _lengths(
    value: VariableOrArray | None, name: str, batch: int, limit: int, limit_name: str
) -> _HostInts:
    """A length per sample, on the host, checked against ``[0, limit]``."""
    if value is None:
        return numpy.full(batch, limit, numpy.int64)
    if not (isinstance(value, Variable) or is_array(value)):
        raise TypeError(f"{name} must be an integer array, got {type(value).__name__}")
    host = to_cpu(array_of(value))
    if host.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an integer array, got dtype {host.dtype}")
    if host.shape != (batch,):
        raise ValueError(
            f"{name} must have shape ({batch},), one length per sample, got {host.shape}"
        )
    if host.size and (host.min() < 0 or host.max() > limit):
        raise ValueError(
            f"{name} must lie in [0, {limit}] ({limit_name}), got values from "
            f"{host.min()} to {host.max()}"
        )
    return host.astype(numpy.int64)


def _check_labels(t: Array, label_length: _HostInts, blank: int, n_classes: int) -> None:
    host = to_cpu(t)
    used = host[numpy.arange(host.shape[1])[None, :] < label_length[:, None]]
    if used.size and (used.min() < 0 or used.max() >= n_classes):
        raise ValueError(
            f"the labels t must lie in [0, {n_classes}), got values from "
            f"{used.min()} to {used.max()}"
        )
    if (used == blank).any():
        raise ValueError(f"the labels t must not contain blank_symbol ({blank})")


def connectionist_temporal_classification(
    x: Sequence[VariableOrArray],
    t: VariableOrArray,
    blank_symbol: int,
    input_length: VariableOrArray | None = None,
    label_length: VariableOrArray | None = None,
    reduce: Literal["mean", "no"] = "mean",
) -> Variable:
    """The connectionist temporal classification (CTC) loss.

    For each sample ``b`` the loss is ``-log p(t[b] | x)``: the softmax over ``V`` classes
    gives a distribution per frame, and the probability of the labels sums that of every
    frame-level path that turns into them once repeated classes are merged and blanks
    removed.  No alignment between the frames and the labels is needed.

    Args:
        x: ``T`` arrays (or Variables) of shape ``(B, V)``, the unnormalized activations of
            each frame (floating point, one dtype).
        t: The ``(B, L)`` integer labels, each in ``[0, V)`` and not ``blank_symbol``.
        blank_symbol: The index of the blank class, in ``[0, V)``.
        input_length: The ``(B,)`` number of frames of each sample, in ``[0, T]``
            (default: ``T``); frames past it get no gradient.
        label_length: The ``(B,)`` number of labels of each sample, in ``[0, L]``
            (default: ``L``); labels past it are padding.
        reduce: ``"mean"`` averages the losses over the batch; ``"no"`` returns the
            ``(B,)`` losses.

    Returns:
        The loss, of ``x``'s dtype.  A sample whose labels cannot fit in its frames
        (each repeated label needs a blank between) has an infinite loss and no gradient.

    Raises:
        TypeError: If ``x`` is not a sequence, ``blank_symbol`` is not an int, or a length
            is not an integer array.
        ValueError: If ``reduce`` is unknown, ``x`` is empty, or ``blank_symbol``, a
            length or a label is out of range (or a label is the blank).
        kusari.graph.type_check.InvalidType: If the shapes or dtypes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = [numpy.zeros((1, 3)) for _ in range(2)]  # two frames, uniform over 3
        >>> t = numpy.array([[1]], numpy.int32)
        >>> loss = F.connectionist_temporal_classification(x, t, blank_symbol=0)
        >>> bool(numpy.isclose(loss.array, -numpy.log(3 / 9)))  # paths 1-, -1, 11
        True
    """
    check_reduce(reduce, _REDUCE)
    given: object = x  # checked at run time: Chainer code may pass one 3-D array
    if not isinstance(given, Sequence) or isinstance(given, str):
        raise TypeError(
            "x must be a sequence of (B, V) Variables or arrays, one per frame, "
            f"got {type(x).__name__}"
        )
    if not x:
        raise ValueError("x must hold at least one frame")
    if isinstance(blank_symbol, bool) or not isinstance(blank_symbol, (int, numpy.integer)):
        raise TypeError(f"blank_symbol must be an int, got {type(blank_symbol).__name__}")
    x_arrays = [array_of(v) for v in x]
    t_array = array_of(t)

    def check(in_types: TypeInfoTuple) -> None:
        x_type = in_types[0]
        type_check.expect(x_type.dtype.kind == "f", x_type.ndim == 2)
        for other in in_types[1:-1]:
            type_check.expect(other.dtype == x_type.dtype, other.shape == x_type.shape)
        t_type = in_types[-1]
        expect_labels(t_type)
        type_check.expect(t_type.ndim == 2, t_type.shape[0] == x_type.shape[0])

    _shape_check.run_type_check(check, [*x_arrays, t_array], "ConnectionistTemporalClassification")
    n_steps = len(x_arrays)
    batch, n_classes = x_arrays[0].shape
    n_labels = t_array.shape[1]
    blank = int(blank_symbol)
    if not 0 <= blank < n_classes:
        raise ValueError(f"blank_symbol must be in [0, {n_classes}), got {blank}")
    frames = _lengths(input_length, "input_length", batch, n_steps, "the number of frames")
    labels = _lengths(label_length, "label_length", batch, n_labels, "the number of labels")
    _check_labels(t_array, labels, blank, n_classes)
    device_labels = _shape_check.xp_of(x_arrays[0]).asarray(t_array)
    node = ConnectionistTemporalClassification(device_labels, blank, frames, labels)
    (losses,) = node.apply((stack(x),))
    if reduce == "no":
        return losses
    mean: Variable = _sum(losses) * (1.0 / batch)
    return mean
