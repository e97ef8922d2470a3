"""``check_backward``: the gradients of backward against numerical differentiation.

The comparison is on directional derivatives, as in Chainer 7: one random unit direction
``d`` over all checked inputs and parameters, the analytical value ``<grad, d>`` from
backward, and the numerical value ``(L(x + eps*d) - L(x - eps*d)) / (2*eps)`` with
``L = sum_j <y_grad[j], y_j>``. A check costs two extra forward passes, however many
elements the inputs have. Where perturbed inputs are rounded to their dtype, the
analytical side uses the displacement the rounded inputs really have, so that rounding a
float16 or float32 input is not mistaken for a wrong gradient.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy
import numpy.typing as npt

from kusari.devices import Array, get_array_module, to_cpu

from ._backprop import backward
from ._gradient_check_args import (
    Arrays,
    FunctionOutputs,
    OptionalArrays,
    Params,
    as_array_tuple,
    as_optional_array_tuple,
    as_output_tuple,
    as_params,
    check_tolerances,
    param_name,
    resolve_dtype,
    resolve_no_grads,
)
from ._gradient_check_numerical import (
    GradOutputs,
    as_float64_outputs,
    check_differentiable,
    check_steps,
    weighted_difference,
)
from ._variable import Variable

__all__ = ["check_backward"]

_Float64s: TypeAlias = list[Array]


def check_backward(
    func: Callable[..., FunctionOutputs],
    x_data: Arrays,
    y_grad: OptionalArrays | None,
    params: Params = (),
    eps: float = 1e-3,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    no_grads: Sequence[bool] | None = None,
    dtype: npt.DTypeLike | None = None,
    detect_nondifferentiable: bool = False,
    loss_scale: float | None = None,
) -> None:
    """Check the backward of ``func`` against numerical differentiation.

    ``func`` is called with one :class:`~kusari.graph.Variable` per array of ``x_data``.
    Backward from its outputs, with ``y_grad`` as the output gradients, gives gradients of
    the inputs and of ``params``. They are compared with central differences along one
    random unit direction ``d`` over all checked inputs and parameters::

        numerical  = (L(x + eps*d) - L(x - eps*d)) / (2*eps),   L = sum_j <y_grad[j], y_j>
        analytical = sum_i <grad_i, d_i>

    and the check passes when ``|numerical - analytical| <= atol + rtol * |numerical|``.
    ``d`` is drawn from the global ``xp.random`` (so :func:`kusari.testing.fix_random`
    makes a check repeatable). Gradients that backward leaves as ``None`` count as zeros.
    Backward gradients must have the shape and dtype of their variable, and inputs that
    are not floating point must get no gradient at all.

    Args:
        func: The function to check: takes Variables, returns a Variable or a tuple of
            Variables, and does not change its inputs.
        x_data: The input arrays (one array or a sequence).
        y_grad: The output gradients, one per output (``None`` for an output without a
            gradient, such as an integer output). ``None`` as a whole means that ``func``
            returns a loss: every output must have one element and gets the gradient 1.
        params: Variables (typically ``Parameter`` objects) that ``func`` uses; their
            gradients are checked too. Their ``grad`` is cleared before backward and holds
            the backward gradient afterwards; their data is perturbed and then restored.
        eps: The step of the numerical differentiation.
        atol: Absolute tolerance.
        rtol: Relative tolerance. :func:`default_tolerance` gives per-dtype values.
        no_grads: One flag per input; ``True`` leaves its gradient unchecked. The default
            is ``True`` exactly for the inputs that are not floating point.
        dtype: If given, the numerical side runs with the floating-point inputs and
            parameters cast to this dtype, while backward runs in the original dtypes.
            Pass ``numpy.float64`` to check float16 functions. (``y_grad`` needs no cast:
            it enters both sides in float64.)
        detect_nondifferentiable: Whether to check, on a five-point stencil along ``d``,
            that ``func`` is differentiable at ``x_data``.
        loss_scale: If given, the output gradients are multiplied by it before backward and
            the gradients divided by it afterwards, as ``Variable.backward(loss_scale=...)``
            does.

    Raises:
        AssertionError: If the gradients do not match. The message gives both directional
            derivatives and the tolerance, a per-variable breakdown that singles out the
            variables whose gradient is wrong, and the inputs, output gradients and
            backward gradients.
        NondifferentiableError: If ``detect_nondifferentiable`` is set and ``func`` is not
            differentiable at ``x_data``.
        TypeError: If an argument has the wrong type, ``func`` does not return Variables,
            or a ``y_grad`` entry has another dtype than its output.
        ValueError: If an argument has the wrong length, shape or range.

    Example:
        >>> import numpy
        >>> from kusari.graph.gradient_check import check_backward
        >>> x = numpy.random.uniform(-1, 1, (3, 2))
        >>> gy = numpy.random.uniform(-1, 1, (3, 2))
        >>> check_backward(lambda v: v * v, x, gy)
    """
    check_tolerances(eps, atol, rtol)
    if loss_scale is not None and not (math.isfinite(loss_scale) and loss_scale > 0):
        raise ValueError(f"loss_scale must be a positive finite number, got {loss_scale!r}")
    numeric_dtype = resolve_dtype(dtype)
    xs = as_array_tuple(x_data, "x_data")
    skip = resolve_no_grads(no_grads, xs)
    gys = None if y_grad is None else as_optional_array_tuple(y_grad, "y_grad")
    param_list = as_params(params)

    # Backward runs twice: recording the graph (as for double backprop) and on plain arrays
    # (which may take a FunctionNode's backward_arrays fast path); both must be right.
    # The plain run comes last, so that it leaves the parameters' gradients.
    runs = [
        _Analytic(func, xs, skip, gys, param_list, loss_scale, double) for double in (True, False)
    ]
    probe = _Probe(func, xs, skip, param_list, numeric_dtype, runs[0].grad_outputs, eps)
    if probe.directions is None:
        return  # no checked variable has an element
    plus, plus_x = probe.outputs_at(1)
    minus, minus_x = probe.outputs_at(-1)
    numerical = weighted_difference(plus, minus, probe.grad_outputs) / (2 * eps)
    if detect_nondifferentiable:
        probe.check_differentiable(plus, plus_x, minus, minus_x)
    allowed = atol + rtol * abs(numerical)
    for run in reversed(runs):
        contributions = [
            _dot(g, hi - lo) / (2 * eps)
            for g, hi, lo in zip(run.gradients, plus_x, minus_x, strict=True)
        ]
        analytical = math.fsum(contributions)
        if abs(numerical - analytical) <= allowed:
            continue
        breakdown = [
            (name, probe.partial(position), contribution)
            for position, (name, contribution) in enumerate(
                zip(probe.names, contributions, strict=True)
            )
        ]
        raise AssertionError(
            _failure_message(
                func, numerical, analytical, eps, atol, rtol, dtype, breakdown, xs, param_list, run
            )
        )


# -- the analytical side -----------------------------------------------------------------------


class _Analytic:
    """Runs ``func`` and backward once; holds the float64 gradients of the checked variables."""

    def __init__(
        self,
        func: Callable[..., FunctionOutputs],
        xs: tuple[Array, ...],
        skip: list[bool],
        gys: tuple[Array | None, ...] | None,
        params: tuple[Variable, ...],
        loss_scale: float | None,
        double: bool,
    ) -> None:
        self.double = double
        variables = [Variable(x) for x in xs]
        outputs = as_output_tuple(func(*variables))
        self.grad_outputs = _resolve_grad_outputs(gys, outputs)
        for param in params:
            param.cleargrad()
        pairs = [
            (y, gy) for y, gy in zip(outputs, self.grad_outputs, strict=True) if gy is not None
        ]
        if pairs:
            scaled = [gy if loss_scale is None else gy * loss_scale for _, gy in pairs]
            backward([y for y, _ in pairs], scaled, enable_double_backprop=double)
        for position, (variable, x, skipped) in enumerate(zip(variables, xs, skip, strict=True)):
            if skipped and x.dtype.kind != "f" and variable.grad is not None:
                raise AssertionError(
                    f"check_backward: backward gave x_data[{position}], an {x.dtype} input, a "
                    "gradient; inputs that are not floating point must get None"
                )
        checked = [(f"x_data[{i}]", v) for i, v in enumerate(variables) if not skip[i]]
        checked += [(param_name(i, p), p) for i, p in enumerate(params)]
        self.raw: list[Array | None] = []
        self.gradients: _Float64s = []
        for name, variable in checked:
            data = variable.array
            assert data is not None
            grad = variable.grad
            self.raw.append(grad)
            self.gradients.append(_gradient_as_float64(name, grad, data, loss_scale))


def _resolve_grad_outputs(
    gys: tuple[Array | None, ...] | None, outputs: tuple[Variable, ...]
) -> tuple[Array | None, ...]:
    if gys is None:
        for position, y in enumerate(outputs):
            if y.size != 1:
                raise ValueError(
                    f"y_grad is None, so func must return losses with one element each, but "
                    f"output {position} has shape {y.shape}"
                )
        return tuple(get_array_module(y.array).ones_like(y.array) for y in outputs)
    if len(gys) != len(outputs):
        raise ValueError(
            f"y_grad has {len(gys)} entries but func returned {len(outputs)} output(s); give "
            "one gradient (or None) per output"
        )
    for position, (gy, y) in enumerate(zip(gys, outputs, strict=True)):
        if gy is None:
            continue
        if gy.shape != y.shape:
            raise ValueError(
                f"y_grad[{position}] has shape {gy.shape} but output {position} has shape "
                f"{y.shape}"
            )
        if gy.dtype != y.dtype:
            raise TypeError(
                f"y_grad[{position}] has dtype {gy.dtype} but output {position} has dtype "
                f"{y.dtype}"
            )
    return gys


def _gradient_as_float64(
    name: str, grad: Array | None, data: Array, loss_scale: float | None
) -> Array:
    if grad is None:
        zeros: Array = get_array_module(data).zeros(data.shape, dtype=numpy.float64)
        return zeros
    if grad.shape != data.shape or grad.dtype != data.dtype:
        raise AssertionError(
            f"check_backward: the gradient of {name} has shape {grad.shape} and dtype "
            f"{grad.dtype}, but {name} has shape {data.shape} and dtype {data.dtype}"
        )
    result = _float64(grad)
    return result if loss_scale is None else result / loss_scale


# -- the numerical side ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Target:
    name: str
    base: Array  # float64 copy of the data at the checked point
    dtype: numpy.dtype[Any]  # the dtype the numerical side runs in


class _Probe:
    """Evaluates ``func`` with the checked variables moved along the direction."""

    def __init__(
        self,
        func: Callable[..., FunctionOutputs],
        xs: tuple[Array, ...],
        skip: list[bool],
        params: tuple[Variable, ...],
        numeric_dtype: numpy.dtype[Any] | None,
        grad_outputs: tuple[Array | None, ...],
        eps: float,
    ) -> None:
        self._func = func
        self._params = params
        self._eps = eps
        self._inputs = [_cast(x, numeric_dtype) for x in xs]
        self._input_targets = [i for i, s in enumerate(skip) if not s]
        targets = [
            _Target(f"x_data[{i}]", _float64(xs[i]), numeric_dtype or xs[i].dtype)
            for i in self._input_targets
        ]
        for position, param in enumerate(params):
            data = param.array
            assert data is not None
            targets.append(
                _Target(param_name(position, param), _float64(data), numeric_dtype or data.dtype)
            )
        self._targets = targets
        self.names = [t.name for t in targets]
        # The output gradients enter the float64 arithmetic as they are, on both sides.
        self.grad_outputs: GradOutputs = grad_outputs
        self._mask = [gy is not None for gy in grad_outputs]
        self._dtypes: list[numpy.dtype[Any] | None] = []  # of the outputs, once evaluated
        self.directions = _random_directions([t.base for t in targets])

    def outputs_at(
        self, k: float, only: int | None = None
    ) -> tuple[list[Array | None], _Float64s]:
        """Evaluate at ``x + k*eps*d`` (only along variable ``only`` if given).

        Returns:
            The float64 outputs and the float64 values of the moved variables.
        """
        assert self.directions is not None
        moved: _Float64s = []
        arrays: list[Array] = []
        for position, (target, direction) in enumerate(
            zip(self._targets, self.directions, strict=True)
        ):
            step = k * self._eps if only is None or only == position else 0.0
            # asarray: arithmetic on 0-d arrays gives NumPy scalars, which are not arrays.
            value = get_array_module(target.base).asarray(
                target.base + step * direction, dtype=target.dtype
            )
            arrays.append(value)
            moved.append(_float64(value))
        n_inputs = len(self._input_targets)
        inputs = list(self._inputs)
        for index, array in zip(self._input_targets, arrays[:n_inputs], strict=True):
            inputs[index] = array
        saved = [param.array for param in self._params]
        try:
            for param, array in zip(self._params, arrays[n_inputs:], strict=True):
                param.array = array
            outputs = as_output_tuple(self._func(*(Variable(x) for x in inputs)))
        finally:
            for param, original in zip(self._params, saved, strict=True):
                param.array = original
        values, self._dtypes = as_float64_outputs([y.array for y in outputs], self._mask, "func")
        return values, moved

    def partial(self, position: int) -> float:
        """The numerical directional derivative along variable ``position`` only."""
        plus, _ = self.outputs_at(1, only=position)
        minus, _ = self.outputs_at(-1, only=position)
        return weighted_difference(plus, minus, self.grad_outputs) / (2 * self._eps)

    def check_differentiable(
        self,
        plus: list[Array | None],
        plus_x: _Float64s,
        minus: list[Array | None],
        minus_x: _Float64s,
    ) -> None:
        """Run the five-point differentiability check along the direction."""
        center, center_x = self.outputs_at(0)
        plus2, plus2_x = self.outputs_at(2)
        minus2, minus2_x = self.outputs_at(-2)
        assert self.directions is not None
        # The position of each stencil point along d, after rounding to the dtypes.
        steps = [
            math.fsum(
                _dot(d, moved - origin)
                for d, moved, origin in zip(self.directions, point, center_x, strict=True)
            )
            for point in (minus2_x, minus_x, plus_x, plus2_x)
        ]
        where = "func is not differentiable at x_data along the random direction of the check"
        check_steps(steps, self._eps, self._targets[0].dtype, "the inputs")
        check_differentiable(
            steps, [minus2, minus, plus, plus2], center, self._dtypes, 0.0, 1e-2, where
        )


def _random_directions(bases: Sequence[Array]) -> _Float64s | None:
    directions = [
        get_array_module(b).random.normal(size=b.shape).astype(numpy.float64) for b in bases
    ]
    norm = math.sqrt(math.fsum(_dot(d, d) for d in directions))
    if norm == 0.0:
        return None
    return [d / norm for d in directions]


def _cast(array: Array | None, dtype: numpy.dtype[Any] | None) -> Array | None:
    if array is None or dtype is None or array.dtype.kind != "f":
        return array
    return array.astype(dtype)


def _float64(array: Array) -> Array:
    result: Array = get_array_module(array).asarray(array, dtype=numpy.float64)
    return result


def _dot(a: Array, b: Array) -> float:
    return float((a * b).sum())


# -- the failure message -----------------------------------------------------------------------


def _failure_message(
    func: Callable[..., FunctionOutputs],
    numerical: float,
    analytical: float,
    eps: float,
    atol: float,
    rtol: float,
    dtype: npt.DTypeLike | None,
    breakdown: list[tuple[str, float, float]],
    xs: tuple[Array, ...],
    params: tuple[Variable, ...],
    analytic: _Analytic,
) -> str:
    allowed = atol + rtol * abs(numerical)
    name = getattr(func, "__qualname__", None) or repr(func)
    mode = "with enable_double_backprop=True" if analytic.double else "on arrays"
    lines = [
        f"check_backward failed for {name}: the gradients from backward ({mode}) do not "
        "match numerical differentiation.",
        "Directional derivative along a random unit direction:",
        f"  numerical:  {numerical:.9g}",
        f"  backward:   {analytical:.9g}",
        f"  |difference| = {abs(numerical - analytical):.3g} > atol + rtol * |numerical| = "
        f"{atol:g} + {rtol:g} * {abs(numerical):.3g} = {allowed:.3g}",
        f"  (eps={eps:g}, dtype={None if dtype is None else numpy.dtype(dtype)})",
        "Per variable (numerical vs backward, each alone along its part of the direction):",
    ]
    for variable, part_numerical, part_analytical in breakdown:
        bad = abs(part_numerical - part_analytical) > atol + rtol * abs(part_numerical)
        lines.append(
            f"  {variable}: {part_numerical:.9g} vs {part_analytical:.9g}"
            + ("   <-- mismatch" if bad else "")
        )
    lines.append("Inputs:")
    lines += [f"  x_data[{i}] = {_show(x)}" for i, x in enumerate(xs)]
    lines += [f"  {param_name(i, p)} = {_show(p.array)}" for i, p in enumerate(params)]
    lines.append("Output gradients:")
    lines += [f"  y_grad[{i}] = {_show(gy)}" for i, gy in enumerate(analytic.grad_outputs)]
    lines.append("Gradients from backward:")
    lines += [
        f"  {variable} = {_show(grad)}"
        for (variable, _, _), grad in zip(breakdown, analytic.raw, strict=True)
    ]
    return "\n".join(lines)


def _show(array: Array | None) -> str:
    if array is None:
        return "None"
    host = to_cpu(array)
    with numpy.printoptions(precision=6, threshold=30, edgeitems=3, linewidth=80):
        text = numpy.array2string(host, separator=", ")
    return f"{text.replace(chr(10), ' ')} ({host.dtype}, shape {host.shape})"
