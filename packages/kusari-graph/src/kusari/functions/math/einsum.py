"""Einstein summation (:func:`einsum`)."""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from typing import Any, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..array.broadcast_to import broadcast_to
from ..array.reshape import reshape
from . import _helpers
from ._einsum_parse import parse_subscripts
from .sum_to import sum_to

__all__ = ["EinSum", "einsum"]


class _Ops:
    """The few operations the gradient needs, on arrays or on Variables."""

    __slots__ = ("broadcast", "einsum", "eye", "reshape", "sum_to")

    def __init__(
        self,
        einsum: Callable[..., Any],
        reshape: Callable[[Any, tuple[int, ...]], Any],
        broadcast: Callable[[Any, tuple[int, ...]], Any],
        sum_to: Callable[[Any, tuple[int, ...]], Any],
        eye: Callable[[int, Any], Any],
    ) -> None:
        self.einsum = einsum
        self.reshape = reshape
        self.broadcast = broadcast
        self.sum_to = sum_to
        self.eye = eye


def _operand_grad(
    ops: _Ops,
    gy: Any,
    terms: tuple[str, ...],
    output: str,
    operands: Sequence[Any],
    shapes: Sequence[tuple[int, ...]],
    index: int,
) -> Any:
    """The gradient of operand ``index``: an einsum of ``gy`` with the other operands."""
    term = terms[index]
    shape = shapes[index]
    size = {
        c: n
        for t, s in zip(terms, shapes, strict=True)
        for c, n in zip(t, s, strict=True)
        if n != 1
    }
    unique = "".join(dict.fromkeys(term))
    others = [i for i in range(len(terms)) if i != index]
    available = set(output).union(*(terms[i] for i in others))
    present = "".join(c for c in unique if c in available)
    g = ops.einsum(
        ",".join([output, *(terms[i] for i in others)]) + "->" + present,
        gy,
        *(operands[i] for i in others),
    )
    full = tuple(size.get(c, shape[term.index(c)]) for c in unique)
    if present != unique:
        # Letters summed in this operand only: the gradient is constant along them.
        g = ops.reshape(g, tuple(full[unique.index(c)] if c in present else 1 for c in unique))
    if tuple(g.shape) != full:
        g = ops.broadcast(g, full)  # also size-1 axes that other operands broadcast
    if len(unique) != len(term):
        # Repeated letters (a diagonal): put the gradient on the diagonal, zeros elsewhere.
        taken = set("".join(terms)) | set(output)
        fresh = [c for c in string.ascii_letters if c not in taken]
        renamed, deltas, seen = [], [], set()
        for c in term:
            if c in seen:
                new = fresh.pop(0)
                renamed.append(new)
                deltas.append((c, new))
            else:
                seen.add(c)
                renamed.append(c)
        eyes = [ops.eye(full[unique.index(c)], gy) for c, _ in deltas]
        spec = ",".join([unique, *(c + n for c, n in deltas)]) + "->" + "".join(renamed)
        g = ops.einsum(spec, g, *eyes)
    if tuple(g.shape) != shape:
        g = ops.sum_to(g, shape)  # this operand's size-1 axes were broadcast
    return g


def _eye_array(n: int, like: Array) -> Array:
    return _helpers.array_module(like).eye(n, dtype=like.dtype)  # type: ignore[no-any-return]


def _eye_variable(n: int, like: Variable) -> Variable:
    return _helpers.constant(_eye_array(n, like.array))  # type: ignore[arg-type]


_ARRAY_OPS = _Ops(
    lambda spec, *xs: _helpers.array_module(xs[0]).asarray(
        _helpers.array_module(xs[0]).einsum(spec, *xs)
    ),
    lambda x, shape: x.reshape(shape),
    lambda x, shape: _helpers.array_module(x).broadcast_to(x, shape),
    _utils.sum_to_array,
    _eye_array,
)


@final
class EinSum(FunctionNode):
    """Einstein summation over parsed subscripts.

    The gradient of each operand is another einsum, of the output gradient with the other
    operands (plus a broadcast for letters only that operand has, and identity matrices to
    put it back on the diagonal for repeated letters).

    Args:
        terms: The letters of each operand (no ``...``).
        output: The letters of the output.
    """

    __slots__ = ("output", "terms")
    input_spec = InputSpec("x", kinds="f", same_dtype=True, variadic=True)

    def __init__(self, terms: tuple[str, ...], output: str) -> None:
        self.terms = terms
        self.output = output

    @property
    def _spec(self) -> str:
        return ",".join(self.terms) + "->" + self.output

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Sum (the inputs are retained for backward)."""
        self.retain_inputs(range(len(inputs)))
        xp = _helpers.array_module(inputs[0])
        try:
            y = xp.einsum(self._spec, *inputs)
        except ValueError as error:
            raise _helpers.invalid_type(
                "EinSum", f"operand shapes fit {self._spec!r}", str(error)
            ) from None
        return (xp.asarray(y),)

    def _shapes(self) -> list[tuple[int, ...]]:
        return [tuple(node.shape or ()) for node in self.inputs]

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """One einsum of ``gy`` with the other operands per input."""
        gy = _utils.first_grad(grad_outputs)
        operands = self.get_retained_inputs()
        ops = _Ops(einsum, reshape, broadcast_to, sum_to, _eye_variable)
        shapes = self._shapes()
        return tuple(
            _operand_grad(ops, gy, self.terms, self.output, operands, shapes, i)
            for i in target_input_indexes
        )

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """One einsum of ``gy`` with the other operands per input."""
        gy = grad_outputs[0]
        assert gy is not None
        operands = [self.retained_input_array(i) for i in range(len(self.inputs))]
        shapes = self._shapes()
        return tuple(
            _operand_grad(_ARRAY_OPS, gy, self.terms, self.output, operands, shapes, i)
            for i in target_input_indexes
        )


def einsum(subscripts: str, *operands: VariableOrArray) -> Variable:
    """Einstein summation, as ``numpy.einsum`` (differentiable twice).

    Supports explicit (``'ij,jk->ik'``) and implicit (``'ij,jk'``) outputs, ``...`` for
    broadcast axes, and repeated letters within an operand (diagonals, ``'ii->i'``).

    Args:
        subscripts: The subscripts.
        *operands: The operands, all of one floating point dtype.

    Returns:
        The result.

    Raises:
        TypeError: If ``subscripts`` is not a string.
        ValueError: If the subscripts do not match the operands.
        kusari.graph.type_check.InvalidType: If the dtypes differ or are not floating point,
            or the sizes of a letter disagree.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a = numpy.arange(6.0).reshape(2, 3)
        >>> F.einsum("ij,kj->ik", a, a).array.tolist()
        [[5.0, 14.0], [14.0, 50.0]]
        >>> F.einsum("ii->i", numpy.eye(2) * 3).array.tolist()
        [3.0, 3.0]
    """
    if not operands:
        raise ValueError("einsum needs at least one operand")
    terms, output = parse_subscripts(subscripts, [len(x.shape) for x in operands])
    return EinSum(terms, output).apply(operands)[0]
