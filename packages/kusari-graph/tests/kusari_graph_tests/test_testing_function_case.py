from __future__ import annotations

import subprocess
import sys
import textwrap
import unittest
from pathlib import Path
from typing import Any, ClassVar

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari import testing
from kusari.devices import Device, get_array_module
from kusari.graph import FunctionNode, Variable

Arrays = tuple[npt.NDArray[Any], ...]

_rng = numpy.random.default_rng(7)


# -- a correct function, on every backend ------------------------------------------------------


@testing.parameterize(*testing.product({"dtype": [numpy.float16, numpy.float32, numpy.float64]}))
@testing.inject_backend_tests(None, [{}, {"use_cuda": True}])
class TestTanh(testing.FunctionTestCase):
    dtype: Any

    def setUp(self) -> None:
        if self.dtype == numpy.float16:
            self.check_forward_options = {"atol": 1e-3, "rtol": 1e-3}
            self.check_backward_options = {"atol": 5e-3, "rtol": 5e-2}
            self.check_double_backward_options = {"atol": 5e-3, "rtol": 5e-2}

    def generate_inputs(self) -> Arrays:
        return (_rng.uniform(-1, 1, (3, 4)).astype(self.dtype),)

    def forward(self, inputs: tuple[Variable, ...], device: Device) -> tuple[Variable, ...]:
        (x,) = inputs
        return (F.tanh(x),)

    def forward_expected(self, inputs: Arrays) -> Arrays:
        (x,) = inputs
        return (numpy.tanh(x),)


def test_the_tanh_cases_are_generated() -> None:
    module = vars(sys.modules[__name__])
    names = sorted(name for name in module if name.startswith("TestTanh_"))
    assert names == [
        "TestTanh_param_0_dtype_float16_backend_cpu",
        "TestTanh_param_1_dtype_float16_backend_cuda_0",
        "TestTanh_param_2_dtype_float32_backend_cpu",
        "TestTanh_param_3_dtype_float32_backend_cuda_0",
        "TestTanh_param_4_dtype_float64_backend_cpu",
        "TestTanh_param_5_dtype_float64_backend_cuda_0",
    ]
    cuda_case = module["TestTanh_param_3_dtype_float32_backend_cuda_0"]
    assert [mark.name for mark in cuda_case.test_backward.pytestmark] == ["gpu"]


# -- helpers -----------------------------------------------------------------------------------


def _run(case: type[unittest.TestCase], name: str) -> unittest.TestResult:
    result = unittest.TestResult()
    case(name).run(result)
    return result


def _failure(case: type[unittest.TestCase], name: str) -> str:
    """Run one test, which must fail (not error), and return its traceback text."""
    result = _run(case, name)
    assert not result.errors, result.errors
    assert len(result.failures) == 1, f"{name} did not fail"
    return result.failures[0][1]


class _Unary(testing.FunctionTestCase):
    """x -> op(x) on float32 inputs in (0.5, 1.5) (away from 0)."""

    __test__ = False

    def generate_inputs(self) -> Arrays:
        return (_rng.uniform(0.5, 1.5, (2, 3)).astype(numpy.float32),)

    def forward_expected(self, inputs: Arrays) -> Arrays:
        (x,) = inputs
        return (x * x,)


# -- wrong functions fail with a clear message -------------------------------------------------


