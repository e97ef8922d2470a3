from __future__ import annotations

import sys
import unittest
from collections.abc import Sequence
from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
import kusari.links as L
from kusari import initializers, serializers
from kusari.devices import Device
from kusari.graph import FunctionNode, Variable
from kusari.links import Link, Parameter
from kusari.links.testing import (
    InitializerArgument,
    LinkInitializersTestCase,
    LinkTestCase,
    LinkTestError,
    save_and_load,
    save_and_load_hdf5,
    save_and_load_npz,
)
from kusari.testing import TestError, inject_backend_tests

Arrays = tuple[npt.NDArray[Any], ...]
_rng = numpy.random.default_rng(11)


class _LinearParts:
    """The parts a Linear(2, 3) test needs; shared by the forward and initializer cases."""

    param_names: Sequence[str] = ("W", "b")
    in_size: int | None = 2

    def generate_params(self) -> tuple[object, ...]:
        return (
            _rng.uniform(-1, 1, (3, 2)).astype(numpy.float32),
            _rng.uniform(-1, 1, (3,)).astype(numpy.float32),
        )

    def create_link(self, initializers: tuple[object, ...]) -> Link:
        initial_w, initial_bias = initializers
        return L.Linear(self.in_size, 3, initialW=initial_w, initial_bias=initial_bias)  # type: ignore[arg-type]

    def generate_inputs(self) -> Arrays:
        return (_rng.uniform(-1, 1, (4, 2)).astype(numpy.float32),)


@inject_backend_tests(None, [{}, {"use_cuda": True}])
class TestLinear(_LinearParts, LinkTestCase):
    def forward_expected(self, link: Link, inputs: Arrays) -> Arrays:
        (x,) = inputs
        assert isinstance(link, L.Linear)
        assert link.b is not None
        w, b = link.W.array, link.b.array
        assert isinstance(w, numpy.ndarray)  # forward_expected gets the link on the CPU
        assert b is not None
        return ((x @ w.T + b).astype(numpy.float32),)


@inject_backend_tests(None, [{}])
class TestLazyLinear(TestLinear):
    """Linear(None, 3): the parameters are created by the first call."""

    in_size = None


@inject_backend_tests(None, [{}, {"use_cuda": True}])
class TestLinearInitializers(_LinearParts, LinkInitializersTestCase):
    def get_initializers(self) -> tuple[list[object], ...]:
        return (
            [initializers.Constant(2.0), 0.5, numpy.arange(6, dtype=numpy.float32).reshape(3, 2)],
            [initializers.Constant(-1.0), InitializerArgument(None, 0)],
        )


def test_the_cases_are_generated_with_backends() -> None:
    module = vars(sys.modules[__name__])
    names = sorted(name for name in module if name.startswith("TestLinear_"))
    assert names == ["TestLinear_param_0_backend_cpu", "TestLinear_param_1_backend_cuda_0"]
    assert LinkTestCase.__dict__["__test__"] is False
    assert TestLinear.__dict__["__test__"] is False


def _run(case: type[unittest.TestCase], name: str) -> unittest.TestResult:
    result = unittest.TestResult()
    case(name).run(result)
    return result


# -- a link with a wrong gradient --------------------------------------------------------------


