"""Argument and input checks shared by the loss functions (private)."""

from __future__ import annotations

from collections.abc import Sequence

from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..array import _shape_check

__all__ = ["array_of", "check_reduce", "check_same_float_inputs"]


def check_reduce(reduce: object, allowed: Sequence[str]) -> None:
    """Raise the ValueError Chainer gives for a ``reduce`` value outside ``allowed``."""
    if reduce not in allowed:
        names = [repr(a) for a in allowed]
        listed = (
            " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + f" and {names[-1]}"
        )
        raise ValueError(f"only {listed} are valid for 'reduce', but {reduce!r} is given")


def array_of(x: VariableOrArray) -> Array:
    """The array of a Variable (or the array itself)."""
    if isinstance(x, Variable):
        array = x.array
        if array is None:
            raise RuntimeError(f"the input Variable {x.name or ''} is uninitialized")
        return array
    return x


def check_same_float_inputs(
    inputs: Sequence[VariableOrArray], names: Sequence[str], label: str
) -> None:
    """Type check: floating point inputs of one shape and dtype.

    Raises:
        kusari.graph.type_check.InvalidType: Naming the first violated condition.
    """

    def check(in_types: TypeInfoTuple) -> None:
        type_check.argname(in_types, names)
        first = in_types[0]
        type_check.expect(first.dtype.kind == "f")
        for other in in_types[1:]:
            type_check.expect(first.dtype == other.dtype, first.shape == other.shape)

    _shape_check.run_type_check(check, [array_of(x) for x in inputs], label)
