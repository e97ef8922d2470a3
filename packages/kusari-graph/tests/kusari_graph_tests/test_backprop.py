from __future__ import annotations

import gc
from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import FunctionHook, FunctionNode, Variable, backward, grad

from ._numeric import numerical_grad, present


class BackwardOrder(FunctionHook):
    name = "order"

    def __init__(self) -> None:
        self.labels: list[str] = []

    def backward_preprocess(self, function: Any, in_data: Any, out_grad: Any) -> None:
        self.labels.append(function.label)


class Tag(FunctionNode):
    """Identity with a name, to observe the backward order."""

    def __init__(self, tag: str) -> None:
        self.tag = tag

    @property
    def label(self) -> str:
        return self.tag

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        return (inputs[0].copy(),)

    def backward(
        self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        return grad_outputs


def tag(x: Variable, name: str) -> Variable:
    return Tag(name).apply((x,))[0]


def scalar(value: float = 1.0) -> Variable:
    return Variable(numpy.array(value))


def test_rank_order_with_fifo_ties() -> None:
    # a -> b -> d, a -> c, e = d + c: backward runs d, c, b (as in Chainer).
    a = Variable(numpy.ones(2))
    b = tag(a, "b")
    d = tag(b, "d")
    c = tag(a, "c")
    e = F.sum(d + c)
    with BackwardOrder() as hook:
        e.backward()
    assert hook.labels == ["Sum", "Add", "d", "c", "b"]
    numpy.testing.assert_array_equal(a.grad, [2.0, 2.0])


def test_diamond_and_composite_match_numerical_gradient() -> None:
    x_array = numpy.array([0.3, -0.7, 1.1])
    w_array = numpy.array([0.5, 0.2, -0.4])

    def compute(x: Any, w: Any, lib: Any) -> Any:
        a = lib.tanh(x) * w
        b = lib.exp(x * 0.5) + w
        return (a * b + a / (b * b + 1.0)) ** 2

    x = Variable(x_array.copy())
    w = Variable(w_array.copy())
    y = compute(x, w, F)
    gy = numpy.array([1.0, -2.0, 0.5])
    y.grad = gy
    y.backward()
    xs = [x_array.copy(), w_array.copy()]
    expected = numerical_grad(lambda: compute(xs[0], xs[1], numpy), xs, gy)
    numpy.testing.assert_allclose(present(x.grad), expected[0], rtol=1e-6)
    numpy.testing.assert_allclose(present(w.grad), expected[1], rtol=1e-6)


def test_variable_reused_many_times_accumulates() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    y = x
    for _ in range(50):
        y = y + x
    F.sum(y).backward()
    numpy.testing.assert_array_equal(x.grad, [51.0, 51.0])
    z = Variable(numpy.array(3.0))
    (z + z).backward()
    assert z.grad == 2.0


def test_shared_subgraph_runs_each_function_once() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    shared = tag(x, "shared")
    y = F.sum(shared * 2 + shared * 3)
    with BackwardOrder() as hook:
        y.backward()
    assert hook.labels.count("shared") == 1
    numpy.testing.assert_array_equal(x.grad, [5.0, 5.0])


def test_unused_output_and_none_gradients() -> None:
    class TwoOut(FunctionNode):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0] * 2, inputs[0] * 3)

        def backward(
            self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
        ) -> tuple[Variable | None, ...]:
            g0, g1 = grad_outputs
            assert g1 is None  # the second output is not used
            assert g0 is not None
            return (g0 * 2,)

    x = Variable(numpy.array([1.0]))
    y0, _ = TwoOut().apply((x,))
    F.sum(y0).backward()
    numpy.testing.assert_array_equal(x.grad, [2.0])

    class NoGrad(FunctionNode):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0] + inputs[1],)

        def backward(
            self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
        ) -> tuple[Variable | None, ...]:
            return (grad_outputs[0], None)

    a = Variable(numpy.array([1.0]))
    b = Variable(numpy.array([1.0]))
    (y,) = NoGrad().apply((a, b))
    F.sum(y).backward()
    numpy.testing.assert_array_equal(a.grad, [1.0])
    assert b.grad is None


