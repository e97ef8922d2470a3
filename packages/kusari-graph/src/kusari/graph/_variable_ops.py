"""The differentiable methods and operators of :class:`~kusari.graph.Variable`.

They are functions of :mod:`kusari.functions`, which imports :mod:`kusari.graph`; so
kusari.functions hands them over once, on import, through :func:`install_variable_methods`:
the operators become special methods of Variable, and the methods defined here
(:meth:`~kusari.graph.Variable.reshape`, :meth:`~kusari.graph.Variable.transpose`,
:meth:`~kusari.graph.Variable.mean`, bound in Variable's class body, and the property
:attr:`~kusari.graph.Variable.T`) call the functions kept in :data:`ops`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from ._variable import Variable, VariableOrArray

__all__ = ["MeanFunction", "install_variable_methods", "mean", "ops", "reshape", "transpose"]

MeanFunction: TypeAlias = (
    "Callable[[Variable, int | tuple[int, ...] | None, VariableOrArray | None, bool], Variable]"
)
"""``mean(x, axis, weights, keepdims)``: the function behind :meth:`Variable.mean`."""


class _Ops:
    """The functions behind Variable's methods; :mod:`kusari.functions` fills it in."""

    __slots__ = ("mean", "reshape", "transpose")

    def __init__(self) -> None:
        def missing(*args: object) -> Variable:
            raise RuntimeError("kusari.functions is not imported; import kusari.graph first")

        self.reshape: Callable[[Variable, tuple[int, ...]], Variable] = missing
        self.transpose: Callable[[Variable, tuple[int, ...] | None], Variable] = missing
        self.mean: MeanFunction = missing


ops = _Ops()


def install_variable_methods(
    *,
    reshape: Callable[[Variable, tuple[int, ...]], Variable],
    transpose: Callable[[Variable, tuple[int, ...] | None], Variable],
    mean: MeanFunction,
    operators: Mapping[str, Callable[..., Any]],
) -> None:
    """Install the differentiable methods and operators of :class:`Variable`.

    Called once by :mod:`kusari.functions` when it is imported.

    Args:
        reshape: The function behind :meth:`Variable.reshape`.
        transpose: The function behind :meth:`Variable.transpose` and :attr:`Variable.T`.
        mean: The function behind :meth:`Variable.mean`: ``mean(x, axis, weights,
            keepdims)``.
        operators: Special method names (``"__add__"``) mapped to their implementations.

    Raises:
        ValueError: If a key of ``operators`` is not a special method name.
    """
    from ._variable import Variable

    ops.reshape = reshape
    ops.transpose = transpose
    ops.mean = mean
    for name, function in operators.items():
        if not (name.startswith("__") and name.endswith("__")):
            raise ValueError(f"{name!r} is not a special method name")
        setattr(Variable, name, function)


def reshape(self: Variable, *shape: int | tuple[int, ...]) -> Variable:  # noqa: D417 (self)
    """Return this Variable reshaped (differentiable; see :func:`kusari.functions.reshape`).

    Args:
        *shape: The new shape, as several ints or one tuple; one entry may be ``-1``.

    Returns:
        The reshaped Variable.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable
        >>> Variable(numpy.arange(6.0)).reshape(2, 3).shape
        (2, 3)
    """
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        target: tuple[int, ...] = tuple(shape[0])
    else:
        target = tuple(shape)  # type: ignore[arg-type]
    return ops.reshape(self, target)


def transpose(self: Variable, *axes: int | tuple[int, ...]) -> Variable:  # noqa: D417 (self)
    """Return this Variable with its axes permuted (see :func:`kusari.functions.transpose`).

    Args:
        *axes: The permutation, as several ints or one tuple; reversed when omitted.

    Returns:
        The transposed Variable.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable
        >>> Variable(numpy.zeros((2, 3, 4))).transpose(2, 0, 1).shape
        (4, 2, 3)
    """
    if not axes:
        return ops.transpose(self, None)
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        return ops.transpose(self, tuple(axes[0]))
    return ops.transpose(self, tuple(axes))  # type: ignore[arg-type]


def mean(  # noqa: D417 (self)
    self: Variable,
    axis: int | tuple[int, ...] | None = None,
    *,
    weights: VariableOrArray | None = None,
    keepdims: bool = False,
) -> Variable:
    """Return the (weighted) mean of the elements (see :func:`kusari.functions.mean`).

    Args:
        axis: The axis or axes to average over; all when ``None``.  With ``weights`` it
            must be ``None`` or an int.
        weights: The weights of a weighted average (see
            :func:`kusari.functions.average`); a plain mean when ``None``.
        keepdims: Keep the reduced axes with length one.

    Returns:
        The mean.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable
        >>> Variable(numpy.array([1.0, 2.0, 6.0])).mean()
        variable(3.)
        >>> Variable(numpy.array([1.0, 2.0, 6.0])).mean(weights=numpy.array([2.0, 1.0, 1.0]))
        variable(2.5)
    """
    return ops.mean(self, axis, weights, keepdims)
