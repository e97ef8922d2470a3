"""Chainer-style graph code running on kusari after ``install_as_chainer()``."""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

import numpy
import pytest

import kusari.functions
import kusari.graph
import kusari.graph.function_hooks
from kusari.compat import install_as_chainer, uninstall_chainer


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


def test_top_level_names(chainer: types.ModuleType) -> None:
    assert chainer.Variable is kusari.graph.Variable
    assert chainer.FunctionNode is kusari.graph.FunctionNode
    assert chainer.Function is kusari.graph.Function
    assert chainer.FunctionAdapter is kusari.graph.FunctionAdapter
    assert chainer.FunctionHook is kusari.graph.FunctionHook
    assert chainer.config is kusari.graph.config
    assert chainer.global_config is kusari.graph.global_config
    for name in (
        "as_variable",
        "as_array",
        "grad",
        "backward",
        "using_config",
        "no_backprop_mode",
        "force_backprop_mode",
        "is_debug",
        "set_debug",
        "get_dtype",
    ):
        assert getattr(chainer, name) is getattr(kusari.graph, name), name
    from chainer import configuration, function, function_hooks, function_node, utils, variable
    from chainer import functions as F
    from chainer.utils import type_check

    assert F is kusari.functions
    assert type_check is kusari.graph.type_check
    assert utils.force_array is kusari.graph.force_array
    assert variable.VariableNode is kusari.graph.VariableNode
    assert variable.Variable is kusari.graph.Variable
    assert function_node.FunctionNode is kusari.graph.FunctionNode
    assert function.Function is kusari.graph.Function
    assert function.no_backprop_mode is kusari.graph.no_backprop_mode
    assert configuration.using_config is kusari.graph.using_config
    assert function_hooks.TimerHook is kusari.graph.function_hooks.TimerHook
    assert function_hooks.PrintHook is kusari.graph.function_hooks.PrintHook
    from chainer import gradient_check, testing

    assert gradient_check.check_backward is not None
    assert hasattr(testing, "assert_allclose")


def test_custom_function_node_written_for_chainer(chainer: types.ModuleType) -> None:
    from chainer import functions as F
    from chainer import utils
    from chainer.utils import type_check

    class MulAdd(chainer.FunctionNode):  # type: ignore[name-defined,misc]
        """y = x * w + b, the way Chainer code writes a new-style function."""

        def check_type_forward(self, in_types: Any) -> None:
            type_check.expect(in_types.size() == 3)
            x_type, w_type, b_type = in_types
            type_check.expect(
                x_type.dtype.kind == "f",
                x_type.dtype == w_type.dtype,
                x_type.shape == w_type.shape,
                b_type.shape == x_type.shape,
            )

        def forward(self, inputs: Any) -> Any:
            self.retain_inputs((0, 1))
            x, w, b = inputs
            return (utils.force_array(x * w + b),)

        def backward(self, indexes: Any, grad_outputs: Any) -> Any:
            x, w = self.get_retained_inputs()
            (gy,) = grad_outputs
            return gy * w, gy * x, gy

    x = chainer.Variable(numpy.array([1.0, 2.0], numpy.float32))
    w = chainer.Variable(numpy.array([3.0, 4.0], numpy.float32))
    b = chainer.Variable(numpy.array([0.5, 0.5], numpy.float32))
    (y,) = MulAdd().apply((x, w, b))
    loss = F.sum(y * y)
    loss.backward()
    expected_y = numpy.array([3.5, 8.5], numpy.float32)
    numpy.testing.assert_allclose(y.array, expected_y)
    numpy.testing.assert_allclose(x.grad, 2 * expected_y * w.array)
    numpy.testing.assert_allclose(w.grad, 2 * expected_y * x.array)
    numpy.testing.assert_allclose(b.grad, 2 * expected_y)

    with pytest.raises(type_check.InvalidType) as info:
        MulAdd().apply((x, w, numpy.zeros(3, numpy.float32)))
    assert isinstance(info.value, kusari.graph.type_check.InvalidType)
    assert "Expect: in_types[2].shape == in_types[0].shape" in str(info.value)


