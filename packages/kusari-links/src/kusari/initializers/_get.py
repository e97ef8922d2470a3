"""Turning what a user passes as an initializer into an initializer."""

from __future__ import annotations

import numpy

from kusari.devices import Array, Scalar, is_array

from ._base import InitializerLike
from ._constant import Constant
from ._normal import LeCunNormal

__all__ = ["get_initializer"]


def get_initializer(initializer: InitializerLike | Array | Scalar | None) -> InitializerLike:
    """Return the initializer meant by ``initializer``, as the standard links read it.

    * ``None`` gives :class:`LeCunNormal` (the default for weights);
    * an array or a scalar gives :class:`Constant` filled with it;
    * an :class:`Initializer` or another callable is returned as it is.

    Args:
        initializer: ``None``, an array, a scalar, or an initializer.

    Returns:
        An initializer.

    Raises:
        TypeError: If ``initializer`` is none of these.

    Example:
        >>> from kusari.initializers import get_initializer
        >>> get_initializer(None)
        LeCunNormal(scale=1.0)
        >>> get_initializer(0.5)
        Constant(fill_value=0.5)
    """
    if initializer is None:
        return LeCunNormal()
    if is_array(initializer) or isinstance(
        initializer, (bool, int, float, complex, numpy.generic)
    ):
        return Constant(initializer)  # type: ignore[arg-type]
    if callable(initializer):
        return initializer
    raise TypeError(
        "initializer must be None, an array, a scalar, an Initializer or a callable "
        f"filling an array, got {type(initializer).__name__}"
    )
