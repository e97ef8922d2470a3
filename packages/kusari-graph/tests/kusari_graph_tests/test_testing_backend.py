from __future__ import annotations

import subprocess
import sys
import textwrap
import unittest
from pathlib import Path
from typing import Any

import numpy
import pytest

from kusari import testing
from kusari.devices import CpuDevice, cuda
from kusari.graph import config

# -- BackendConfig -----------------------------------------------------------------------------


def test_defaults_are_chainers() -> None:
    backend = testing.BackendConfig({})
    # The repr of Chainer 7.8.1's BackendConfig({}), parameter for parameter.
    assert repr(backend) == (
        "<BackendConfig use_chainerx=False chainerx_device=None use_cuda=False "
        "cuda_device=None use_cudnn='never' cudnn_deterministic=False autotune=False "
        "cudnn_fast_batch_normalization=False use_ideep='never'>"
    )
    assert backend.get_func_str() == (
        "use_chainerx_false__chainerx_device_None__use_cuda_false__cuda_device_None__"
        "use_cudnn_never__cudnn_deterministic_false__autotune_false__"
        "cudnn_fast_batch_normalization_false__use_ideep_never"
    )
    assert backend.device == CpuDevice()
    assert backend.xp is numpy
    assert backend.get_pytest_marks() == []
    assert backend.unavailable_reason is None
    assert backend.label == "cpu"


def test_use_cuda_defaults_to_device_0_and_is_marked_gpu() -> None:
    backend = testing.BackendConfig({"use_cuda": True, "use_cudnn": "always"})
    assert backend.cuda_device == 0
    assert backend.use_cudnn == "always"
    assert [mark.name for mark in backend.get_pytest_marks()] == ["gpu"]
    assert backend.label == "cuda_0_cudnn_always"
    assert "cuda_device=0" in repr(backend)


@pytest.mark.skipif(cuda.available, reason="checks the behaviour without CUDA")
def test_cuda_config_without_cuda_is_unavailable() -> None:
    backend = testing.BackendConfig({"use_cuda": True})
    reason = backend.unavailable_reason
    assert reason is not None
    assert reason.startswith("the configuration needs CUDA (use_cuda=True)")
    with pytest.raises(RuntimeError, match="cannot run: the configuration needs CUDA"):
        _ = backend.device


def test_chainerx_and_ideep_are_unavailable() -> None:
    chainerx = testing.BackendConfig({"use_chainerx": True, "chainerx_device": "native:0"})
    assert chainerx.unavailable_reason == "kusari has no ChainerX backend (use_chainerx=True)"
    assert chainerx.label == "chainerx_native_0"
    ideep = testing.BackendConfig({"use_ideep": "always"})
    assert ideep.unavailable_reason == "kusari has no iDeep backend (use_ideep='always')"
    with pytest.raises(RuntimeError, match="no iDeep backend"):
        _ = ideep.xp
    # 'auto' falls back to NumPy, as in Chainer without iDeep.
    assert testing.BackendConfig({"use_ideep": "auto"}).unavailable_reason is None


def test_enter_sets_the_configuration_and_restores_it() -> None:
    before = (config.use_cudnn, config.autotune, config.cudnn_deterministic)
    backend = testing.BackendConfig(
        {"use_cudnn": "always", "autotune": True, "cudnn_deterministic": True}
    )
    with backend as entered:
        assert entered is backend
        assert config.use_cudnn == "always"
        assert config.autotune is True
        assert config.cudnn_deterministic is True
        assert config.cudnn_fast_batch_normalization is False
        with backend:  # re-entrant
            assert config.use_cudnn == "always"
        assert config.use_cudnn == "always"
    assert (config.use_cudnn, config.autotune, config.cudnn_deterministic) == before


def test_get_array_on_cpu_returns_the_arrays() -> None:
    backend = testing.BackendConfig({})
    x = numpy.arange(3.0)
    assert backend.get_array(x) is x
    pair = backend.get_array((x, None))
    assert pair[0] is x
    assert pair[1] is None


