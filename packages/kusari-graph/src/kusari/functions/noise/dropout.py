"""Dropout regularization (:func:`dropout`)."""

from __future__ import annotations

from typing import Literal, final, overload

from kusari.devices import Array, is_array
from kusari.graph import FunctionNode, Variable, VariableOrArray, as_variable, config
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..math import _helpers

__all__ = ["Dropout", "dropout", "dropout_mask"]


def dropout_mask(x: Array, ratio: float) -> Array:
    """A dropout mask for ``x``: 0 with probability ``ratio``, else ``1 / (1 - ratio)``.

    The draws come from the array module's global generator (``numpy.random.rand``), in the
    order Chainer uses, so seeding ``numpy.random`` reproduces Chainer's masks.

    Args:
        x: The array the mask is for (its shape and dtype are used).
        ratio: The dropout ratio, in ``[0, 1)``.

    Returns:
        The mask, of the shape and dtype of ``x``.
    """
    xp = _helpers.array_module(x)
    keep = xp.random.rand(*x.shape) >= ratio
    scale = x.dtype.type(1.0 / (1.0 - ratio))
    return keep * scale  # type: ignore[no-any-return]


@final
class Dropout(FunctionNode):
    """``x * mask``; the mask holds 0 (dropped) or ``1 / (1 - ratio)`` (kept).

    Args:
        ratio: The dropout ratio.
        mask: A given mask (of the input's shape and dtype), or ``None`` to draw one.
    """

    __slots__ = ("mask", "ratio")
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, ratio: float, mask: Array | None = None) -> None:
        self.ratio = ratio
        self.mask = mask

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Apply the mask, drawing it first if none was given."""
        (x,) = inputs
        mask = self.mask
        if mask is None:
            mask = dropout_mask(x, self.ratio)
            self.mask = mask
        elif mask.shape != x.shape:
            raise ValueError(f"mask has shape {mask.shape}, but x has shape {x.shape}")
        elif mask.dtype != x.dtype:
            mask = mask.astype(x.dtype)
            self.mask = mask
        return (x * mask,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * mask``."""
        mask = self.mask
        assert mask is not None
        return (_utils.first_grad(grad_outputs) * mask,)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * mask``."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * self.mask,)


@overload
def dropout(
    x: VariableOrArray,
    ratio: float = 0.5,
    *,
    mask: Array | None = None,
    return_mask: Literal[False] = False,
) -> Variable: ...


@overload
def dropout(
    x: VariableOrArray,
    ratio: float = 0.5,
    *,
    mask: Array | None = None,
    return_mask: Literal[True],
) -> tuple[Variable, Array | None]: ...


def dropout(
    x: VariableOrArray,
    ratio: float = 0.5,
    *,
    mask: Array | None = None,
    return_mask: bool = False,
) -> Variable | tuple[Variable, Array | None]:
    """Drop elements at random with probability ``ratio`` and scale the rest up.

    In training mode (``config.train``) each element is zeroed with probability ``ratio``
    and the others are multiplied by ``1 / (1 - ratio)``, so the expectation is unchanged.
    Outside training mode it is the identity and returns ``x`` as a Variable (``x`` itself
    when it is one).  The mask is drawn from ``numpy.random`` (``cupy.random`` on a GPU).

    Args:
        x: A floating point input.
        ratio: The dropout ratio, in ``[0, 1)``.
        mask: A mask to use instead of drawing one: an array of the shape of ``x`` holding
            0 and ``1 / (1 - ratio)`` (any other values simply multiply ``x``).  It is cast
            to the dtype of ``x``.
        return_mask: Return the mask as well (``None`` outside training mode).

    Returns:
        The output, or ``(output, mask)`` when ``return_mask`` is true.

    Raises:
        ValueError: If ``ratio`` is outside ``[0, 1)`` or ``mask`` has another shape than
            ``x``.
        TypeError: If ``ratio`` is not a number or ``mask`` is not an array.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> from kusari.graph import using_config
        >>> x = numpy.ones((2, 3), numpy.float32)
        >>> y, mask = F.dropout(x, 0.5, return_mask=True)
        >>> bool(numpy.all((y.array == 0) | (y.array == 2)))
        True
        >>> numpy.array_equal(y.array, x * mask)
        True
        >>> with using_config("train", False):
        ...     F.dropout(x).array.tolist()
        [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """
    ratio = _helpers.check_float(ratio, "ratio")
    if not 0.0 <= ratio < 1.0:
        raise ValueError(f"dropout ratio must be in the range [0, 1), got {ratio}")
    if mask is not None and not is_array(mask):
        raise TypeError(f"mask must be an array or None, got {type(mask).__name__}")
    if not config.train:
        y = as_variable(x)
        return (y, None) if return_mask else y
    node = Dropout(ratio, mask)
    (y,) = node.apply((x,))
    return (y, node.mask) if return_mask else y
