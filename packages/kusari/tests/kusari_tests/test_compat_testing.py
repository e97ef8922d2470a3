"""Chainer-style test suites (``chainer.testing``) on kusari after ``install_as_chainer()``."""

from __future__ import annotations

import sys
import textwrap
import types
import unittest
from collections.abc import Iterator

import pytest

import kusari.links.testing
import kusari.testing
from kusari.compat import install_as_chainer, uninstall_chainer
from kusari.devices import cuda


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


# A test module as a Chainer 7 user writes it (unchanged apart from living in a string).
_CHAINER_STYLE_TESTS = """
import unittest

import numpy

import chainer
import chainer.functions as F
import chainer.links as L
from chainer import testing
from chainer.testing import attr


class WrongSquare(chainer.FunctionNode):
    def forward(self, inputs):
        self.retain_inputs((0,))
        x, = inputs
        return x * x,

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        gy, = grad_outputs
        return 3 * x * gy,


@testing.parameterize(*testing.product({"shape": [(3,), (2, 3)]}))
@testing.inject_backend_tests(
    None,
    [
        {},
        {"use_ideep": "always"},
        {"use_cuda": True, "use_cudnn": "always"},
        {"use_chainerx": True, "chainerx_device": "native:0"},
    ],
)
class TestSigmoid(testing.FunctionTestCase):

    def setUp(self):
        self.check_backward_options = {"atol": 1e-4, "rtol": 1e-3}

    def generate_inputs(self):
        x = numpy.random.uniform(-1, 1, self.shape).astype(numpy.float32)
        return x,

    def forward(self, inputs, device):
        x, = inputs
        return F.sigmoid(x),

    def forward_expected(self, inputs):
        x, = inputs
        return (1 / (1 + numpy.exp(-x))).astype(numpy.float32),


@testing.inject_backend_tests(["test_backward"], [{}])
class TestWrongSquare(testing.FunctionTestCase):
    skip_forward_test = True
    skip_double_backward_test = True

    def generate_inputs(self):
        return numpy.random.uniform(0.5, 1, (4,)).astype(numpy.float32),

    def forward(self, inputs, device):
        return WrongSquare().apply(inputs)

    def forward_expected(self, inputs):
        x, = inputs
        return x * x,


@testing.inject_backend_tests(None, [{}, {"use_cuda": True}])
class TestLinear(testing.LinkTestCase):
    param_names = ("W", "b")

    def generate_params(self):
        initialW = numpy.random.uniform(-1, 1, (3, 2)).astype(numpy.float32)
        initial_bias = numpy.random.uniform(-1, 1, (3,)).astype(numpy.float32)
        return initialW, initial_bias

    def generate_inputs(self):
        return numpy.random.uniform(-1, 1, (1, 2)).astype(numpy.float32),

    def create_link(self, initializers):
        initialW, initial_bias = initializers
        return chainer.links.Linear(2, 3, initialW=initialW, initial_bias=initial_bias)

    def forward(self, link, inputs, device):
        x, = inputs
        return link(x),

    def forward_expected(self, link, inputs):
        W = link.W.array
        b = link.b.array
        x, = inputs
        return x.dot(W.T) + b,


@testing.inject_backend_tests(None, [{}])
class TestLinearInitializers(testing.LinkInitializersTestCase):
    param_names = ["W", "b"]

    def generate_params(self):
        return chainer.initializers.One(), chainer.initializers.Zero()

    def generate_inputs(self):
        return numpy.ones((1, 2), numpy.float32),

    def create_link(self, initializers):
        initialW, initial_bias = initializers
        return L.Linear(None, 3, initialW=initialW, initial_bias=initial_bias)

    def get_initializers(self):
        return (
            [chainer.initializers.Constant(3), 2.0],
            [testing.InitializerArgument(None, 0), chainer.initializers.Constant(1)],
        )


class TestSerialization(unittest.TestCase):

    @attr.slow
    def test_npz(self):
        src = L.Linear(2, 3)
        dst = L.Linear(2, 3, initialW=0)
        testing.save_and_load_npz(src, dst)
        numpy.testing.assert_array_equal(dst.W.array, src.W.array)

    def test_generic(self):
        src = L.Linear(2, 3)
        dst = L.Linear(2, 3, initialW=0)
        testing.save_and_load(
            src, dst, "x.npz", chainer.serializers.save_npz, chainer.serializers.load_npz
        )
        numpy.testing.assert_array_equal(dst.W.array, src.W.array)


testing.run_module(__name__, __file__)
"""


