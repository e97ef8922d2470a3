"""``Bias`` and ``Scale``: learnable (or given) elementwise shift and scale."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kusari.functions import bias, scale
from kusari.graph import Variable, VariableOrArray

from .._chain import Chain
from .._link import Link
from .._parameter import Parameter

__all__ = ["Bias", "Scale"]


def _shape(value: int | tuple[int, ...]) -> tuple[int, ...]:
    return (value,) if isinstance(value, int) else tuple(value)


class Bias(Link):
    """Add a bias to the axes ``axis, axis + 1, ...`` of the input.

    See :func:`kusari.functions.bias`.

    With ``shape`` the bias is the learnable parameter ``b`` (zeros at first); without it,
    the bias is the second argument of the call.

    Args:
        axis: The first axis of the input that the bias covers.
        shape: The shape of the learnable bias, or ``None``.

    Attributes:
        b: The bias (``None`` without ``shape``).

    Example:
        >>> import numpy
        >>> from kusari.links import Bias
        >>> Bias(shape=(2,))(numpy.ones((1, 2, 3), numpy.float32)).shape
        (1, 2, 3)
        >>> Bias()(numpy.zeros((1, 2)), numpy.array([1.0, 2.0])).array.tolist()
        [[1.0, 2.0]]
    """

    b: Parameter | None

    def __init__(self, axis: int = 1, shape: int | tuple[int, ...] | None = None) -> None:
        super().__init__()
        self.axis = axis
        with self.init_scope():
            self.b = None if shape is None else Parameter(0, _shape(shape))

    def forward(self, *xs: VariableOrArray) -> Variable:
        """``x + b`` (or ``x + y`` for ``Bias()(x, y)``), broadcast from ``axis``.

        Raises:
            TypeError: If the number of arguments does not fit ``shape``.
        """
        if self.b is not None:
            if len(xs) != 1:
                raise TypeError(f"Bias with a learnable b takes one input, got {len(xs)}")
            return bias(xs[0], self.b, self.axis)
        if len(xs) != 2:
            raise TypeError(f"Bias without shape takes two inputs (x, bias), got {len(xs)}")
        return bias(xs[0], xs[1], self.axis)

    if TYPE_CHECKING:

        def __call__(self, *xs: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class Scale(Chain):
    """Multiply the axes ``axis, axis + 1, ...`` of the input by a factor, then add a bias.

    See :func:`kusari.functions.scale`.

    With ``W_shape`` the factor is the learnable parameter ``W`` (ones at first); without
    it, the factor is the second argument of the call.  With ``bias_term`` a child
    :class:`Bias` named ``bias`` adds a learnable bias of shape ``W_shape`` (or
    ``bias_shape`` when ``W`` is not learned).

    Args:
        axis: The first axis of the input that the factor covers.
        W_shape: The shape of the learnable factor, or ``None``.
        bias_term: Add a learnable bias.
        bias_shape: The shape of the bias when ``W_shape`` is ``None``.

    Attributes:
        W: The factor (``None`` without ``W_shape``).
        bias: The :class:`Bias` child (``None`` without ``bias_term``).

    Raises:
        ValueError: If ``bias_term`` is set with neither ``W_shape`` nor ``bias_shape``.

    Example:
        >>> import numpy
        >>> from kusari.links import Scale
        >>> s = Scale(W_shape=(2,), bias_term=True)
        >>> s(numpy.ones((1, 2), numpy.float32)).array.tolist()
        [[1.0, 1.0]]
    """

    W: Parameter | None
    bias: Bias | None

    def __init__(
        self,
        axis: int = 1,
        W_shape: int | tuple[int, ...] | None = None,
        bias_term: bool = False,
        bias_shape: int | tuple[int, ...] | None = None,
    ) -> None:
        super().__init__()
        self.axis = axis
        if bias_term and W_shape is None and bias_shape is None:
            raise ValueError(
                "Scale: bias_shape must be given when W is not learned (W_shape is None) "
                "and bias_term is True"
            )
        with self.init_scope():
            self.W = None if W_shape is None else Parameter(1, _shape(W_shape))
            if bias_term:
                self.bias = Bias(axis, W_shape if W_shape is not None else bias_shape)
        if not bias_term:
            self.bias = None

    def forward(self, *xs: VariableOrArray) -> Variable:
        """``x * W`` (or ``x * y`` for ``Scale()(x, y)``), then the bias if any.

        Raises:
            TypeError: If the number of arguments does not fit ``W_shape``.
        """
        if self.W is not None:
            if len(xs) != 1:
                raise TypeError(f"Scale with a learnable W takes one input, got {len(xs)}")
            y = scale(xs[0], self.W, self.axis)
        else:
            if len(xs) != 2:
                raise TypeError(f"Scale without W_shape takes two inputs (x, y), got {len(xs)}")
            y = scale(xs[0], xs[1], self.axis)
        if self.bias is not None:
            y = self.bias(y)
        return y

    if TYPE_CHECKING:

        def __call__(self, *xs: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
