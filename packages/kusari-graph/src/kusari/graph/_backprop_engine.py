"""The backward loop shared by ``Variable.backward``, :func:`backward` and :func:`grad`.

Functions are popped from a max-heap on rank (FIFO among equal ranks), so every function
runs after all the functions that consume its outputs, and each runs once.  Gradients wait
in the table of :mod:`._backprop_grads` until their node's creator is popped.

In array mode without hooks or debug checks, a function that has
:meth:`~kusari.graph.FunctionNode.backward_arrays` runs it directly (the hot path of
``loss.backward()``); every other case goes through :func:`_step`.
"""

from __future__ import annotations

import heapq
from typing import Any

from kusari.devices import get_array_module

from . import _config
from ._backprop_grads import (
    Grad,
    LazyGradTable,
    accumulate_step,
    arrays_of,
    as_owned_array,
    load_leaf_grad,
    set_var_grad,
    variables_of,
)
from ._function_hook import _merged_hooks
from ._function_node import FunctionNode, _select_targets
from ._function_node_hooks import local_hooks_used as _local_hooks_used
from ._variable import _make_variable
from ._variable_node import VariableNode

__all__ = ["run"]

_T0 = (0,)
_T1 = (1,)
_T01 = (0, 1)
_NONE: tuple[int, ...] = ()


def run(
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
    snapshot = _config.current()
    grads: dict[VariableNode, Grad]
    if double and snapshot.values["lazy_grad_sum"]:
        grads = LazyGradTable(initial)
    else:
        grads = {} if initial is None else dict(initial)
    leaves: dict[VariableNode, None] = {}
    captured: dict[VariableNode, Grad] = {}
    assign_leaves = capture is None
    heap: list[tuple[int, int, FunctionNode]] = []
    seen: set[FunctionNode] = set()
    counter = 0
    processed: list[FunctionNode] = []
    push = heapq.heappush
    pop = heapq.heappop
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
            load_leaf_grad(node, grads, double)

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
                set_var_grad(out, g, double, None)  # type: ignore[arg-type]
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
                    prev = load_leaf_grad(x, grads, double)
                grads[x] = gx if prev is None else prev + gx
            else:
                grads[x] = prev + gx

        if release:
            _release_after(func)
            processed.append(func)

    if capture is not None:
        for node in capture:
            if node not in captured:
                g = grads.pop(node, None)
                if g is not None:
                    captured[node] = g
    if assign_leaves:
        assigned: set[int] = set()
        for node in leaves:
            g = grads.pop(node, None)
            if g is None:
                continue
            if not double:
                # Two leaves must not share one gradient array: in-place updates of one
                # (e.g. weight decay) would change the other.
                if id(g) in assigned:
                    g = g.copy()
                assigned.add(id(g))
            set_var_grad(node, g, double, loss_scale)
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
                set_var_grad(out, g, double, None)
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
        out_grad = arrays_of(gys) if double else gys
        for hook in hooks.values():
            hook.backward_preprocess(func, in_data, out_grad)
    cls = type(func)
    try:
        if cls._has_backward_accumulate:
            gxs = accumulate_step(func, targets, gys, grads, leaves, double, assign_leaves)
        elif double:
            gxs = variables_of(func, func._backward_targets(targets, gys))
        elif cls._fast_backward:
            gxs = _select_targets(func, targets, func.backward_arrays(targets, gys))
        else:
            gy_vars = tuple(
                [None if g is None else _make_variable(as_owned_array(g), False) for g in gys]
            )
            gxs = arrays_of(_select_targets(func, targets, func.backward(targets, gy_vars)))
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
