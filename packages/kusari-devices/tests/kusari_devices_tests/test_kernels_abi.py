"""The CUDA launchers pass exactly what the ``extern "C"`` signatures declare.

No GPU is needed: the fake CuPy records each launch, and the arguments are checked against
the parameter lists parsed from the ``.cu`` sources (count, pointer dtypes, scalar C types,
contiguity, block size), for every kernel and dtype.
"""

from __future__ import annotations

import re
import types
from typing import Any

import numpy
import pytest

from kusari.devices import kernels
from kusari.devices.kernels import CudaSource

from . import _fake_cupy

STORAGE = {"__half": numpy.float16, "float": numpy.float32, "double": numpy.float64}
DTYPES = [numpy.float16, numpy.float32, numpy.float64]


def parse_signatures() -> dict[str, list[str]]:
    """Map each concrete entry name to its list of parameter types (T and C substituted)."""
    signatures: dict[str, list[str]] = {}
    for source in kernels.cuda_sources():
        text = source.read_text().replace("\\\n", " ")
        templates = re.findall(r'extern "C" __global__ void (\w+)_##S\(([^)]*)\)', text)
        instances = re.findall(r"KUSARI_\w+_ENTRIES\((\w+), (\w+)(?:, (\w+))?\)", text)
        assert templates, source.filename
        assert instances, source.filename
        for suffix, storage, compute in instances:
            compute = compute or ("double" if storage == "double" else "float")
            for stem, parameters in templates:
                types_ = []
                for parameter in parameters.split(","):
                    declaration = " ".join(parameter.split()[:-1])
                    declaration = re.sub(r"\bT\b", storage, declaration)
                    declaration = re.sub(r"\bC\b", compute, declaration)
                    types_.append(declaration)
                signatures[f"{stem}_{suffix}"] = types_
    return signatures


SIGNATURES = parse_signatures()


def check_argument(entry: str, declared: str, value: Any) -> None:
    where = f"{entry}: parameter {declared!r} got {type(value).__name__}"
    if declared.endswith("*"):
        pointee = declared.removeprefix("const ").removesuffix("*").strip()
        expected = numpy.int32 if pointee == "int" else STORAGE[pointee]
        assert isinstance(value, _fake_cupy.FakeCupyArray), where
        assert value.dtype == expected, f"{where} of dtype {value.dtype}"
        assert value.flags.c_contiguous, f"{where}, not contiguous"
    elif declared == "long long":
        assert type(value) is numpy.int64, where
    elif declared == "int":
        assert type(value) is numpy.int32, where
    else:
        assert type(value) is STORAGE[declared], where


class Recorder:
    def __init__(self) -> None:
        self.launches: list[tuple[str, tuple[int, ...], tuple[int, ...], tuple[Any, ...]]] = []

    def get_function(self, source: CudaSource, name: str) -> Any:
        def launch(grid: tuple[int, ...], block: tuple[int, ...], args: tuple[Any, ...]) -> None:
            self.launches.append((name, grid, block, args))

        return launch


