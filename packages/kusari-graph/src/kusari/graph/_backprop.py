"""The backward engine: ``Variable.backward``, :func:`backward` and :func:`grad`.

One loop serves all three.  Functions are popped from a max-heap on rank (FIFO among equal
ranks), so every function runs after all the functions that consume its outputs, and each
runs once.  Gradients wait in a table keyed by node until their creator is popped.

Two gradient representations exist:

* *array mode* (no double backprop): gradients are plain arrays, functions run
  :meth:`FunctionNode.backward_arrays` when they have it, and no graph is recorded;
* *Variable mode* (``enable_double_backprop=True``): gradients are Variables and every
  step is recorded, so the gradients can be differentiated again.
"""

from __future__ import annotations

import heapq
import warnings
from collections.abc import Sequence
from typing import Any

import numpy

from kusari.devices import Array, get_array_module, is_array

from . import _config
from ._function_hook import _merged_hooks
from ._function_node import FunctionNode, _local_hooks_used, _select_targets
from ._variable import Variable, _make_variable, _type_name
from ._variable_node import VariableNode

__all__ = ["backward", "backward_from_variable", "grad"]

_ndarray = numpy.ndarray
_T0 = (0,)
_T1 = (1,)
_T01 = (0, 1)
_NONE: tuple[int, ...] = ()

Grad = Any  # an array (array mode) or a Variable (Variable mode)


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
        enable_double_backprop: Record the backward computation for double backprop.

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
        enable_double_backprop: Record the computation for double backprop.
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
            result = _make_variable(_as_owned_array(g), False)
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


def _run(
    roots: list[tuple[VariableNode, Grad]],
    *,
    double: bool,
    retain_grad: bool,
    loss_scale: float | None,
    release: bool,
    allowed: set[FunctionNode] | None = None,
    reachable: set[VariableNode] | None = None,
    capture: set[VariableNode] | None = None,
    initial: dict[VariableNode, Grad] | None = None,
) -> dict[VariableNode, Grad]:
    """Backpropagate from ``roots``; return the gradients of the ``capture`` nodes.

    Without ``capture`` (backward mode) the leaves reached get their gradients accumulated
    into ``grad``/``grad_var``; with it (``grad()`` mode) the leaves are left alone.
    """
    grads: dict[VariableNode, Grad] = {} if initial is None else dict(initial)
    leaves: dict[VariableNode, None] = {}
    captured: dict[VariableNode, Grad] = {}
    assign_leaves = capture is None
    heap: list[tuple[int, int, FunctionNode]] = []
    seen: set[FunctionNode] = set()
    counter = 0
    processed: list[FunctionNode] = []
    push = heapq.heappush
    pop = heapq.heappop
    snapshot = _config.current()
    debug = snapshot.debug
    global_hooks = snapshot.hooks
    any_local_hooks = _local_hooks_used[0]

    for node, g in roots:
        prev = grads.get(node)
        grads[node] = g if prev is None else prev + g
        creator = node._creator_node
        if creator is not None and (allowed is None or creator in allowed):
            if creator not in seen:
                seen.add(creator)
                push(heap, (-creator._rank, counter, creator))
                counter += 1
        elif assign_leaves and node._requires_grad and node not in leaves:
            leaves[node] = None
            _load_leaf_grad(node, grads, double)

    # ``plain``: no double backprop, debug checks or hooks, so a function that has
    # backward_arrays runs it directly (the hot path of ``loss.backward()``).
    plain = not double and not debug and not global_hooks and not any_local_hooks
    grads_pop = grads.pop
    grads_get = grads.get
    # When a function finds exactly one new creator and the heap is empty, that creator is
    # necessarily the next function: it is kept in ``next_func`` and skips the heap (a
    # chain then never touches the heap).  ``next_count`` is its FIFO position, in case
    # another creator turns up and it has to go into the heap after all.
    next_func: FunctionNode | None = None
    next_count = 0
    while next_func is not None or heap:
        if next_func is not None:
            func = next_func
            next_func = None
        else:
            func = pop(heap)[2]
        out_refs = func._outputs
        if len(out_refs) == 1:
            out = out_refs[0]()
            g = None if out is None else grads_pop(out, None)
            if g is None:
                continue
            if capture is not None and out in capture:
                captured[out] = g
            if retain_grad:
                _set_var_grad(out, g, double, None)  # type: ignore[arg-type]
            gys: tuple[Grad, ...] = (g,)
        else:
            gys_or_none = _pop_output_grads(func, grads, capture, captured, retain_grad, double)
            if gys_or_none is None:
                continue
            gys = gys_or_none

        inputs = func._inputs
        n_inputs = len(inputs)
        if reachable is None and n_inputs == 1:
            targets = _T0 if inputs[0]._requires_grad else _NONE
        elif reachable is None and n_inputs == 2:
            a = inputs[0]._requires_grad
            b = inputs[1]._requires_grad
            targets = (_T01 if b else _T0) if a else (_T1 if b else _NONE)
        else:
            targets = tuple(
                [
                    i
                    for i, x in enumerate(inputs)
                    if x._requires_grad and (reachable is None or x in reachable)
                ]
            )
        if not targets:
            continue

        if plain and type(func)._plain_backward:
            gxs = func.backward_arrays(targets, gys)
            if len(gxs) != len(targets):
                gxs = _select_targets(func, targets, gxs)
        else:
            gxs = _step(
                func,
                targets,
                gys,
                grads,
                leaves,
                double,
                assign_leaves,
                debug,
                _merged_hooks(func) if any_local_hooks else global_hooks,
            )

        for i, gx in zip(targets, gxs, strict=True):
            if gx is None:
                continue
            x = inputs[i]
            prev = grads_get(x)
            if prev is None:
                creator = x._creator_node
                if creator is not None and (allowed is None or creator in allowed):
                    if creator not in seen:
                        seen.add(creator)
                        if next_func is None and not heap:
                            next_func = creator
                            next_count = counter
                        else:
                            if next_func is not None:
                                push(heap, (-next_func._rank, next_count, next_func))
                                next_func = None
                            push(heap, (-creator._rank, counter, creator))
                        counter += 1
                elif assign_leaves and x not in leaves:
                    leaves[x] = None
                    x._check_old_style_gradient()
                    prev = _load_leaf_grad(x, grads, double)
                grads[x] = gx if prev is None else prev + gx
            else:
                grads[x] = prev + gx

        if release:
            _release_after(func)
            processed.append(func)

    if capture is not None:
        for node in capture:
            if node not in captured:
                g = grads.get(node)
                if g is not None:
                    captured[node] = g
    if assign_leaves:
        assigned: set[int] = set()
        for node in leaves:
            g = grads.get(node)
            if g is None:
                continue
            if not double:
                # Two leaves must not share one gradient array: in-place updates of one
                # (e.g. weight decay) would change the other.
                if id(g) in assigned:
                    g = g.copy()
                assigned.add(id(g))
            _set_var_grad(node, g, double, loss_scale)
    if release:
        for func in processed:
            for x in func.inputs:
                if x._data is not None:
                    x._data = None
    return captured


