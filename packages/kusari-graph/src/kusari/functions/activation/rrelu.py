"""Randomized leaky ReLU (:func:`rrelu`)."""

from __future__ import annotations

from typing import Literal, final, overload

from kusari.devices import Array, is_array
from kusari.graph import FunctionNode, Variable, VariableOrArray, config
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..math import _helpers

__all__ = ["RReLU", "rrelu"]


@final
class RReLU(FunctionNode):
    """``x`` where ``x >= 0``, else ``r * x`` for a given array of slopes ``r``.

    Args:
        r: The slopes, of the input's shape and dtype.
    """

    __slots__ = ("r",)
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, r: Array) -> None:
        self.r = r

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Apply (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        if self.r.shape != x.shape:
            raise ValueError(f"r has shape {self.r.shape}, but x has shape {x.shape}")
        if self.r.dtype != x.dtype:
            self.r = self.r.astype(x.dtype)
        return (_helpers.array_module(x).where(x >= 0, x, x * self.r),)

    def _slopes(self) -> Array:
        x = self.retained_input_array(0)
        return _helpers.array_module(x).where(x >= 0, x.dtype.type(1), self.r)  # type: ignore[no-any-return]

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy`` where ``x >= 0``, else ``r * gy`` (a constant map)."""
        return (_utils.first_grad(grad_outputs) * self._slopes(),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy`` where ``x >= 0``, else ``r * gy``."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * self._slopes(),)


@overload
def rrelu(
    x: VariableOrArray,
    l: float = ...,  # noqa: E741  (Chainer's name)
    u: float = ...,
    *,
    r: Array | None = ...,
    return_r: Literal[False] = ...,
) -> Variable: ...


@overload
def rrelu(
    x: VariableOrArray,
    l: float = ...,  # noqa: E741
    u: float = ...,
    *,
    r: Array | None = ...,
    return_r: Literal[True],
) -> tuple[Variable, Array]: ...


def rrelu(
    x: VariableOrArray,
    l: float = 1.0 / 8,  # noqa: E741
    u: float = 1.0 / 3,
    *,
    r: Array | None = None,
    return_r: bool = False,
) -> Variable | tuple[Variable, Array]:
    """Randomized leaky ReLU: ``x`` for ``x >= 0``, else ``r * x``.

    In training mode (``config.train``) each element gets its own slope ``r`` drawn
    uniformly from ``[l, u)`` (``numpy.random.uniform``, so seeding ``numpy.random``
    reproduces Chainer); outside training mode ``r = (l + u) / 2`` everywhere.  A given
    ``r`` is used in both modes.  The gradient at 0 is 1.

    Args:
        x: A floating point input.
        l: The lower bound of the slopes.
        u: The upper bound of the slopes; it must be larger than ``l``.
        r: Slopes to use instead of drawing them (of the shape of ``x``).
        return_r: Return the slopes as well.

    Returns:
        The output, or ``(output, r)`` when ``return_r`` is true.

    Raises:
        ValueError: If ``l >= u``, or ``r`` has another shape than ``x``.
        TypeError: If ``l`` or ``u`` is not a number, or ``r`` is not an array.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> from kusari.graph import using_config
        >>> x = numpy.array([-2.0, 3.0], numpy.float32)
        >>> with using_config("train", False):
        ...     F.rrelu(x, l=0.25, u=0.75).array.tolist()
        [-1.0, 3.0]
    """
    low = _helpers.check_float(l, "l")
    high = _helpers.check_float(u, "u")
    if not low < high:
        raise ValueError(f"lower must be less than upper, got l={low}, u={high}")
    if r is None:
        array = x.array if isinstance(x, Variable) else x
        if array is None:
            raise RuntimeError("rrelu: the input Variable is uninitialized")
        xp = _helpers.array_module(array)
        if config.train:
            r = xp.random.uniform(low, high, array.shape).astype(array.dtype)
        else:
            r = xp.full(array.shape, (low + high) / 2, dtype=array.dtype)
    elif not is_array(r):
        raise TypeError(f"r must be an array or None, got {type(r).__name__}")
    node = RReLU(r)
    (y,) = node.apply((x,))
    return (y, node.r) if return_r else y