@pytest.fixture
def recorder(fake_cupy: types.ModuleType, monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recording = Recorder()
    monkeypatch.setattr(
        CudaSource, "get_function", lambda source, name: recording.get_function(source, name)
    )
    return recording


def gpu(array: Any) -> Any:
    return _fake_cupy.gpu_array(array, 0)


def calls(dtype: type) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    rng = numpy.random.default_rng(0)

    def a(*shape: int) -> Any:
        return gpu(rng.uniform(0.1, 1, size=shape).astype(dtype))

    def strided() -> Any:
        array = a(4, 6)
        array.data = array.data[:, ::2]
        return array

    compute = numpy.float32 if dtype == numpy.float16 else dtype
    return [
        ("relu_forward", (strided(),), {}),
        ("relu_backward", (a(5), a(5)), {}),
        ("sigmoid_grad", (a(5), a(5)), {}),
        ("tanh_grad", (a(5), a(5)), {}),
        ("softmax_cross_entropy_forward", (a(3, 4), gpu(numpy.array([0, 1, -1]))), {}),
        (
            "softmax_cross_entropy_backward",
            (a(3, 4), gpu(numpy.array([0, 1, -1])), gpu(numpy.zeros(3, compute)), a(3)),
            {"ignore_label": -1},
        ),
        ("lstm_forward", (a(2, 3), a(2, 12)), {}),
        ("lstm_backward", (a(2, 3), a(2, 12), a(2, 3), None, a(2, 3)), {}),
        ("momentum_sgd_update", (a(6), a(6), a(6)), {"lr": 0.1, "momentum": 0.9}),
        (
            "adam_update",
            (a(6), a(6), a(6), a(6), a(6)),
            {"alpha_t": 0.1, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8, "amsgrad": True},
        ),
        (
            "adam_update",
            (a(6), a(6), a(6), a(6)),
            {"alpha_t": 0.1, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8, "weight_decay_rate": 0.1},
        ),
        ("rmsprop_update", (a(6), a(6), a(6)), {"lr": 0.1, "alpha": 0.9, "eps": 1e-8}),
        ("adagrad_update", (a(6), a(6), a(6)), {"lr": 0.1, "eps": 1e-8}),
    ]


@pytest.mark.parametrize("dtype", DTYPES)
def test_launch_arguments_match_the_cuda_signatures(recorder: Recorder, dtype: type) -> None:
    launched: set[str] = set()
    for name, args, kwargs in calls(dtype):
        recorder.launches.clear()
        kernels.get_kernel(name)(*args, **kwargs)
        assert len(recorder.launches) == 1, name
        entry, grid, block, arguments = recorder.launches[0]
        assert entry in kernels.get_kernel(name).entries
        assert entry.endswith(numpy.dtype(dtype).name)
        declared = SIGNATURES[entry]
        assert len(arguments) == len(declared), f"{entry}: {len(arguments)} args for {declared}"
        for parameter, value in zip(declared, arguments, strict=True):
            check_argument(entry, parameter, value)
        assert block == (kernels.BLOCK_SIZE,)
        assert len(grid) == 1
        assert grid[0] >= 1
        launched.add(name)
    assert launched == {k.name for k in kernels.kernels()}


def test_row_kernel_grid_is_one_block_per_row(recorder: Recorder) -> None:
    x = gpu(numpy.zeros((70000, 3), numpy.float32))
    kernels.softmax_cross_entropy_forward(x, gpu(numpy.zeros(70000, numpy.int64)))
    _, grid, _, arguments = recorder.launches[0]
    assert grid == (65535,)  # block-stride loop over the remaining rows
    assert arguments[4] == 70000


def test_elementwise_grid_covers_all_elements(recorder: Recorder) -> None:
    kernels.relu_forward(gpu(numpy.zeros(1000, numpy.float32)))
    _, grid, _, arguments = recorder.launches[0]
    assert grid == (4,)
    assert arguments[-1] == 1000


def test_state_arrays_must_be_contiguous(recorder: Recorder) -> None:
    param = gpu(numpy.zeros((4, 4), numpy.float32))
    velocity = gpu(numpy.zeros((4, 8), numpy.float32))
    velocity.data = velocity.data[:, ::2]
    with pytest.raises(
        ValueError,
        match=(
            "momentum_sgd: the CUDA kernel updates param and its state in place "
            "and needs them C-contiguous"
        ),
    ):
        kernels.momentum_sgd_update(
            param, gpu(numpy.zeros((4, 4), numpy.float32)), velocity, lr=0.1, momentum=0.9
        )
    assert recorder.launches == []


def test_launch_runs_under_the_arrays_device(
    fake_cupy: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []

    def get_function(source: CudaSource, name: str) -> Any:
        seen.append(_fake_cupy.FakeCudaDevice.current)
        return lambda grid, block, args: None

    monkeypatch.setattr(CudaSource, "get_function", get_function)
    kernels.relu_forward(_fake_cupy.gpu_array(numpy.zeros(3, numpy.float32), 1))
    assert seen == [1]
    assert _fake_cupy.FakeCudaDevice.current == 0