def _pop_output_grads(
    func: FunctionNode,
    grads: dict[VariableNode, Grad],
    capture: set[VariableNode] | None,
    captured: dict[VariableNode, Grad],
    retain_grad: bool,
    double: bool,
) -> tuple[Grad, ...] | None:
    """Take the gradients of a function's outputs out of the table (None if there are none)."""
    gys: list[Grad] = []
    has_grad = False
    for ref in func._outputs:
        out = ref()
        if out is None:
            gys.append(None)
            continue
        g = grads.pop(out, None)
        if g is not None:
            has_grad = True
            if capture is not None and out in capture:
                captured[out] = g
            if retain_grad:
                _set_var_grad(out, g, double, None)
        gys.append(g)
    return tuple(gys) if has_grad else None


def _step(
    func: FunctionNode,
    targets: tuple[int, ...],
    gys: tuple[Grad, ...],
    grads: dict[VariableNode, Grad],
    leaves: dict[VariableNode, None],
    double: bool,
    assign_leaves: bool,
    debug: bool,
    hooks: Any,
) -> tuple[Grad, ...]:
    """One function's backward, in general: hooks, debug checks, every backward flavour."""
    if hooks:
        in_data = tuple([x._data for x in func.inputs])
        out_grad = _arrays_of(gys) if double else gys
        for hook in hooks.values():
            hook.backward_preprocess(func, in_data, out_grad)
    cls = type(func)
    try:
        if cls._has_backward_accumulate:
            gxs = _accumulate_step(func, targets, gys, grads, leaves, double, assign_leaves)
        elif double:
            gxs = _variables_of(func, func._backward_targets(targets, gys))
        elif cls._fast_backward:
            gxs = _select_targets(func, targets, func.backward_arrays(targets, gys))
        else:
            gy_vars = tuple(
                [None if g is None else _make_variable(_as_owned_array(g), False) for g in gys]
            )
            gxs = _arrays_of(_select_targets(func, targets, func.backward(targets, gy_vars)))
        if debug:
            _debug_check(func, targets, gxs, double)
    except Exception as error:
        stack = func.stack
        if stack:
            import traceback

            error.add_note(
                f"The error happened in the backward of {func.label}, which was applied "
                "at:\n" + "".join(traceback.format_list(stack))
            )
        raise
    if hooks:
        for hook in hooks.values():
            hook.backward_postprocess(func, in_data, out_grad)
    return gxs


