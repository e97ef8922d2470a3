"""``ParameterLink``: a Link holding one parameter ``W`` (Chainer's ``links.Parameter``)."""

from __future__ import annotations

import numpy

from kusari.devices import Array, get_array_module, is_array

from ._link import Link
from ._parameter import Parameter

__all__ = ["ParameterLink"]


class ParameterLink(Link):
    """A link that holds one parameter, ``W``, and returns it when called.

    This is ``chainer.links.Parameter`` (deprecated there since v1.5, since parameters
    can be registered directly); :mod:`kusari.compat` exposes it under that name.  ``W``
    uses the given array as its data (no copy) and starts with a NaN-filled gradient.

    Args:
        array: The initial parameter array (NumPy or CuPy).

    Attributes:
        W: The parameter.

    Raises:
        TypeError: If ``array`` is not an array.

    Example:
        >>> import numpy
        >>> from kusari.links import ParameterLink
        >>> a = numpy.arange(3, dtype=numpy.float32)
        >>> link = ParameterLink(a)
        >>> link() is link.W, link.W.array is a
        (True, True)
    """

    W: Parameter

    def __init__(self, array: Array) -> None:
        if not is_array(array):
            raise TypeError(
                f"ParameterLink needs a numpy or cupy array, got {type(array).__name__}"
            )
        super().__init__()
        param = Parameter(array)
        if array.dtype.kind in "fc":
            param.grad = get_array_module(array).full_like(array, numpy.nan)
        with self.init_scope():
            self.W = param
        self._device = param.device

    def forward(self, volatile: str = "off") -> Parameter:
        """Return the parameter ``W`` itself.

        Args:
            volatile: Must be ``'off'``; Chainer's removed volatility flag.

        Raises:
            ValueError: If ``volatile`` is anything else.
        """
        if volatile != "off":
            raise ValueError("the volatile option is not supported any more")
        return self.W