class _ScaleWrongParamGrad(FunctionNode):
    """x * w (w broadcast over rows), whose gradient for w is doubled."""

    def forward(self, inputs: tuple[Any, ...]) -> tuple[Any, ...]:
        self.retain_inputs((0, 1))
        x, w = inputs
        return (x * w,)

    def backward(
        self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        x, w = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None
        return (gy * w, 2.0 * F.sum(gy * x, axis=0))


class _Scale(Link):
    def __init__(self, initial: object) -> None:
        super().__init__()
        with self.init_scope():
            self.w = Parameter(initial, (3,))  # type: ignore[arg-type]

    def forward(self, x: Variable) -> Variable:
        (y,) = _ScaleWrongParamGrad().apply((x, self.w))
        return y


class CaseWrongScale(LinkTestCase):
    __test__ = False
    param_names = ("w",)
    wrong_expected = False

    def generate_params(self) -> tuple[object, ...]:
        return (numpy.array([0.5, -1.0, 2.0], dtype=numpy.float32),)

    def create_link(self, initializers: tuple[object, ...]) -> Link:
        return _Scale(initializers[0])

    def generate_inputs(self) -> Arrays:
        return (_rng.uniform(-1, 1, (2, 3)).astype(numpy.float32),)

    def forward_expected(self, link: Link, inputs: Arrays) -> Arrays:
        (x,) = inputs
        w = numpy.array([0.5, -1.0, 2.0], dtype=numpy.float32)
        return (x * w + (1 if self.wrong_expected else 0),)


def test_a_wrong_parameter_gradient_fails_test_backward() -> None:
    assert _run(CaseWrongScale, "test_forward").wasSuccessful()
    result = _run(CaseWrongScale, "test_backward")
    assert len(result.failures) == 1
    text = result.failures[0][1]
    assert "LinkTestError: backward is not implemented correctly" in text
    # check_backward's breakdown singles out the parameter, not the input.
    assert "<-- mismatch" in text
    with pytest.raises(LinkTestError, match=r"^backward is not implemented correctly"):
        CaseWrongScale().test_backward()


def test_the_gradient_check_ignores_parameters_not_named() -> None:
    case = type("Case", (CaseWrongScale,), {"param_names": ()})
    case().test_backward()


def test_wrong_expected_values_fail_test_forward() -> None:
    case = type("Case", (CaseWrongScale,), {"wrong_expected": True})
    with pytest.raises(LinkTestError) as info:
        case().test_forward()
    assert str(info.value).startswith(
        "Outputs do not match the expected values.\nIndices of outputs that do not match: 0"
    )
    assert isinstance(info.value, TestError)


def test_an_unknown_param_name_is_an_error() -> None:
    case = type("Case", (CaseWrongScale,), {"param_names": ("W",)})
    with pytest.raises(ValueError, match=r"names 'W', which is not a parameter of _Scale"):
        case().test_backward()


def test_skip_flags_and_missing_methods() -> None:
    case = type("Case", (CaseWrongScale,), {"skip_backward_test": True})
    result = _run(case, "test_backward")
    assert [reason for _, reason in result.skipped] == ["skip_backward_test is set"]

    class Bare(LinkTestCase):
        __test__ = False

    with pytest.raises(NotImplementedError, match=r"Bare must implement generate_params\(\)"):
        Bare().test_forward()


def test_create_link_must_return_a_link() -> None:
    class NotALink(CaseWrongScale):
        def create_link(self, initializers: tuple[object, ...]) -> Any:
            return lambda x: x

    with pytest.raises(TypeError, match=r"create_link\(\) must return a Link, not function"):
        NotALink().test_forward()


# -- initializers ------------------------------------------------------------------------------


def test_a_wrong_initializer_expectation_names_the_parameter() -> None:
    class WrongExpectation(_LinearParts, LinkInitializersTestCase):
        __test__ = False

        def get_initializers(self) -> tuple[list[object], ...]:
            # Linear fills W with LeCunNormal for None, not with zeros.
            return ([InitializerArgument(None, 0)], [0.0])

    with pytest.raises(LinkTestError) as info:
        WrongExpectation().test_initializers()
    assert str(info.value).startswith(
        "Parameter 'W' of Linear created with InitializerArgument(argument_value=None, "
        "expected_initializer=0) does not hold the expected values (x: actual, y: expected)"
    )


def test_initializer_lists_must_match_the_arguments() -> None:
    class Short(_LinearParts, LinkInitializersTestCase):
        __test__ = False

        def get_initializers(self) -> tuple[list[object], ...]:
            return ([0.5],)

    with pytest.raises(ValueError, match=r"get_initializers\(\) gave 1 lists, generate_params"):
        Short().test_initializers()


def test_initializer_argument_repr() -> None:
    argument = InitializerArgument(None, initializers.Zero())
    assert argument.argument_value is None
    assert isinstance(argument.expected_initializer, initializers.Zero)
    assert repr(argument) == (
        "InitializerArgument(argument_value=None, expected_initializer=Zero())"
    )


# -- save_and_load -----------------------------------------------------------------------------


def _pair() -> tuple[L.Linear, L.Linear]:
    src = L.Linear(2, 3, initialW=_rng.uniform(-1, 1, (3, 2)).astype(numpy.float32))
    dst = L.Linear(2, 3, initialW=numpy.zeros((3, 2), numpy.float32))
    return src, dst


def _same(src: L.Linear, dst: L.Linear) -> None:
    numpy.testing.assert_array_equal(dst.W.array, src.W.array)
    assert dst.b is not None
    assert src.b is not None
    numpy.testing.assert_array_equal(dst.b.array, src.b.array)


def test_save_and_load_npz_copies_the_parameters() -> None:
    src, dst = _pair()
    save_and_load_npz(src, dst)
    _same(src, dst)


def test_save_and_load_hdf5_copies_the_parameters() -> None:
    pytest.importorskip("h5py")
    src, dst = _pair()
    save_and_load_hdf5(src, dst)
    _same(src, dst)


def test_save_and_load_calls_the_saver_and_loader_with_one_path() -> None:
    calls: list[tuple[str, str, object]] = []

    def saver(path: str, obj: object) -> None:
        calls.append(("save", path, obj))
        serializers.save_npz(path, obj)  # type: ignore[arg-type]

    def loader(path: str, obj: object) -> None:
        calls.append(("load", path, obj))
        serializers.load_npz(path, obj)  # type: ignore[arg-type]

    src, dst = _pair()
    save_and_load(src, dst, "model.npz", saver, loader)
    _same(src, dst)
    assert [(kind, obj) for kind, _, obj in calls] == [("save", src), ("load", dst)]
    assert calls[0][1] == calls[1][1]
    assert calls[0][1].endswith("model.npz")


@pytest.mark.parametrize("filename", ["", "a/b.npz", ".."])
def test_save_and_load_needs_a_bare_file_name(filename: str) -> None:
    src, dst = _pair()
    with pytest.raises(ValueError, match="filename must be a bare file name"):
        save_and_load(src, dst, filename, serializers.save_npz, serializers.load_npz)


def test_device_argument_is_passed_to_forward() -> None:
    seen: list[Device] = []

    class Recording(CaseWrongScale):
        def forward(
            self, link: Link, inputs: tuple[Variable, ...], device: Device
        ) -> tuple[Variable, ...]:
            seen.append(device)
            return super().forward(link, inputs, device)

    Recording().test_forward()
    assert [str(device) for device in seen] == ["@numpy"]