def _load_leaf_grad(node: VariableNode, grads: dict[VariableNode, Grad], double: bool) -> Grad:
    """Move a leaf's existing gradient into the table (returns it, or None)."""
    variable = node._variable()
    if variable is None or not variable._grad_valid:
        return None
    existing: Grad
    if double:
        existing = variable._grad_var
        if existing is None and variable._grad is not None:
            existing = _make_variable(variable._grad, False)
    else:
        grad_var = variable._grad_var
        existing = variable._grad if grad_var is None else grad_var._data[0]
    if existing is not None:
        prev = grads.get(node)
        grads[node] = existing if prev is None else existing + prev
    return existing


def _as_owned_array(g: Any) -> Array:
    """A gradient fit to be stored: an array (not a NumPy scalar) that may be written to."""
    if type(g) is not _ndarray:
        if isinstance(g, numpy.generic):
            return numpy.asarray(g)
        return g  # type: ignore[no-any-return]
    if not g.flags.writeable:
        return g.copy()
    return g


def _set_var_grad(node: VariableNode, g: Grad, double: bool, loss_scale: float | None) -> None:
    variable = node._variable()
    if variable is None:
        return
    if double:
        variable._grad = None
        variable._grad_var = g
    else:
        variable._grad = _as_owned_array(g)
        variable._grad_var = None
    variable._grad_valid = True
    if loss_scale is not None:
        variable._loss_scale = loss_scale


def _accumulate_step(
    func: FunctionNode,
    targets: tuple[int, ...],
    gys: tuple[Grad, ...],
    grads: dict[VariableNode, Grad],
    leaves: dict[VariableNode, None],
    double: bool,
    assign_leaves: bool,
) -> tuple[Grad, ...]:
    """Run ``backward_accumulate``: the inputs' current gradients go in, the sums come out."""
    inputs = func.inputs
    seen: set[VariableNode] = set()
    grad_inputs: list[Variable | None] = []
    for i in targets:
        x = inputs[i]
        if x in seen:
            grad_inputs.append(None)
            continue
        seen.add(x)
        if assign_leaves and x._creator_node is None and x not in leaves:
            leaves[x] = None
            _load_leaf_grad(x, grads, double)
        g = grads.pop(x, None)
        grad_inputs.append(g if double or g is None else _make_variable(_as_owned_array(g), False))
    gy_vars = (
        gys if double else tuple(None if g is None else _make_variable(g, False) for g in gys)
    )
    result = func.backward_accumulate(targets, gy_vars, tuple(grad_inputs))
    if len(result) != len(targets):
        raise ValueError(
            f"{func.label}.backward_accumulate returned {len(result)} gradients; expected one "
            f"per target input ({len(targets)})"
        )
    return _variables_of(func, result) if double else _arrays_of(result)


def _arrays_of(values: tuple[Any, ...]) -> tuple[Array | None, ...]:
    return tuple([v._data[0] if isinstance(v, Variable) else v for v in values])


def _variables_of(func: FunctionNode, values: tuple[Any, ...]) -> tuple[Variable | None, ...]:
    result: list[Variable | None] = []
    for v in values:
        if v is None or isinstance(v, Variable):
            result.append(v)
        elif is_array(v):
            result.append(_make_variable(v, False))
        else:
            raise TypeError(
                f"{func.label}.backward must return Variables, arrays or None, got {_type_name(v)}"
            )
    return tuple(result)


def _debug_check(
    func: FunctionNode, targets: tuple[int, ...], gxs: tuple[Grad, ...], double: bool
) -> None:
    inputs = func.inputs
    for i, gx in zip(targets, gxs, strict=True):
        if gx is None:
            continue
        array = gx._data[0] if double else gx
        node = inputs[i]
        if node.shape is not None and tuple(array.shape) != tuple(node.shape):
            raise ValueError(
                f"{func.label}.backward returned a gradient of shape {array.shape} for input "
                f"#{i}, whose shape is {node.shape}"
            )
        if node.dtype is not None and array.dtype != node.dtype:
            raise ValueError(
                f"{func.label}.backward returned a gradient of dtype {array.dtype} for input "
                f"#{i}, whose dtype is {node.dtype}"
            )
        if array.dtype.kind in "fc" and bool(get_array_module(array).isnan(array).any()):
            raise RuntimeError(f"NaN is detected on backward computation of {func.label}")


def _release_after(func: FunctionNode) -> None:
    """Drop the arrays only this function's backward needed (release_retained mode)."""
    if getattr(func, "_retained_output_data", None) is not None:
        func._retained_output_data = None
    for ref in func.outputs:
        out = ref()
        if out is not None and out._data is not None:
            out._data = None
