"""Zoneout regularization of recurrent states (:func:`zoneout`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, as_variable, config
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..math import _helpers

__all__ = ["Zoneout", "zoneout"]


@final
class Zoneout(FunctionNode):
    """Keep ``h`` with probability ``ratio`` and take ``x`` otherwise, elementwise.

    Args:
        ratio: The probability of keeping the previous state.
    """

    __slots__ = ("flag", "ratio")
    input_spec = InputSpec("h", "x", kinds="f", same_dtype=True, same_shape=True)

    def __init__(self, ratio: float) -> None:
        self.ratio = ratio
        self.flag: Array | None = None

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Draw where ``x`` replaces ``h`` (``numpy.random.rand(*shape) >= ratio``)."""
        h, x = inputs
        xp = _helpers.array_module(h)
        flag = xp.random.rand(*h.shape) >= self.ratio
        self.flag = flag
        return (xp.where(flag, x, h),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy`` where each input was taken, 0 elsewhere."""
        gy = _utils.first_grad(grad_outputs)
        flag = self.flag
        assert flag is not None
        taken = flag.astype(gy.dtype)
        return tuple(gy * (1 - taken) if i == 0 else gy * taken for i in target_input_indexes)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy`` where each input was taken, 0 elsewhere."""
        gy = grad_outputs[0]
        flag = self.flag
        assert gy is not None
        assert flag is not None
        return tuple(gy * ~flag if i == 0 else gy * flag for i in target_input_indexes)


def zoneout(h: VariableOrArray, x: VariableOrArray, ratio: float = 0.5) -> Variable:
    """Zoneout: each element keeps its previous state ``h`` with probability ``ratio``.

    In training mode (``config.train``) the choice is drawn per element from
    ``numpy.random.rand`` (``cupy.random`` on a GPU): the output is ``x`` where the draw is
    at least ``ratio`` and ``h`` elsewhere.  Outside training mode the output is ``x`` (as a
    Variable; Chainer returns the raw array there).

    Args:
        h: The previous state.
        x: The new state, of the shape and dtype of ``h``.
        ratio: The probability of keeping ``h``, in ``[0, 1]``.

    Returns:
        The mixed state.

    Raises:
        ValueError: If ``ratio`` is outside ``[0, 1]``.
        TypeError: If ``ratio`` is not a number.
        kusari.graph.type_check.InvalidType: If the shapes or dtypes differ.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> h, x = numpy.zeros(4), numpy.ones(4)
        >>> y = F.zoneout(h, x, 0.5)
        >>> bool(numpy.all((y.array == 0) | (y.array == 1)))
        True
    """
    ratio = _helpers.check_float(ratio, "ratio")
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"zoneout ratio must be in the range [0, 1], got {ratio}")
    if not config.train:
        return as_variable(x)
    return Zoneout(ratio).apply((h, x))[0]
