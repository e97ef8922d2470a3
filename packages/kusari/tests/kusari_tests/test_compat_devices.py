"""Chainer-style device code running on kusari after ``install_as_chainer()``."""

from __future__ import annotations

import sys
import types
import warnings
from collections.abc import Iterator
from typing import Any

import numpy
import pytest

from kusari.compat import install_as_chainer, uninstall_chainer
from kusari.devices import CpuDevice, CudaDevice, DeviceResident, cuda


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


def test_backend_module(chainer: types.ModuleType) -> None:
    from chainer import backend

    device = chainer.get_device(-1)
    device.use()
    assert device == backend.CpuDevice()
    assert isinstance(device, backend.Device)
    assert device.name == "@numpy"
    assert backend.GpuDevice is CudaDevice
    x = numpy.arange(3.0)
    assert backend.get_array_module(x) is numpy
    assert backend.get_device_from_array(x) == device
    with chainer.using_device("@numpy"):
        y = device.send(x)
    assert y is x
    out = numpy.zeros(3)
    backend.copyto(out, x)
    numpy.testing.assert_array_equal(out, x)


def test_get_device_from_args_device_flag(chainer: types.ModuleType) -> None:
    # The pattern of Chainer's examples: parser.add_argument('--device', default='-1').
    for spec in ("-1", -1, "@numpy"):
        assert chainer.get_device(spec) == CpuDevice()
    with pytest.raises(ValueError, match="ChainerX device specifiers"):
        chainer.get_device("native:0")


def test_cuda_module_and_alias(chainer: types.ModuleType) -> None:
    import chainer.backends.cuda as backends_cuda
    from chainer import cuda as short_cuda

    assert short_cuda is backends_cuda
    assert sys.modules["chainer.cuda"] is backends_cuda
    assert backends_cuda.available is cuda.available
    assert backends_cuda.cudnn_enabled is False
    x = numpy.ones(2)
    assert backends_cuda.to_cpu(x) is x
    assert backends_cuda.get_array_module(x) is numpy
    assert not isinstance(x, backends_cuda.ndarray)
    with backends_cuda.get_device_from_id(-1):
        pass
    assert backends_cuda.get_device_from_array(x) is backends_cuda.DummyDevice
    with pytest.raises(AttributeError, match=r"'chainer\.backends\.cuda' has no attribute 'nope'"):
        backends_cuda.nope  # noqa: B018


@pytest.mark.skipif(cuda.available, reason="checks the message without CUDA")
def test_cuda_unavailable_message(chainer: types.ModuleType) -> None:
    with pytest.raises(RuntimeError, match=r"pip install kusari-devices\[cuda12\]"):
        chainer.backends.cuda.check_cuda_available()
    with pytest.raises(RuntimeError, match=r"kusari-devices\[cuda13\]"):
        chainer.backends.cuda.to_gpu(numpy.zeros(1))


def test_intel64_is_never_available(chainer: types.ModuleType) -> None:
    assert chainer.backends.intel64.is_ideep_available() is False


def test_get_array_types(chainer: types.ModuleType) -> None:
    assert numpy.ndarray in chainer.get_array_types()


def test_device_resident_subclass_written_for_chainer(chainer: types.ModuleType) -> None:
    from chainer import device_resident

    assert chainer.DeviceResident is DeviceResident

    class Stats(device_resident.DeviceResident):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.mean = numpy.zeros(2)

        def device_resident_accept(self, visitor: Any) -> None:
            super().device_resident_accept(visitor)
            self.mean = visitor.visit_array(self.mean)

    stats = Stats()
    mean = stats.mean
    assert stats.to_device(chainer.get_device("@numpy")) is stats
    assert stats.mean is mean
    assert stats.xp is numpy
    with pytest.warns(
        DeprecationWarning,
        match=r"to_cpu is deprecated\. Please use to_device\('@numpy'\) instead\.",
    ):
        stats.to_cpu()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats.to_device(-1)


def test_cuda_helpers_written_for_chainer(chainer: types.ModuleType) -> None:
    from chainer.backends import cuda as chainer_cuda

    def _table(n: int) -> tuple[int, ...]:
        return tuple(range(n))

    def _axpy(a: Any, x: Any, y: Any) -> Any:
        return a * x + y

    # Chainer code writes these as decorators; chainer.* is untyped to mypy, so apply them.
    table = chainer_cuda.memoize()(_table)
    axpy = chainer_cuda.fuse()(_axpy)

    assert table(3) is table(3)
    chainer_cuda.clear_memo()
    assert axpy(2.0, numpy.ones(2), numpy.ones(2)).tolist() == [3.0, 3.0]
    assert chainer_cuda.should_use_cudnn(">=auto") is False
    assert chainer_cuda.should_use_cudnn_tensor_core(numpy.float16) is False
    assert chainer_cuda.get_max_workspace_size() == 8 * 1024 * 1024
    assert chainer_cuda.copy is cuda.copy
    assert chainer.is_arrays_compatible([numpy.zeros(1), None])


def test_intel64_and_chainerx_names_exist_but_are_unsupported(chainer: types.ModuleType) -> None:
    from chainer.backends import intel64

    assert intel64.should_use_ideep(">=auto") is False
    assert intel64.inputs_all_ready([numpy.zeros((2, 3))]) is False
    with pytest.raises(ValueError, match="should_use_ideep: level must be one of"):
        intel64.should_use_ideep("sometimes")
    device = chainer.get_device("@numpy")
    assert not isinstance(device, chainer.backend.Intel64Device)
    assert not isinstance(device, chainer.backend.ChainerxDevice)
    with pytest.raises(RuntimeError, match="kusari has no ChainerX backend"):
        chainer.backend.ChainerxDevice()
    with pytest.raises(RuntimeError, match=r"kusari has no iDeep \(intel64\) backend"):
        intel64.Intel64Device()
