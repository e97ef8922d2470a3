"""Log of the sum of exponentials (:func:`logsumexp`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..array.reshape import reshape
from . import _helpers
from .exp import exp

__all__ = ["LogSumExp", "logsumexp"]


@final
class LogSumExp(FunctionNode):
    """``log(sum(exp(x), axis))``, computed relative to the maximum.

    Args:
        axis: The axes to reduce (normalized, sorted), or ``None`` for all.
    """

    __slots__ = ("axis",)
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, axis: tuple[int, ...] | None = None) -> None:
        self.axis = axis

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Reduce (the input and the output are retained for backward)."""
        self.retain_inputs((0,))
        self.retain_outputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        m = xp.asarray(x.max(axis=self.axis, keepdims=True))
        # An all -inf slice has no finite maximum to subtract; its sum is 0 either way.
        m[~xp.isfinite(m)] = 0
        s = xp.exp(x - m).sum(axis=self.axis, keepdims=True)
        y = xp.log(s)
        y += m
        return (y.reshape([n for i, n in enumerate(x.shape) if not _reduced(self.axis, i)]),)

    def _kept(self) -> tuple[int, ...]:
        return _helpers.kept_shape(self.inputs[0].shape, self.axis)  # type: ignore[arg-type]

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * exp(x - y)`` (the softmax over the reduced axes)."""
        (x,) = self.get_retained_inputs()
        (y,) = self.get_retained_outputs()
        kept = self._kept()
        gy = reshape(_utils.first_grad(grad_outputs), kept)
        return (gy * exp(x - reshape(y, kept)),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * exp(x - y)``."""
        gy = grad_outputs[0]
        y = self.output_data[0]
        assert gy is not None
        assert y is not None
        x = self.retained_input_array(0)
        kept = self._kept()
        g = x - y.reshape(kept)
        g = _helpers.array_module(x).exp(g, out=_helpers.out(g))
        g *= gy.reshape(kept)
        return (g,)


def _reduced(axis: tuple[int, ...] | None, i: int) -> bool:
    return axis is None or i in axis


def logsumexp(x: VariableOrArray, axis: int | tuple[int, ...] | None = None) -> Variable:
    """``log(sum(exp(x), axis))``, without overflow for large inputs.

    Args:
        x: A floating point input.
        axis: The axis or axes to reduce; all when ``None``.

    Returns:
        The reduced values (the reduced axes are removed).

    Raises:
        TypeError: If ``axis`` is not None, an int or a tuple of ints.
        ValueError: If an axis is repeated.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point or an axis is
            out of range.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.logsumexp(numpy.array([[1000.0, 1000.0], [0.0, 0.0]]), axis=1)
        >>> numpy.allclose(y.array, [1000.0 + numpy.log(2.0), numpy.log(2.0)])
        True
    """
    axes = _helpers.check_axes("LogSumExp", _helpers.ndim_of(x), axis)
    return LogSumExp(axes).apply((x,))[0]
