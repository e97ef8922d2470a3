"""``check_double_backward``: the gradients of gradients against numerical differentiation."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy.typing as npt

from kusari.devices import Array

from ._backprop import grad
from ._gradient_check_args import (
    Arrays,
    FunctionOutputs,
    OptionalArrays,
    Params,
    as_array_tuple,
    as_optional_array_tuple,
    as_output_tuple,
    as_params,
    resolve_no_grads,
)
from ._gradient_check_backward import check_backward
from ._variable import Variable

__all__ = ["check_double_backward"]


def check_double_backward(
    func: Callable[..., FunctionOutputs],
    x_data: Arrays,
    y_grad: OptionalArrays | None,
    x_grad_grad: OptionalArrays,
    params: Params = (),
    params_grad_grad: OptionalArrays = (),
    eps: float = 1e-3,
    atol: float = 1e-4,
    rtol: float = 1e-3,
    no_grads: Sequence[bool] | None = None,
    dtype: npt.DTypeLike | None = None,
    detect_nondifferentiable: bool = False,
) -> None:
    """Check the second-order gradients of ``func`` against numerical differentiation.

    It builds the first-order gradient function
    ``g(x..., gy...) = grad(func(x...), x... + params, gy..., enable_double_backprop=True)``
    and runs :func:`check_backward` on it, with ``x_grad_grad`` and ``params_grad_grad``
    as the gradients of its outputs. So the gradients of ``<g, grad_grad>`` with respect
    to the inputs, the output gradients ``y_grad`` and the parameters are all checked:
    the backward of ``func``'s backward must be right. Gradients that the first-order pass
    leaves as ``None`` count as zeros. The first-order gradients themselves are not
    compared with anything here (a wrong backward that is differentiated consistently
    passes); check them with :func:`check_backward`.

    Args:
        func: The function to check (as for :func:`check_backward`).
        x_data: The input arrays.
        y_grad: The output gradients (``None`` entries for outputs without one), or
            ``None`` when ``func`` returns a loss (every output has one element).
        x_grad_grad: The gradients of the first-order input gradients: one per input, or
            one per input whose gradient is checked (see ``no_grads``); entries for
            unchecked inputs must be ``None``.
        params: Variables used by ``func`` whose gradients are checked too.
        params_grad_grad: The gradients of the first-order parameter gradients, one per
            parameter.
        eps: The step of the numerical differentiation.
        atol: Absolute tolerance.
        rtol: Relative tolerance.
        no_grads: One flag per input; ``True`` leaves its gradient unchecked (default:
            the inputs that are not floating point).
        dtype: The dtype of the numerical side (see :func:`check_backward`).
        detect_nondifferentiable: Whether to check that the first-order gradient is
            differentiable at ``x_data``.

    Raises:
        AssertionError: If the gradients do not match (see :func:`check_backward`; the
            variables are named after the inputs of the first-order gradient function:
            ``x_data[i]`` for the inputs, then one per output gradient).
        NondifferentiableError: See ``detect_nondifferentiable``.
        TypeError: If an argument has the wrong type.
        ValueError: If an argument has the wrong length, shape or range.

    Example:
        >>> import numpy
        >>> from kusari.graph.gradient_check import check_double_backward
        >>> x = numpy.random.uniform(-1, 1, (3,))
        >>> gy = numpy.random.uniform(-1, 1, (3,))
        >>> ggx = numpy.random.uniform(-1, 1, (3,))
        >>> check_double_backward(lambda v: v * v * v, x, gy, ggx)
    """
    xs = as_array_tuple(x_data, "x_data")
    skip = resolve_no_grads(no_grads, xs)
    param_list = as_params(params)
    checked = [i for i, s in enumerate(skip) if not s]
    ggxs = _grad_grads(as_optional_array_tuple(x_grad_grad, "x_grad_grad"), skip, checked)
    ggps = as_optional_array_tuple(params_grad_grad, "params_grad_grad")
    if len(ggps) != len(param_list):
        raise ValueError(
            f"params_grad_grad has {len(ggps)} entries but there are {len(param_list)} "
            "params; give one per parameter"
        )
    gys = None if y_grad is None else as_optional_array_tuple(y_grad, "y_grad")
    with_grad = [] if gys is None else [j for j, gy in enumerate(gys) if gy is not None]
    n_x = len(xs)

    def first_order_grad(*inputs: Variable) -> tuple[Variable, ...]:
        x_vars = inputs[:n_x]
        outputs = as_output_tuple(func(*x_vars))
        if gys is None:
            targets = list(outputs)
            grad_outputs: list[Variable] | None = None
        else:
            if len(outputs) != len(gys):
                raise ValueError(
                    f"y_grad has {len(gys)} entries but func returned {len(outputs)} "
                    "output(s); give one gradient (or None) per output"
                )
            targets = [outputs[j] for j in with_grad]
            grad_outputs = list(inputs[n_x:])
        wrt = [x_vars[i] for i in checked] + list(param_list)
        gxs = grad(targets, wrt, grad_outputs, enable_double_backprop=True)
        return tuple(_zeros_like(v) if g is None else g for g, v in zip(gxs, wrt, strict=True))

    inner_x = xs + tuple(gy for gy in (gys or ()) if gy is not None)
    inner_no_grads = skip + [False] * (len(inner_x) - n_x)
    check_backward(
        first_order_grad,
        inner_x,
        ggxs + ggps,
        params=param_list,
        eps=eps,
        atol=atol,
        rtol=rtol,
        no_grads=inner_no_grads,
        dtype=dtype,
        detect_nondifferentiable=detect_nondifferentiable,
    )


def _grad_grads(
    ggxs: tuple[Array | None, ...], skip: list[bool], checked: list[int]
) -> tuple[Array | None, ...]:
    if len(ggxs) == len(skip):
        for position, (gg, skipped) in enumerate(zip(ggxs, skip, strict=True)):
            if skipped and gg is not None:
                raise ValueError(
                    f"x_grad_grad[{position}] must be None: the gradient of x_data[{position}] "
                    "is not checked (no_grads)"
                )
        return tuple(ggxs[i] for i in checked)
    if len(ggxs) == len(checked):
        return ggxs
    raise ValueError(
        f"x_grad_grad has {len(ggxs)} entries; give one per input ({len(skip)}) or one per "
        f"input whose gradient is checked ({len(checked)})"
    )


def _zeros_like(variable: Variable) -> Variable:
    data = variable.array
    assert data is not None
    return Variable(variable.xp.zeros_like(data), requires_grad=False)
