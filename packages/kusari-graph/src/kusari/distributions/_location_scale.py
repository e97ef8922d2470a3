"""The shared constructor of the location-scale families (private)."""

from __future__ import annotations

import kusari.functions as F
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._distribution import Distribution

__all__ = ["LocationScale"]


class LocationScale(Distribution):
    """A scalar distribution with parameters ``loc`` (real) and ``scale`` (positive).

    Args:
        loc: The location.
        scale: The scale (positive), broadcastable with ``loc``.

    Raises:
        ValueError: If the shapes do not broadcast, or ``scale`` is a constant array with
            an element that is not positive.
        TypeError: If a parameter is not a floating point Variable or array, or the
            parameters differ in dtype.
    """

    __slots__ = ("loc", "scale")

    loc: Variable
    scale: Variable

    def __init__(self, loc: VariableOrArray, scale: VariableOrArray) -> None:
        owner = type(self).__name__
        _utils.check_positive(scale, "scale", owner)
        self.loc, self.scale = _utils.broadcast_params(
            owner,
            ("loc", "scale"),
            (_utils.as_param(loc, "loc", owner), _utils.as_param(scale, "scale", owner)),
        )

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of ``loc``."""
        return self.loc.shape

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``()``."""
        return ()

    @property
    def params(self) -> dict[str, Variable]:
        """``{'loc': ..., 'scale': ...}``."""
        return {"loc": self.loc, "scale": self.scale}

    @property
    def support(self) -> str:
        """``'real'``."""
        return "real"

    def _standardize(self, x: VariableOrArray) -> Variable:
        return (_utils.as_value(x, self.loc) - self.loc) / self.scale

    def _log_scale(self) -> Variable:
        return F.log(self.scale)
