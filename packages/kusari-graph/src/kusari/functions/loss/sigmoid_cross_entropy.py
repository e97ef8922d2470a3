"""Sigmoid cross entropy, the multi-label classification loss (:func:`sigmoid_cross_entropy`)."""

from __future__ import annotations

from typing import Any, Final, Literal, final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from ..activation.sigmoid import sigmoid
from ..array import _shape_check
from ..array.broadcast_to import broadcast_to
from ..array.select_item import expect_labels

__all__ = ["SigmoidCrossEntropy", "sigmoid_cross_entropy"]

_IGNORE_LABEL: Final = -1
_REDUCE: Final = ("mean", "no")


def _compute_dtype(dtype: numpy.dtype[Any]) -> Any:
    return numpy.float32 if dtype == numpy.float16 else dtype


@final
class SigmoidCrossEntropy(FunctionNode):
    """``-(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x)))``, elementwise, with ignored labels.

    Args:
        normalize: Average over the non-ignored labels (else over the batch).
        reduce: ``"mean"`` or ``"no"``.
    """

    __slots__ = ("_coeff", "normalize", "reduce")

    def __init__(self, normalize: bool = True, reduce: str = "mean") -> None:
        self.normalize = normalize
        self.reduce = reduce

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` is floating point; ``t`` is an integer array of its shape."""
        type_check.argname(in_types, ("x", "t"))
        x_type, t_type = in_types
        type_check.expect(x_type.dtype.kind == "f")
        expect_labels(t_type)
        type_check.expect(x_type.shape == t_type.shape)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """The losses, reduced (both inputs are retained for backward)."""
        self.retain_inputs((0, 1))
        x, t = inputs
        xp = _shape_check.xp_of(x)
        compute = _compute_dtype(x.dtype)
        xc = x.astype(compute, copy=False)
        valid = t != _IGNORE_LABEL
        # log(1 + exp(-|x|)) - x * (t - [x >= 0]), stable for large |x|.
        loss = xp.exp(-abs(xc))
        xp.log1p(loss, out=loss)
        loss -= xc * (t - (xc >= 0))
        loss *= valid
        if self.reduce == "no":
            return (loss.astype(x.dtype, copy=False),)
        if self.normalize:
            count = valid.sum()
        else:
            count = xp.asarray(x.shape[0] if x.ndim else 1)
        coeff = 1 / xp.maximum(count, 1).astype(compute)
        self._coeff = coeff
        return (xp.asarray(loss.sum() * coeff, dtype=x.dtype),)

    def _scale(self, t: Array, dtype: Any) -> Array:
        """The factor of each element's gradient: the mask, times the mean's coefficient."""
        mask: Array = (t != _IGNORE_LABEL).astype(dtype)
        if self.reduce == "mean":
            mask *= self._coeff.astype(dtype)
        return mask

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``(sigmoid(x) - t) * mask * gy`` (divided by the count for ``"mean"``)."""
        x, _ = self.get_retained_inputs()
        t = self.retained_input_array(1)
        gy = _utils.first_grad(grad_outputs)
        if self.reduce == "mean":
            gy = broadcast_to(gy, x.shape)
        diff = sigmoid(x) - t.astype(x.dtype)
        return (diff * (gy * self._scale(t, x.dtype)), None)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``(sigmoid(x) - t) * mask * gy`` (divided by the count for ``"mean"``)."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        t = self.retained_input_array(1)
        xp = _shape_check.xp_of(x)
        dtype = x.dtype.type
        gx = x * dtype(0.5)
        xp.tanh(gx, out=gx)
        gx *= dtype(0.5)
        gx += dtype(0.5)
        gx -= t
        gx *= self._scale(t, x.dtype)
        gx *= gy
        return (gx, None)


def sigmoid_cross_entropy(
    x: VariableOrArray,
    t: VariableOrArray,
    normalize: bool = True,
    reduce: Literal["mean", "no"] = "mean",
) -> Variable:
    """Cross entropy of independent binary labels under a sigmoid.

    The loss of each element is ``-(t log p + (1 - t) log(1 - p))`` with
    ``p = sigmoid(x)``, computed stably from ``x``.  Elements with label ``-1`` are ignored
    (their loss and gradient are 0).

    Args:
        x: The logits (floating point).
        t: Integer labels (0, 1, or -1 to ignore) of ``x``'s shape.
        normalize: With ``reduce="mean"``, divide the summed loss by the number of
            non-ignored labels; else by the batch size ``x.shape[0]``.
        reduce: ``"mean"`` gives a scalar; ``"no"`` the loss per element.

    Returns:
        The loss, of ``x``'s dtype.

    Raises:
        ValueError: If ``reduce`` is not ``"mean"`` or ``"no"``.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point, ``t`` is not
            an integer array, or the shapes differ.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[0.0, 2.0], [-1.0, 5.0]], numpy.float32)
        >>> t = numpy.array([[1, 1], [0, -1]])
        >>> round(float(F.sigmoid_cross_entropy(x, t).array), 4)
        0.3778
        >>> F.sigmoid_cross_entropy(x, t, reduce="no").shape
        (2, 2)
    """
    if reduce not in _REDUCE:
        raise ValueError(f"only 'mean' and 'no' are valid for 'reduce', but {reduce!r} is given")
    if isinstance(t, Variable):
        t = t.array  # type: ignore[assignment]
    return SigmoidCrossEntropy(normalize, reduce).apply((x, t))[0]
