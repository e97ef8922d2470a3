"""``Linear``: the fully connected layer."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kusari.functions import linear
from kusari.graph import Variable, VariableOrArray
from kusari.graph.type_check import InvalidType
from kusari.initializers import get_initializer

from .._link import Link
from .._parameter import Parameter, ParameterInitializer
from ._args import check_size

__all__ = ["Linear"]


class Linear(Link):
    """A fully connected layer: ``y = x W^T + b``.

    With ``in_size=None`` the weight is created at the first call, from the size of the
    input's feature axes (all axes after the first ``n_batch_axes``).  ``Linear(n)`` with
    one argument means ``Linear(None, n)``.

    Args:
        in_size: The number of input features, or ``None`` to infer it.
        out_size: The number of output features.
        nobias: Leave the bias out (``b`` is then ``None``).
        initialW: The initializer of ``W`` (an initializer, an array or a scalar);
            :class:`~kusari.initializers.LeCunNormal` by default.
        initial_bias: The initializer of ``b``; zero by default.

    Attributes:
        W: The weight, of shape ``(out_size, in_size)``.
        b: The bias, of shape ``(out_size,)``, or ``None``.
        in_size: The number of input features (``None`` until known).
        out_size: The number of output features.

    Example:
        >>> import numpy
        >>> from kusari.links import Linear
        >>> layer = Linear(3, 2, initialW=1.0, initial_bias=0.5)
        >>> layer(numpy.ones((1, 3), numpy.float32)).array.tolist()
        [[3.5, 3.5]]
        >>> lazy = Linear(2)
        >>> lazy.W.array is None
        True
        >>> lazy(numpy.ones((4, 5, 2), numpy.float32)).shape, lazy.W.shape
        ((4, 2), (2, 10))
    """

    W: Parameter
    b: Parameter | None
    in_size: int | None
    out_size: int

    def __init__(
        self,
        in_size: int | None,
        out_size: int | None = None,
        nobias: bool = False,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
    ) -> None:
        super().__init__()
        if out_size is None:
            in_size, out_size = None, in_size
        if out_size is None:
            raise TypeError(
                "Linear needs out_size (Linear(out_size) or Linear(in_size, out_size))"
            )
        check_size("in_size", in_size, allow_none=True)
        check_size("out_size", out_size)
        self.in_size = in_size
        self.out_size = out_size
        with self.init_scope():
            self.W = Parameter(get_initializer(initialW))
            if in_size is not None:
                self.W.initialize((out_size, in_size))
            if nobias:
                self.b = None
            else:
                bias_init = 0 if initial_bias is None else initial_bias
                self.b = Parameter(get_initializer(bias_init), out_size)

    def _initialize_params(self, in_size: int) -> None:
        self.W.initialize((self.out_size, in_size))
        self.in_size = in_size

    def forward(self, x: VariableOrArray, n_batch_axes: int = 1) -> Variable:
        """Apply the layer.

        Args:
            x: The input, of shape ``batch_axes + feature_axes``; the feature axes are
                flattened.
            n_batch_axes: The number of leading batch axes.

        Returns:
            The output, of shape ``batch_axes + (out_size,)``.

        Raises:
            ValueError: If ``n_batch_axes`` is not positive or not less than ``x.ndim``.
            kusari.graph.type_check.InvalidType: If the feature size does not match ``W``
                (the message then also says how to build the layer for this input), or
                the dtypes do not fit.
        """
        if self.W.array is None:
            shape = tuple(x.shape)
            if not 0 < n_batch_axes < len(shape):
                raise ValueError(
                    f"n_batch_axes must be in [1, x.ndim) to infer in_size; got "
                    f"n_batch_axes={n_batch_axes} for an input of shape {shape}"
                )
            self._initialize_params(math.prod(shape[n_batch_axes:]))
        try:
            return linear(x, self.W, self.b, n_batch_axes=n_batch_axes)
        except InvalidType as error:
            hint = self._size_mismatch_hint(tuple(x.shape), n_batch_axes)
            if hint is None:
                raise
            raise InvalidType(error.expect, error.actual, msg=f"{error}\n\n{hint}") from None

    def _size_mismatch_hint(self, shape: tuple[int, ...], n_batch_axes: int) -> str | None:
        """Say what to build instead when ``shape`` has the wrong number of features."""
        W = self.W.array
        if W is None or W.ndim != 2:
            return None
        out_size, in_size = W.shape
        features = math.prod(shape[n_batch_axes:])
        if features == in_size:
            return None
        name = type(self).__name__
        nobias = ", nobias=True" if self.b is None else ""
        return (
            f"{name}(in_size={in_size}, out_size={out_size}{nobias}) got an input of shape "
            f"{shape}: {features} features per example, but it was built for {in_size}. "
            f"Build it as {name}({features}, {out_size}{nobias}), or as "
            f"{name}(None, {out_size}{nobias}) to take the size from the first input."
        )

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray, n_batch_axes: int = 1) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """``in_size``, ``out_size`` and ``nobias``."""
        yield "in_size", self.in_size
        yield "out_size", self.out_size
        yield "nobias", self.b is None