def test_multi_output_function_combines_both_gradients() -> None:
    class SumDiff(FunctionNode):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            a, b = inputs
            return (a + b, a - b)

        def backward(
            self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
        ) -> tuple[Variable | None, ...]:
            gs, gd = grad_outputs
            assert gs is not None
            assert gd is not None
            return (gs + gd, gs - gd)

    a = Variable(numpy.array([2.0]))
    b = Variable(numpy.array([5.0]))
    s, d = SumDiff().apply((a, b))
    F.sum(s * 3 + d * d).backward()
    # d(3(a+b) + (a-b)^2)/da = 3 + 2(a-b) = -3, /db = 3 - 2(a-b) = 9
    numpy.testing.assert_array_equal(a.grad, [-3.0])
    numpy.testing.assert_array_equal(b.grad, [9.0])


def test_unchain_in_the_middle_makes_a_new_leaf() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    h = x * 2
    h.unchain()
    F.sum(h * h).backward()
    assert x.grad is None
    numpy.testing.assert_array_equal(h.grad, [4.0, 8.0])


def test_repeated_backward_accumulates_out_of_place() -> None:
    x = Variable(numpy.array([1.0, 2.0, 3.0]))
    F.sum(x * x).backward()
    first = x.grad
    numpy.testing.assert_array_equal(first, [2.0, 4.0, 6.0])
    F.sum(x * x).backward()
    numpy.testing.assert_array_equal(x.grad, [4.0, 8.0, 12.0])
    assert x.grad is not first
    numpy.testing.assert_array_equal(first, [2.0, 4.0, 6.0])


def test_intermediate_gradients_are_dropped_unless_retained() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    h = x * x
    y = F.sum(h)
    y.backward()
    assert h.grad is None
    assert y.grad is None
    x.cleargrad()
    h = x * x
    y = F.sum(h)
    y.backward(retain_grad=True)
    numpy.testing.assert_array_equal(h.grad, [1.0, 1.0])
    assert y.grad == 1.0


def test_leaf_used_as_loss_keeps_its_gradient_and_nothing_happens() -> None:
    x = scalar(2.0)
    x.backward()
    assert x.grad is None
    x.grad = numpy.array(5.0)
    x.backward()
    assert x.grad == 5.0


def test_requires_grad_false_leaves_get_nothing() -> None:
    x = Variable(numpy.array([1.0]), requires_grad=False)
    w = Variable(numpy.array([3.0]))
    F.sum(x * w).backward()
    assert x.grad is None
    numpy.testing.assert_array_equal(w.grad, [1.0])


def test_loss_scale_scales_the_gradients_and_marks_the_leaves() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    F.sum(x * x).backward(loss_scale=8.0)
    numpy.testing.assert_array_equal(x.grad, [16.0, 32.0])
    assert x._loss_scale == 8.0


def test_non_scalar_without_gradient_is_a_clear_error() -> None:
    y = Variable(numpy.ones((2, 3))) * 2
    with pytest.raises(
        ValueError, match=r"needs an initial gradient for a Variable of shape \(2, 3\)"
    ):
        y.backward()


def test_one_element_non_scalar_warns() -> None:
    x = Variable(numpy.array([3.0]))
    y = x * x
    with pytest.warns(DeprecationWarning, match="Treating a variable with only one element"):
        y.backward()
    numpy.testing.assert_array_equal(x.grad, [6.0])


def test_uninitialized_root_raises() -> None:
    x = Variable(numpy.array(1.0))
    y = x * 2
    y.array = None
    with pytest.raises(RuntimeError, match="uninitialized Variable"):
        y.backward()