def test_old_style_function_written_for_chainer(chainer: types.ModuleType) -> None:
    from chainer import functions as F

    class Cube(chainer.Function):  # type: ignore[name-defined,misc]
        def forward_cpu(self, inputs: Any) -> Any:
            (x,) = inputs
            return (x**3,)

        def backward_cpu(self, inputs: Any, grad_outputs: Any) -> Any:
            (x,) = inputs
            (gy,) = grad_outputs
            return (3 * x**2 * gy,)

    x = chainer.Variable(numpy.array([1.0, 2.0]))
    y = Cube()(x)
    assert isinstance(y.creator, Cube)
    F.sum(y).backward()
    numpy.testing.assert_array_equal(x.grad, [3.0, 12.0])


def test_config_and_grad_in_chainer_style(chainer: types.ModuleType) -> None:
    from chainer import functions as F

    def train() -> object:
        return chainer.config.train

    with chainer.using_config("train", False):
        assert train() is False
    assert train() is True
    chainer.config.my_flag = 1
    assert chainer.config.my_flag == 1
    del chainer.config.my_flag
    x = chainer.Variable(numpy.array([0.5, 1.0]))
    with chainer.no_backprop_mode():
        assert F.tanh(x).creator is None
    y = F.sum(x * x * x)
    (gx,) = chainer.grad([y], [x], enable_double_backprop=True)
    numpy.testing.assert_allclose(gx.array, 3 * x.array**2)
    with pytest.warns(RuntimeWarning, match="without a gradient"):
        chainer.backward([F.sum(gx)])  # no gradient on the output: does nothing
    (ggx,) = chainer.grad([F.sum(gx)], [x])
    numpy.testing.assert_allclose(ggx.array, 6 * x.array)


def test_function_hook_in_chainer_style(chainer: types.ModuleType) -> None:
    from chainer import functions as F

    class Counter(chainer.FunctionHook):  # type: ignore[name-defined,misc]
        name = "counter"

        def __init__(self) -> None:
            self.count = 0

        def forward_postprocess(self, function: Any, in_data: Any) -> None:
            self.count += 1

    with Counter() as hook:
        F.relu(chainer.Variable(numpy.array([1.0])) * 2)
    assert hook.count == 2


def test_walker_alias_sampler_in_chainer_style(chainer: types.ModuleType) -> None:
    from chainer import functions as F
    from chainer.utils import WalkerAlias, walker_alias

    assert WalkerAlias is walker_alias.WalkerAlias is kusari.functions.WalkerAlias
    sampler = WalkerAlias(numpy.array([3.0, 0.0, 1.0]) ** 0.75)
    x = numpy.ones((4, 2), numpy.float32)
    w = numpy.zeros((3, 2), numpy.float32)
    loss, samples = F.negative_sampling(
        x, numpy.array([0, 2, 2, 0], numpy.int32), w, sampler.sample, 5, return_samples=True
    )
    assert samples.shape == (4, 6)
    assert set(samples[:, 1:].ravel().tolist()) <= {0, 2}  # id 1 has probability 0
    # Every score is 0: each of the 4 * 6 terms costs log(2).
    assert float(loss.array) == pytest.approx(24 * numpy.log(2), rel=1e-6)


def test_sparse_matmul_in_chainer_style(chainer: types.ModuleType) -> None:
    from chainer import functions as F
    from chainer import utils
    from chainer.utils import sparse

    assert utils.CooMatrix is sparse.CooMatrix is kusari.functions.CooMatrix
    assert utils.to_coo is sparse.to_coo is kusari.functions.to_coo
    a = utils.to_coo(numpy.array([[0.0, 2.0], [1.0, 0.0]], numpy.float32), requires_grad=True)
    b = chainer.Variable(numpy.array([[1.0, 2.0], [3.0, 4.0]], numpy.float32))
    y = F.sparse_matmul(a, b)
    assert y.array.tolist() == [[6.0, 8.0], [1.0, 2.0]]
    F.sum(y).backward()
    grad = a.data.grad
    assert grad is not None
    assert grad.tolist() == [7.0, 3.0]  # row sums of b at the entries' columns
    assert b.grad.tolist() == [[1.0, 1.0], [2.0, 2.0]]