class _SquareWrongBackward(FunctionNode):
    """x * x whose backward is 3 x gy instead of 2 x gy."""

    def forward(self, inputs: tuple[Any, ...]) -> tuple[Any, ...]:
        self.retain_inputs((0,))
        (x,) = inputs
        return (x * x,)

    def backward(
        self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        (x,) = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None
        return (3.0 * x * gy,)


class _TwiceWrongBackward(FunctionNode):
    """2 x whose backward is 3 gy: right values, wrong gradient."""

    def forward(self, inputs: tuple[Any, ...]) -> tuple[Any, ...]:
        return (inputs[0] * 2,)

    def backward(
        self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        (gy,) = grad_outputs
        assert gy is not None
        return (gy * 3.0,)


class _SquareWrongDoubleBackward(FunctionNode):
    """x * x with a right first-order backward built on a wrongly differentiated 2 x."""

    def forward(self, inputs: tuple[Any, ...]) -> tuple[Any, ...]:
        self.retain_inputs((0,))
        (x,) = inputs
        return (x * x,)

    def backward(
        self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        (x,) = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None
        (twice,) = _TwiceWrongBackward().apply((x,))
        return (twice * gy,)


class CaseWrongBackward(_Unary):
    __test__ = False

    def forward(self, inputs: tuple[Variable, ...], device: Device) -> tuple[Variable, ...]:
        return _SquareWrongBackward().apply(inputs)


class CaseWrongDoubleBackward(_Unary):
    __test__ = False

    def forward(self, inputs: tuple[Variable, ...], device: Device) -> tuple[Variable, ...]:
        return _SquareWrongDoubleBackward().apply(inputs)


def test_wrong_backward_fails_test_backward_only() -> None:
    assert _run(CaseWrongBackward, "test_forward").wasSuccessful()
    text = _failure(CaseWrongBackward, "test_backward")
    assert "FunctionTestError: backward is not implemented correctly" in text
    assert "(caused by)" in text
    # check_backward's breakdown: the directional derivatives and the culprit input.
    assert "check_backward failed" in text
    assert "x_data[0]" in text


def test_wrong_backward_fails_with_a_function_test_error() -> None:
    with pytest.raises(testing.FunctionTestError, match=r"^backward is not implemented correctly"):
        CaseWrongBackward("test_backward").test_backward()


def test_wrong_double_backward_fails_test_double_backward_only() -> None:
    assert _run(CaseWrongDoubleBackward, "test_forward").wasSuccessful()
    assert _run(CaseWrongDoubleBackward, "test_backward").wasSuccessful()
    text = _failure(CaseWrongDoubleBackward, "test_double_backward")
    assert "FunctionTestError: double backward is not implemented correctly" in text


class CaseTwoOutputs(testing.FunctionTestCase):
    __test__ = False
    mode = "right"

    def generate_inputs(self) -> Arrays:
        return (numpy.array([[0.5, 1.0, 2.0]], dtype=numpy.float32),)

    def forward(self, inputs: tuple[Variable, ...], device: Device) -> Any:
        (x,) = inputs
        if self.mode == "not a tuple":
            return F.exp(x)
        if self.mode == "arrays":
            return (F.exp(x).array, F.log(x))
        if self.mode == "one output":
            return (F.exp(x),)
        if self.mode == "float64":
            return (F.exp(x), F.cast(F.log(x), numpy.float64))
        return (F.exp(x), F.log(x))

    def forward_expected(self, inputs: Arrays) -> Any:
        (x,) = inputs
        if self.mode == "wrong second":
            return (numpy.exp(x), numpy.log(x) + numpy.float32(0.5))
        if self.mode == "expected not a tuple":
            return numpy.exp(x)
        if self.mode == "expected variables":
            return (Variable(numpy.exp(x)), numpy.log(x))
        return (numpy.exp(x), numpy.log(x))


def _case_with(mode: str) -> type[testing.FunctionTestCase]:
    return type(f"Case_{mode.replace(' ', '_')}", (CaseTwoOutputs,), {"mode": mode})


def test_right_outputs_pass() -> None:
    assert _run(_case_with("right"), "test_forward").wasSuccessful()


def test_wrong_values_name_the_output() -> None:
    with pytest.raises(testing.FunctionTestError) as info:
        _case_with("wrong second")().test_forward()
    message = str(info.value)
    assert message.startswith(
        "Outputs do not match the expected values.\n"
        "Indices of outputs that do not match: 1\n"
        "Expected shapes and dtypes: (1, 3):float32, (1, 3):float32\n"
        "Actual shapes and dtypes:   (1, 3):float32, (1, 3):float32"
    )
    assert "Error details of output [1] (x: actual, y: expected)" in message
    assert "Error details of output [0]" not in message


@pytest.mark.parametrize(
    ("mode", "match"),
    [
        ("not a tuple", r"^forward\(\) must return a tuple, not Variable$"),
        ("arrays", r"forward\(\) must return a tuple of Variables; the entries at \[0\] are not"),
        ("one output", r"^Number of outputs \(1, 2\) does not match \(actual, expected\)"),
        ("float64", r"^Shapes and/or dtypes do not match\n.*\n.*\(1, 3\):float64$"),
    ],
)
def test_malformed_outputs_fail(mode: str, match: str) -> None:
    with pytest.raises(testing.FunctionTestError, match=match):
        _case_with(mode)().test_forward()


@pytest.mark.parametrize(
    ("mode", "match"),
    [
        ("expected not a tuple", r"^forward_expected\(\) must return a tuple, not ndarray$"),
        ("expected variables", r"tuple of numpy.ndarray; the entries at \[0\] are not"),
    ],
)
def test_malformed_expected_outputs_are_type_errors(mode: str, match: str) -> None:
    with pytest.raises(TypeError, match=match):
        _case_with(mode)().test_forward()


def test_the_checks_of_the_gradient_tests_reject_malformed_outputs() -> None:
    with pytest.raises(testing.FunctionTestError, match=r"must return a tuple, not Variable"):
        _case_with("not a tuple")().test_backward()


def test_missing_methods_say_what_to_implement() -> None:
    class Bare(testing.FunctionTestCase):
        __test__ = False

    with pytest.raises(NotImplementedError, match=r"Bare must implement generate_inputs\(\)"):
        Bare().test_forward()

    class OnlyInputs(Bare):
        def generate_inputs(self) -> Arrays:
            return (numpy.ones(2),)

    with pytest.raises(NotImplementedError, match=r"must implement forward\(inputs, device\)"):
        OnlyInputs().test_forward()


def test_generate_inputs_must_return_a_tuple_of_arrays() -> None:
    class ListInputs(CaseTwoOutputs):
        def generate_inputs(self) -> Any:
            return [numpy.ones(2)]

    with pytest.raises(TypeError, match=r"^generate_inputs\(\) must return a tuple, not list$"):
        ListInputs().test_forward()


# -- the hooks and flags -----------------------------------------------------------------------


class CaseRecording(testing.FunctionTestCase):
    __test__ = False
    seen: ClassVar[list[Any]] = []

    def before_test(self, test_name: str) -> None:
        self.seen.append(("before", test_name, self.test_name, self.backend_config))

    def generate_inputs(self) -> Arrays:
        x = _rng.uniform(-1, 1, (3, 4)).astype(numpy.float32)
        i = numpy.array([0, 3, 1], dtype=numpy.int32)
        return (x, i)

    def forward(self, inputs: tuple[Variable, ...], device: Device) -> tuple[Variable, ...]:
        x, i = inputs
        assert x.array is not None
        self.seen.append(("contiguous", x.array.flags.c_contiguous))
        return (F.select_item(x, i),)

    def forward_expected(self, inputs: Arrays) -> Arrays:
        x, i = inputs
        return (x[numpy.arange(3), i],)

    def generate_grad_outputs(self, outputs_template: Arrays) -> tuple[Any, ...]:
        self.seen.append(("gy", [(t.shape, t.dtype) for t in outputs_template]))
        return super().generate_grad_outputs(outputs_template)

    def generate_grad_grad_inputs(self, inputs_template: Arrays) -> tuple[Any, ...]:
        grads = super().generate_grad_grad_inputs(inputs_template)
        self.seen.append(("ggx", [None if g is None else g.shape for g in grads]))
        return grads


def test_before_test_sees_the_name_and_the_backend() -> None:
    CaseRecording.seen = []
    CaseRecording().test_forward()
    backend = testing.BackendConfig({"use_cudnn": "always"})
    CaseRecording().test_backward(backend)
    befores = [entry for entry in CaseRecording.seen if entry[0] == "before"]
    assert befores == [
        ("before", "test_forward", "test_forward", testing.BackendConfig({})),
        ("before", "test_backward", "test_backward", backend),
    ]


def test_integer_inputs_get_no_gradients() -> None:
    CaseRecording.seen = []
    CaseRecording().test_double_backward()
    assert ("gy", [((3,), numpy.dtype(numpy.float32))]) in CaseRecording.seen
    assert ("ggx", [(3, 4), None]) in CaseRecording.seen


@pytest.mark.parametrize(("contiguous", "expected"), [(None, False), ("C", True)])
def test_contiguous_controls_the_input_layout(contiguous: str | None, expected: bool) -> None:
    case = type("Case", (CaseRecording,), {"contiguous": contiguous})
    CaseRecording.seen = []
    case().test_forward()
    case().test_backward()
    flags = [entry[1] for entry in CaseRecording.seen if entry[0] == "contiguous"]
    # forward gets the generated layout: test_forward, then backward's template run and its
    # two analytical runs; the numerical side perturbs contiguous copies.
    assert flags[:4] == [expected] * 4
    assert flags[4:] == [True, True]


def test_contiguous_must_be_none_or_c() -> None:
    case = type("Case", (CaseRecording,), {"contiguous": "F"})
    with pytest.raises(ValueError, match="contiguous must be None or 'C', got 'F'"):
        case().test_forward()


@pytest.mark.parametrize("name", ["forward", "backward", "double_backward"])
def test_skip_flags(name: str) -> None:
    case = type("Case", (CaseWrongBackward,), {f"skip_{name}_test": True})
    result = _run(case, f"test_{name}")
    assert result.wasSuccessful()
    assert [reason for _, reason in result.skipped] == [f"skip_{name}_test is set"]


def test_before_test_can_skip() -> None:
    class Skipping(CaseWrongBackward):
        def before_test(self, test_name: str) -> None:
            if test_name == "test_backward":
                raise unittest.SkipTest("not on Tuesdays")

    result = _run(Skipping, "test_backward")
    assert [reason for _, reason in result.skipped] == ["not on Tuesdays"]


def test_an_unavailable_backend_skips() -> None:
    result = unittest.TestResult()
    case = CaseWrongBackward("test_backward")
    backend = testing.BackendConfig({"use_ideep": "always"})
    with pytest.raises(unittest.SkipTest, match="no iDeep backend"):
        case.test_backward(backend)
    del result


# -- dodge_nondifferentiable -------------------------------------------------------------------


class CaseRelu(testing.FunctionTestCase):
    """relu, whose first draws are exactly at the kink."""

    __test__ = False
    dodge_nondifferentiable = True
    draws: ClassVar[list[float]] = []
    kinks = 1

    def generate_inputs(self) -> Arrays:
        value = 0.0 if len(self.draws) < self.kinks else 0.75
        self.draws.append(value)
        return (numpy.array([value, -0.5]),)

    def forward(self, inputs: tuple[Variable, ...], device: Device) -> tuple[Variable, ...]:
        return (F.relu(inputs[0]),)

    def forward_expected(self, inputs: Arrays) -> Arrays:
        return (numpy.maximum(inputs[0], 0),)


def test_dodge_draws_new_inputs_at_a_kink() -> None:
    CaseRelu.draws = []
    CaseRelu().test_backward()
    assert CaseRelu.draws == [0.0, 0.75]


def test_without_dodge_a_kink_fails() -> None:
    case = type("Case", (CaseRelu,), {"dodge_nondifferentiable": False, "draws": []})
    with pytest.raises(testing.FunctionTestError, match="backward is not implemented correctly"):
        case().test_backward()


def test_dodge_gives_up_after_twenty_draws() -> None:
    draws: list[float] = []
    case = type("Case", (CaseRelu,), {"draws": draws, "kinks": 100})
    with pytest.raises(
        testing.FunctionTestError,
        match=r"not differentiable at any of 20 inputs drawn by generate_inputs\(\)",
    ):
        case().test_double_backward()
    assert len(draws) == 20


# -- collection by pytest ----------------------------------------------------------------------


def test_pytest_runs_function_test_cases(tmp_path: Path) -> None:
    path = tmp_path / "test_generated.py"
    path.write_text(
        textwrap.dedent(
            """
            import numpy
            import kusari.functions as F
            from kusari.testing import FunctionTestCase, inject_backend_tests

            @inject_backend_tests(None, [{}, {"use_cuda": True}])
            class TestSin(FunctionTestCase):
                def generate_inputs(self):
                    return (numpy.random.uniform(-1, 1, (2, 2)),)

                def forward(self, inputs, device):
                    return (F.sin(inputs[0]),)

                def forward_expected(self, inputs):
                    return (numpy.sin(inputs[0]),)

            class TestWrongExpected(FunctionTestCase):
                skip_backward_test = True
                skip_double_backward_test = True

                def generate_inputs(self):
                    return (numpy.ones((2, 2)),)

                def forward(self, inputs, device):
                    return (F.sin(inputs[0]),)

                def forward_expected(self, inputs):
                    return (numpy.cos(inputs[0]),)
            """
        )
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-rs",
            "-v",
            "-W",
            "ignore::pytest.PytestUnknownMarkWarning",
            "--rootdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    # FunctionTestCase itself (imported by name) is not collected.
    assert "::FunctionTestCase::" not in out
    assert "TestSin_param_0_backend_cpu::test_double_backward PASSED" in out
    assert "TestSin_param_1_backend_cuda_0::test_forward SKIPPED" in out or (
        "TestSin_param_1_backend_cuda_0::test_forward PASSED" in out
    )
    assert "TestWrongExpected::test_forward FAILED" in out
    assert "TestWrongExpected::test_backward SKIPPED" in out
    assert "FunctionTestError: Outputs do not match the expected values." in out
    assert "3 passed" in out or "6 passed" in out


def test_generated_gradients_follow_the_templates() -> None:
    case = CaseRecording()
    grads = case.generate_grad_outputs((numpy.zeros((2, 3), numpy.float16), numpy.zeros(2, int)))
    assert grads[0] is not None
    assert grads[0].dtype == numpy.float16
    assert grads[0].shape == (2, 3)
    assert numpy.all(numpy.abs(grads[0]) <= 1)
    assert grads[1] is None
    xp = get_array_module(grads[0])
    assert xp is numpy