def test_leaf_gradients_never_alias_and_are_writeable() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    y = Variable(numpy.array([3.0, 4.0]))
    F.sum(x + y).backward()
    assert x.grad is not y.grad
    numpy.testing.assert_array_equal(x.grad, y.grad)
    assert x.grad is not None
    assert x.grad.flags.writeable
    assert y.grad is not None
    assert y.grad.flags.writeable
    x.grad += 1
    numpy.testing.assert_array_equal(y.grad, [1.0, 1.0])


def test_backward_with_double_backprop_records_the_gradient_graph() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    y = F.sum(x**3)
    y.backward(enable_double_backprop=True)
    gx = x.grad_var
    assert gx is not None
    assert gx.creator is not None
    numpy.testing.assert_allclose(present(gx.array), numpy.array([3.0, 12.0]))
    x.cleargrad()
    F.sum(gx).backward()
    numpy.testing.assert_allclose(present(x.grad), numpy.array([6.0, 12.0]))


def test_release_retained_frees_arrays_and_forbids_a_second_pass() -> None:
    x = Variable(numpy.array([0.5, 1.5]))
    h = F.tanh(x * x)
    tanh_node = h.creator_node
    assert tanh_node is not None
    y = F.sum(h * 3)
    y.backward(release_retained=True)
    a = present(x.array)
    expected = 3 * (1 - numpy.tanh(a**2) ** 2) * 2 * a
    numpy.testing.assert_allclose(present(x.grad), expected)
    assert h.node.data is None
    with pytest.raises(RuntimeError, match=r"released by backward\(release_retained=True\)"):
        tanh_node.output_data  # noqa: B018
    y2 = F.sum(h * 3)
    with pytest.raises(RuntimeError, match="cannot be backpropagated through again"):
        y2.backward()


def test_graph_survives_backward_by_default() -> None:
    x = Variable(numpy.array([0.5]))
    y = F.sum(F.tanh(x) * 2)
    y.backward()
    first = x.grad
    y.backward()
    assert x.grad is not None
    assert first is not None
    numpy.testing.assert_allclose(present(x.grad), 2 * first)


def test_dropped_intermediate_variables_do_not_break_backward() -> None:
    x = Variable(numpy.array([0.25, 0.5]))
    y = F.exp(F.sin(x))
    z = F.sum(y * 2)
    del y
    gc.collect()
    z.backward()
    numpy.testing.assert_allclose(
        present(x.grad), 2 * numpy.exp(numpy.sin([0.25, 0.5])) * numpy.cos([0.25, 0.5])
    )


# -- kusari.graph.backward -----------------------------------------------------------------


def test_backward_of_several_outputs() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    y = x * 2
    z = x * x
    backward([y, z], [numpy.ones(2), Variable(numpy.array([1.0, 0.0]))])
    numpy.testing.assert_array_equal(x.grad, [4.0, 2.0])
    x.cleargrad()
    y = x * 2
    y.grad = numpy.array([1.0, 1.0])
    z = x * x
    with pytest.warns(RuntimeWarning, match="without a gradient"):
        backward([y, z])
    numpy.testing.assert_array_equal(x.grad, [2.0, 2.0])
    assert y.grad is None


def test_backward_argument_errors() -> None:
    x = Variable(numpy.ones(1))
    with pytest.raises(
        TypeError, match=r"outputs must be a tuple or a list, got kusari.graph.Variable"
    ):
        backward(x)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"each output must be a Variable, got numpy.ndarray"):
        backward([numpy.ones(1)])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"len\(outputs\) = 1, len\(grad_outputs\) = 2"):
        backward([x], [None, None])
    with pytest.raises(TypeError, match="grad_outputs must be a tuple or a list"):
        backward([x], numpy.ones(1))  # type: ignore[arg-type]


def test_backward_with_double_backprop() -> None:
    x = Variable(numpy.array([2.0]))
    y = x * x
    backward([y], [Variable(numpy.ones(1))], enable_double_backprop=True)
    gx = x.grad_var
    assert gx is not None
    assert gx.creator is not None


# -- grad() --------------------------------------------------------------------------------