def _load_chainer_style_module() -> types.ModuleType:
    module = types.ModuleType("chainer_style_tests")
    module.__file__ = "chainer_style_tests.py"
    sys.modules[module.__name__] = module
    try:
        code = compile(textwrap.dedent(_CHAINER_STYLE_TESTS), module.__file__, "exec")
        exec(code, vars(module))
    except BaseException:
        del sys.modules[module.__name__]
        raise
    return module


def _run_all(module: types.ModuleType) -> unittest.TestResult:
    suite = unittest.TestSuite()
    loader = unittest.TestLoader()
    for value in list(vars(module).values()):
        if (
            isinstance(value, type)
            and issubclass(value, unittest.TestCase)
            and value.__dict__.get("__test__", True) is not False
        ):
            suite.addTests(loader.loadTestsFromTestCase(value))
    result = unittest.TestResult()
    suite.run(result)
    return result


def test_chainer_testing_names_resolve(chainer: types.ModuleType) -> None:
    from chainer import testing

    assert testing.FunctionTestCase is kusari.testing.FunctionTestCase
    assert testing.FunctionTestError is kusari.testing.FunctionTestError
    assert testing.BackendConfig is kusari.testing.BackendConfig
    assert testing.inject_backend_tests is kusari.testing.inject_backend_tests
    assert testing.run_module is kusari.testing.run_module
    assert testing.parameterize is kusari.testing.parameterize
    assert testing.LinkTestCase is kusari.links.testing.LinkTestCase
    assert testing.LinkInitializersTestCase is kusari.links.testing.LinkInitializersTestCase
    assert testing.LinkTestError is kusari.links.testing.LinkTestError
    assert testing.InitializerArgument is kusari.links.testing.InitializerArgument
    assert testing.save_and_load is kusari.links.testing.save_and_load
    assert testing.save_and_load_npz is kusari.links.testing.save_and_load_npz
    assert testing.save_and_load_hdf5 is kusari.links.testing.save_and_load_hdf5
    assert testing.attr is sys.modules["kusari.testing.attr"]
    from chainer.testing import condition

    assert condition is kusari.testing.condition
    assert sys.modules["chainer.testing.condition"] is kusari.testing.condition
    with pytest.raises(AttributeError, match=r"'chainer\.testing' has no attribute 'nope'"):
        _ = testing.nope
    # The link helpers are chainer.testing's, not kusari.testing's.
    assert not hasattr(kusari.testing, "LinkTestCase")


def test_a_chainer_style_suite_runs(chainer: types.ModuleType) -> None:
    module = _load_chainer_style_module()
    try:
        generated = sorted(name for name in vars(module) if name.startswith("TestSigmoid_"))
        assert len(generated) == 8  # 2 shapes x 4 backends
        result = _run_all(module)
    finally:
        del sys.modules["chainer_style_tests"]
    failures = {case.id().split(".", 1)[1]: text for case, text in result.failures}
    assert not result.errors, result.errors
    # Only the deliberately wrong FunctionNode fails, with Chainer's message.
    assert list(failures) == ["TestWrongSquare_param_0_backend_cpu.test_backward"]
    assert "FunctionTestError: backward is not implemented correctly" in next(
        iter(failures.values())
    )
    skipped = [reason for _, reason in result.skipped]
    assert skipped.count("kusari has no iDeep backend (use_ideep='always')") == 6
    assert skipped.count("kusari has no ChainerX backend (use_chainerx=True)") == 6
    # CPU: 2 shapes x 3 tests of TestSigmoid, 2 of TestLinear, 1 initializers, 2 serialization;
    # CUDA adds 6 of TestSigmoid and 2 of TestLinear, or skips them.
    passed = result.testsRun - len(result.failures) - len(result.errors) - len(skipped)
    assert passed == (19 if cuda.available else 11)
    assert skipped.count("skip_forward_test is set") == 1
