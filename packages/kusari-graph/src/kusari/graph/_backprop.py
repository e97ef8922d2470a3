"""The entry points of backpropagation: ``Variable.backward``, :func:`backward`, :func:`grad`.

They check their arguments, set up the initial gradients and call the one backward loop
of :mod:`._backprop_engine`; :func:`grad` first selects the subgraph between its inputs
and outputs.

Two gradient representations exist:

* *array mode* (no double backprop): gradients are plain arrays, functions run
  :meth:`FunctionNode.backward_arrays` when they have it, and no graph is recorded;
* *Variable mode* (``enable_double_backprop=True``): gradients are Variables and every
  step is recorded, so the gradients can be differentiated again.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from kusari.devices import Array, get_array_module, is_array

from . import _config
from ._backprop_engine import run as _run
from ._backprop_grads import Grad, as_owned_array
from ._function_node import FunctionNode
from ._variable import Variable, _make_variable, _type_name
from ._variable_node import VariableNode

__all__ = ["backward", "backward_from_variable", "grad"]


def _ones_like(array: Array) -> Array:
    ones: Array = get_array_module(array).ones_like(array)
    return ones


def backward_from_variable(
    variable: Variable,
    retain_grad: bool,
    enable_double_backprop: bool,
    loss_scale: float | None,
    release_retained: bool,
) -> None:
    """Run ``variable.backward(...)`` (see :meth:`Variable.backward`)."""
    node = variable._node
    if node is not None:
        node._check_old_style_gradient()
    if node is None or node._creator_node is None:
        return  # a leaf: nothing to do, its gradient stays as it is
    data = variable._data[0]
    if data is None:
        raise RuntimeError("cannot run backward from an uninitialized Variable")
    grad_var = variable._grad_var if variable._grad_valid else None
    grad_array = variable._grad if variable._grad_valid else None
    if grad_var is None and grad_array is None:
        if data.size != 1:
            raise ValueError(
                f"backward() needs an initial gradient for a Variable of shape {data.shape}: "
                "set its .grad (an array of the same shape) first, or reduce it to a "
                "scalar (e.g. with kusari.functions.sum)"
            )
        if data.ndim != 0:
            warnings.warn(
                "Treating a variable with only one element as a scalar in Variable.backward "
                "is deprecated. A scalar variable must be a 0-dimensional array. Apply "
                "kusari.functions.squeeze (or reshape(())) to obtain a scalar variable. If "
                "the size of this variable accidentally becomes one, set zero to grad.",
                DeprecationWarning,
                stacklevel=3,
            )
        grad_array = _ones_like(data)
    initial: Grad
    if enable_double_backprop:
        initial = grad_var if grad_var is not None else _make_variable(grad_array, False)
        if loss_scale is not None:
            initial = initial * loss_scale
    else:
        initial = grad_array if grad_var is None else grad_var._data[0]
        if loss_scale is not None:
            initial = initial * loss_scale
    saved = (variable._grad, variable._grad_var)
    variable._grad = None
    variable._grad_var = None
    try:
        with _config.using_config("enable_backprop", enable_double_backprop):
            _run(
                [(node, initial)],
                double=enable_double_backprop,
                retain_grad=retain_grad,
                loss_scale=loss_scale,
                release=release_retained,
            )
    except BaseException:
        # Leaf gradients are only written at the end, so restoring the output's own
        # gradient leaves every Variable as it was.
        variable._grad, variable._grad_var = saved
        raise


def backward(
    outputs: Sequence[Variable],
    grad_outputs: Sequence[Variable | Array | None] | None = None,
    *,
    enable_double_backprop: bool = False,
) -> None:
    """Run backpropagation from several outputs at once.

    Each output starts from the matching entry of ``grad_outputs``, or, when it is
    ``None``, from the output's own gradient (no ones are assumed; an output without a
    gradient is skipped with a warning).  Leaf gradients accumulate as in
    :meth:`Variable.backward`.

    Args:
        outputs: The output Variables.
        grad_outputs: Their initial gradients.
        enable_double_backprop: Record the backward computation for double backprop
            (see :meth:`Variable.backward` for ``config.lazy_grad_sum``).

    Raises:
        TypeError: If ``outputs`` is not a sequence of Variables.
        ValueError: If ``grad_outputs`` and ``outputs`` differ in length.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable, backward
        >>> x = Variable(numpy.array([1.0, 2.0]))
        >>> y, z = x * 2, x * x
        >>> backward([y, z], [numpy.ones(2), numpy.ones(2)])
        >>> x.grad
        array([4., 6.])
    """
    if not isinstance(outputs, (tuple, list)):
        raise TypeError(f"outputs must be a tuple or a list, got {_type_name(outputs)}")
    for y in outputs:
        if not isinstance(y, Variable):
            raise TypeError(f"each output must be a Variable, got {_type_name(y)}")
    if grad_outputs is not None:
        if not isinstance(grad_outputs, (tuple, list)):
            raise TypeError(
                f"grad_outputs must be a tuple or a list, got {_type_name(grad_outputs)}"
            )
        if len(grad_outputs) != len(outputs):
            raise ValueError(
                "grad_outputs must have one entry per output: "
                f"len(outputs) = {len(outputs)}, len(grad_outputs) = {len(grad_outputs)}"
            )
    else:
        grads: list[Variable | Array | None] = []
        for y in outputs:
            grad_var = y.grad_var
            if grad_var is None:
                warnings.warn(
                    "outputs contains a Variable without a gradient, or the same output "
                    "twice; kusari.graph.backward() does not assume ones for outputs",
                    RuntimeWarning,
                    stacklevel=2,
                )
            y._grad = None
            y._grad_var = None
            grads.append(grad_var)
        grad_outputs = grads
    roots = []
    for y, gy in zip(outputs, grad_outputs, strict=True):
        if gy is None:
            continue
        roots.append((y.node, _as_grad(gy, enable_double_backprop, y, "grad_outputs")))
    for node, _ in roots:
        node._check_old_style_gradient()
    with _config.using_config("enable_backprop", enable_double_backprop):
        _run(
            roots,
            double=enable_double_backprop,
            retain_grad=False,
            loss_scale=None,
            release=False,
        )


def _as_grad(value: Variable | Array, double: bool, like: Variable, what: str) -> Grad:
    if isinstance(value, Variable):
        if double:
            return value
        return value._require_array("gradient")
    if not is_array(value):
        raise TypeError(
            f"each entry of {what} must be a Variable, an array or None, got {_type_name(value)}"
        )
    if like._data[0] is not None:
        like._check_grad(value)
    return _make_variable(value, False) if double else value


def grad(
    outputs: Sequence[Variable],
    inputs: Sequence[Variable],
    grad_outputs: Sequence[Variable | Array | None] | None = None,
    grad_inputs: Sequence[Variable | Array | None] | None = None,
    set_grad: bool = False,
    retain_grad: bool = False,
    enable_double_backprop: bool = False,
    loss_scale: float | None = None,
) -> list[Variable | None]:
    """Compute the gradients of ``outputs`` with respect to ``inputs``, and return them.

    Only the part of the graph between the inputs and the outputs is traversed, and the
    ``grad`` of the inputs is left alone unless ``set_grad`` is true.  With
    ``enable_double_backprop=True`` the returned gradients have creators, so a function of
    them can be differentiated again (gradient penalties, Hessian-vector products).

    Args:
        outputs: The output Variables.
        inputs: The Variables to differentiate with respect to.
        grad_outputs: The gradients of the outputs; ``None`` (or a ``None`` entry) means
            ones.
        grad_inputs: Gradients to add to the results (out of place).
        set_grad: Also store each result as the input's ``grad_var``.
        retain_grad: Keep the gradients of the intermediate Variables traversed.
        enable_double_backprop: Record the computation for double backprop
            (see :meth:`Variable.backward` for ``config.lazy_grad_sum``).
        loss_scale: Multiply the initial gradients by this factor.

    Returns:
        One gradient Variable per input (``None`` where the outputs do not depend on it).

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable, grad
        >>> x = Variable(numpy.array([1.0, 2.0]))
        >>> y = (x ** 3).mean()
        >>> (gx,) = grad([y], [x], enable_double_backprop=True)
        >>> gx
        variable([1.5, 6. ])
        >>> (ggx,) = grad([gx.mean()], [x])
        >>> ggx
        variable([1.5, 3. ])
        >>> x.grad is None
        True
    """
    for name, seq in (("outputs", outputs), ("inputs", inputs)):
        if not isinstance(seq, (tuple, list)):
            raise TypeError(f"{name} must be a tuple or a list, got {_type_name(seq)}")
        for v in seq:
            if not isinstance(v, Variable):
                raise TypeError(f"each entry of {name} must be a Variable, got {_type_name(v)}")
    if grad_outputs is not None and len(grad_outputs) != len(outputs):
        raise ValueError(
            "grad_outputs must have one entry per output: "
            f"len(outputs) = {len(outputs)}, len(grad_outputs) = {len(grad_outputs)}"
        )
    if grad_inputs is not None and len(grad_inputs) != len(inputs):
        raise ValueError(
            "grad_inputs must have one entry per input: "
            f"len(inputs) = {len(inputs)}, len(grad_inputs) = {len(grad_inputs)}"
        )
    double = enable_double_backprop
    input_nodes = [x.node for x in inputs]
    output_nodes = [y.node for y in outputs]
    for node in output_nodes:
        node._check_old_style_gradient()

    allowed, reachable = _subgraph(output_nodes, input_nodes)

    roots = []
    for i, (y, node) in enumerate(zip(outputs, output_nodes, strict=True)):
        gy = None if grad_outputs is None else grad_outputs[i]
        if gy is None:
            data = y._require_array("gradient")
            initial: Grad = _ones_like(data)
            if double:
                initial = _make_variable(initial, False)
        else:
            initial = _as_grad(gy, double, y, "grad_outputs")
        if loss_scale is not None:
            initial = initial * loss_scale
        roots.append((node, initial))

    initial_inputs: dict[VariableNode, Grad] = {}
    if grad_inputs is not None:
        for x, node, gx in zip(inputs, input_nodes, grad_inputs, strict=True):
            if gx is not None:
                g = _as_grad(gx, double, x, "grad_inputs")
                prev = initial_inputs.get(node)
                initial_inputs[node] = g if prev is None else prev + g

    with _config.using_config("enable_backprop", double):
        captured = _run(
            roots,
            double=double,
            retain_grad=retain_grad,
            loss_scale=loss_scale,
            release=False,
            allowed=allowed,
            reachable=reachable,
            capture=set(input_nodes),
            initial=initial_inputs,
        )

    results: list[Variable | None] = []
    for x, node in zip(inputs, input_nodes, strict=True):
        g = captured.get(node)
        if g is None:
            result = None
        elif double:
            result = g
        else:
            result = _make_variable(as_owned_array(g), False)
        if set_grad:
            x._set_grad_unchecked(None, result)
        results.append(result)
    return results


def _subgraph(
    output_nodes: list[VariableNode], input_nodes: list[VariableNode]
) -> tuple[set[FunctionNode], set[VariableNode]]:
    """The functions and nodes on some path from an input to an output."""
    funcs: set[FunctionNode] = set()
    stack = [n._creator_node for n in output_nodes if n._creator_node is not None]
    while stack:
        func = stack.pop()
        if func in funcs:
            continue
        funcs.add(func)
        for x in func.inputs:
            creator = x._creator_node
            if creator is not None and x._requires_grad and creator not in funcs:
                stack.append(creator)
    reachable: set[VariableNode] = set(input_nodes)
    allowed: set[FunctionNode] = set()
    for func in sorted(funcs, key=lambda f: f.rank):
        if any(x in reachable for x in func.inputs):
            allowed.add(func)
            for ref in func.outputs:
                out = ref()
                if out is not None:
                    reachable.add(out)
    return allowed, reachable