def test_grad_returns_gradients_and_leaves_grad_alone() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    w = Variable(numpy.array([3.0, 4.0]))
    y = F.sum(x * w)
    gx, gw = grad([y], [x, w])
    assert gx is not None
    assert gw is not None
    numpy.testing.assert_array_equal(gx.array, [3.0, 4.0])
    numpy.testing.assert_array_equal(gw.array, [1.0, 2.0])
    assert x.grad is None
    assert w.grad is None
    assert gx.creator is None


def test_grad_traverses_only_the_minimal_subgraph() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    w = Variable(numpy.array([3.0, 4.0]))
    a = tag(x, "on_path")
    b = tag(w, "off_path")
    y = F.sum(a * b)
    with BackwardOrder() as hook:
        (gx,) = grad([y], [x])
    assert "on_path" in hook.labels
    assert "off_path" not in hook.labels
    assert gx is not None
    numpy.testing.assert_array_equal(gx.array, [3.0, 4.0])


def test_grad_options() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    h = x * x
    y = F.sum(h * 3)
    (gx,) = grad([y], [x], grad_inputs=[numpy.array([10.0, 20.0])], set_grad=True, loss_scale=2.0)
    assert gx is not None
    numpy.testing.assert_array_equal(gx.array, [22.0, 44.0])
    assert x.grad_var is gx
    (gh,) = grad([y], [h], grad_outputs=[numpy.array(2.0)], retain_grad=True)
    assert gh is not None
    numpy.testing.assert_array_equal(gh.array, [6.0, 6.0])
    unrelated = Variable(numpy.ones(2))
    (none,) = grad([y], [unrelated])
    assert none is None
    gh2, gx2 = grad([y], [h, x])
    assert gh2 is not None
    assert gx2 is not None
    numpy.testing.assert_array_equal(gx2.array, [6.0, 12.0])


def test_grad_double_backward_hessian_vector_product() -> None:
    x = Variable(numpy.array([0.5, -1.0]))
    y = F.sum(F.sin(x) * x)
    (gx,) = grad([y], [x], enable_double_backprop=True)
    assert gx is not None
    assert gx.creator is not None
    v = numpy.array([1.0, 2.0])
    (hv,) = grad([F.sum(gx * v)], [x])
    assert hv is not None
    # d2/dx2 (x sin x) = 2 cos x - x sin x
    a = present(x.array)
    expected = (2 * numpy.cos(a) - a * numpy.sin(a)) * v
    numpy.testing.assert_allclose(present(hv.array), expected)


def test_grad_argument_errors() -> None:
    x = Variable(numpy.ones(1))
    with pytest.raises(TypeError, match="outputs must be a tuple or a list"):
        grad(x, [x])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="each entry of inputs must be a Variable, got numpy"):
        grad([x], [numpy.ones(1)])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="grad_outputs must have one entry per output"):
        grad([x], [x], grad_outputs=[None, None])
    with pytest.raises(ValueError, match="grad_inputs must have one entry per input"):
        grad([x], [x], grad_inputs=[])
    with pytest.raises(ValueError, match="shape"):
        grad([x * 2], [x], grad_outputs=[numpy.ones(3)])


def test_a_failing_backward_leaves_every_variable_as_it_was() -> None:
    class Broken(FunctionNode):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0] * 2,)

        def backward(
            self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
        ) -> tuple[Variable | None, ...]:
            raise ZeroDivisionError("broken backward")

    x = Variable(numpy.array([1.0, 2.0]), grad=numpy.array([5.0, 5.0]))
    w = Variable(numpy.array([3.0, 3.0]))
    (h,) = Broken().apply((x,))
    y = h * w
    y.grad = numpy.array([1.0, 1.0])
    with pytest.raises(ZeroDivisionError, match="broken backward"):
        y.backward()
    numpy.testing.assert_array_equal(present(x.grad), [5.0, 5.0])
    assert w.grad is None
    numpy.testing.assert_array_equal(present(y.grad), [1.0, 1.0])