def test_equality_and_hash_follow_the_parameters() -> None:
    a = testing.BackendConfig({"use_cudnn": "auto"})
    b = testing.BackendConfig({"use_cudnn": "auto", "use_cuda": False})
    assert a == b
    assert hash(a) == hash(b)
    assert a != testing.BackendConfig({})


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"use_gpu": True}, ValueError, r"unknown parameter\(s\) \['use_gpu'\]"),
        ({"use_cuda": "yes"}, TypeError, "use_cuda must be a bool, got 'yes'"),
        ({"autotune": 1}, TypeError, "autotune must be a bool, got 1"),
        ({"use_cudnn": "sometimes"}, ValueError, "use_cudnn must be one of"),
        ({"use_ideep": True}, ValueError, "use_ideep must be one of"),
        ({"use_cuda": True, "cuda_device": -1}, ValueError, "cuda_device must be None or"),
        ({"cuda_device": "0"}, ValueError, "cuda_device must be None or a device id"),
        ({"use_chainerx": True}, ValueError, "use_chainerx needs chainerx_device"),
        ({"chainerx_device": 0}, TypeError, "chainerx_device must be None or a ChainerX"),
        (
            {"use_chainerx": True, "chainerx_device": "cuda:0", "use_cuda": True},
            ValueError,
            "use_cuda and use_chainerx cannot both be set",
        ),
    ],
)
def test_bad_parameters(params: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        testing.BackendConfig(params)


def test_params_must_be_a_mapping() -> None:
    with pytest.raises(TypeError, match="needs a mapping of parameter names to values, got list"):
        testing.BackendConfig([("use_cuda", True)])  # type: ignore[arg-type]


# -- inject_backend_tests ----------------------------------------------------------------------

_SEEN: list[tuple[str, str]] = []


@testing.inject_backend_tests(
    ["test_injected"],
    [{}, {"use_cudnn": "always"}, {"use_cuda": True}, {"use_ideep": "always"}],
)
class TestInjectedHere(unittest.TestCase):
    """Collected four times in this very run; the CUDA and iDeep ones skip here."""

    def test_injected(self, backend_config: testing.BackendConfig) -> None:
        assert isinstance(backend_config, testing.BackendConfig)
        # As in Chainer, the test enters the configuration itself.
        with backend_config:
            assert config.use_cudnn == backend_config.use_cudnn
        _SEEN.append((type(self).__name__, backend_config.label))

    def test_plain(self) -> None:
        assert not hasattr(self, "backend_config")


def _generated(prefix: str) -> dict[str, Any]:
    module = vars(sys.modules[__name__])
    return {name: value for name, value in module.items() if name.startswith(prefix)}


def test_one_class_per_backend_is_registered() -> None:
    assert sorted(_generated("TestInjectedHere_")) == [
        "TestInjectedHere_param_0_backend_cpu",
        "TestInjectedHere_param_1_backend_cpu_cudnn_always",
        "TestInjectedHere_param_2_backend_cuda_0",
        "TestInjectedHere_param_3_backend_cpu_ideep_always",
    ]
    assert TestInjectedHere.__dict__["__test__"] is False


def test_injected_methods_get_the_config_and_the_gpu_mark() -> None:
    classes = _generated("TestInjectedHere_")
    cpu = classes["TestInjectedHere_param_0_backend_cpu"]
    gpu = classes["TestInjectedHere_param_2_backend_cuda_0"]
    assert not hasattr(cpu.test_injected, "pytestmark")
    assert [mark.name for mark in gpu.test_injected.pytestmark] == ["gpu"]
    assert not hasattr(gpu.test_plain, "pytestmark")
    _SEEN.clear()
    result = unittest.TestResult()
    cpu("test_injected").run(result)
    classes["TestInjectedHere_param_1_backend_cpu_cudnn_always"]("test_injected").run(result)
    assert result.wasSuccessful(), result.failures + result.errors
    assert _SEEN == [
        ("TestInjectedHere_param_0_backend_cpu", "cpu"),
        ("TestInjectedHere_param_1_backend_cpu_cudnn_always", "cpu_cudnn_always"),
    ]


def test_unavailable_backends_skip_with_the_reason() -> None:
    classes = _generated("TestInjectedHere_")
    result = unittest.TestResult()
    classes["TestInjectedHere_param_3_backend_cpu_ideep_always"]("test_injected").run(result)
    assert [reason for _, reason in result.skipped] == [
        "kusari has no iDeep backend (use_ideep='always')"
    ]
    if not cuda.available:
        result = unittest.TestResult()
        classes["TestInjectedHere_param_2_backend_cuda_0"]("test_injected").run(result)
        assert len(result.skipped) == 1
        assert "needs CUDA" in result.skipped[0][1]


@testing.parameterize({"scale": 2}, {"scale": 3})
@testing.inject_backend_tests(None, testing.product({"use_cudnn": ["never", "auto"]}))
class TestStackedHere:
    scale: int

    def test_scaled(self, backend_config: testing.BackendConfig) -> None:
        x = backend_config.get_array(numpy.ones(2))
        assert (x * self.scale).tolist() == [self.scale] * 2


def test_inject_and_parameterize_compose() -> None:
    assert sorted(_generated("TestStackedHere_")) == [
        "TestStackedHere_param_0_scale_2_backend_cpu",
        "TestStackedHere_param_1_scale_2_backend_cpu_cudnn_auto",
        "TestStackedHere_param_2_scale_3_backend_cpu",
        "TestStackedHere_param_3_scale_3_backend_cpu_cudnn_auto",
    ]
    case = _generated("TestStackedHere_")["TestStackedHere_param_3_scale_3_backend_cpu_cudnn_auto"]
    assert case.scale == 3
    case().test_scaled()


_PYTEST = [
    sys.executable,
    "-m",
    "pytest",
    "-p",
    "no:cacheprovider",
    "-rs",
    "-W",
    "ignore::pytest.PytestUnknownMarkWarning",
]


def _run_pytest(tmp_path: Path, source: str, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "test_generated.py"
    path.write_text(textwrap.dedent(source))
    return subprocess.run(
        [*_PYTEST, "--rootdir", str(tmp_path), str(path), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )


def test_pytest_runs_cpu_and_skips_the_rest(tmp_path: Path) -> None:
    result = _run_pytest(
        tmp_path,
        """
        from kusari import testing

        @testing.inject_backend_tests(
            None,
            [{}, {"use_chainerx": True, "chainerx_device": "native:0"}],
        )
        class TestPlain:
            def test_one(self, backend_config):
                assert backend_config.xp.__name__ == "numpy"
        """,
        "-v",
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "TestPlain_param_0_backend_cpu::test_one PASSED" in out
    assert "TestPlain_param_1_backend_chainerx_native_0::test_one SKIPPED" in out
    assert "kusari has no ChainerX backend" in out
    assert "1 passed, 1 skipped" in out


def test_pytest_deselects_the_gpu_tests(tmp_path: Path) -> None:
    result = _run_pytest(
        tmp_path,
        """
        import unittest
        from kusari import testing

        @testing.inject_backend_tests(["test_one"], [{}, {"use_cuda": True}])
        class TestCase(unittest.TestCase):
            def test_one(self, backend_config):
                pass
        """,
        "-m",
        "not gpu",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed, 1 deselected" in result.stdout


@pytest.mark.parametrize(
    ("names", "params", "error", "match"),
    [
        ("test_x", [{}], TypeError, r"got the string 'test_x' \(write \['test_x'\]\)"),
        ([1], [{}], TypeError, "method names must be strings, got 1"),
        (["test_x"], {}, TypeError, "params must be a list of BackendConfig parameter"),
        (["test_x"], [], ValueError, "params is empty"),
        (["test_x"], [{"use_gpu": True}], ValueError, "unknown parameter"),
        (["test_missing"], [{}], ValueError, r"has no test method\(s\) \['test_missing'\]"),
    ],
)
def test_bad_arguments(names: Any, params: Any, error: type[Exception], match: str) -> None:
    module = sys.modules[__name__]
    before = set(vars(module))
    with pytest.raises(error, match=match):

        @testing.inject_backend_tests(names, params)
        class Case:
            def test_x(self, backend_config: testing.BackendConfig) -> None:
                pass

    assert set(vars(module)) == before


def test_decorating_a_function_is_an_error() -> None:
    with pytest.raises(TypeError, match="inject_backend_tests decorates test classes"):
        testing.inject_backend_tests(None, [{}])(len)  # type: ignore[type-var]
