from __future__ import annotations

import types
import warnings
from typing import Any

import numpy
import pytest

from kusari.devices import (
    CpuDevice,
    CudaDevice,
    Device,
    DeviceMovable,
    DeviceResident,
    DeviceResidentsVisitor,
    get_device,
)

TO_CPU_MESSAGE = r"^to_cpu is deprecated\. Please use to_device\('@numpy'\) instead\.$"
TO_GPU_MESSAGE = r"^to_gpu is deprecated\. Please use to_device\('@cupy:N'\) instead\.$"


class FakeVariable:
    """A minimal DeviceMovable: an array plus the device it is on."""

    def __init__(self, array: Any) -> None:
        self.array = array
        self.moves: list[str] = []

    @property
    def device(self) -> Device:
        from kusari.devices import get_device_from_array

        return get_device_from_array(self.array)

    def to_device(self, device: Device, /) -> None:
        self.moves.append(device.name)
        self.array = device.send(self.array)


class Node(DeviceResident):
    """A link-like resident: one variable, one persistent array, children."""

    def __init__(self, *children: Node) -> None:
        super().__init__()
        self.param = FakeVariable(numpy.arange(3.0))
        self.persistent: Any = numpy.zeros(2)
        self.children = list(children)

    def device_resident_accept(self, visitor: DeviceResidentsVisitor) -> None:
        super().device_resident_accept(visitor)
        visitor.visit_variable(self.param)
        self.persistent = visitor.visit_array(self.persistent)
        for child in self.children:
            child.device_resident_accept(visitor)


class LegacyNode(Node):
    """Old Chainer code: overrides to_cpu/to_gpu to move an unregistered array."""

    def __init__(self, *children: Node) -> None:
        super().__init__(*children)
        self.extra: Any = numpy.ones(1)
        self.calls: list[str] = []

    def to_cpu(self) -> LegacyNode:
        self.calls.append("to_cpu")
        super().to_cpu()
        self.extra = CpuDevice().send(self.extra)
        return self

    def to_gpu(self, device: Any = None) -> LegacyNode:
        self.calls.append(f"to_gpu({device})")
        super().to_gpu(device)
        self.extra = get_device(device).send(self.extra)
        return self


def test_protocol_is_satisfied_by_fake_variable() -> None:
    variable: DeviceMovable = FakeVariable(numpy.zeros(1))
    assert variable.device == CpuDevice()


class TestDefaults:
    def test_initial_device(self) -> None:
        node = Node()
        assert node.device == CpuDevice()
        assert node.xp is numpy

    def test_base_visitor_is_a_no_op(self) -> None:
        node = Node(Node())
        before = node.persistent
        node.device_resident_accept(DeviceResidentsVisitor())
        assert node.persistent is before
        assert node.param.moves == []

    def test_visit_order(self) -> None:
        events: list[str] = []

        class Recorder(DeviceResidentsVisitor):
            def visit_device_resident(self, resident: DeviceResident) -> None:
                events.append(f"resident:{resident.name}")  # type: ignore[attr-defined]

            def visit_variable(self, variable: DeviceMovable) -> None:
                events.append("variable")

            def visit_array(self, array: Any) -> Any:
                events.append("array")
                return array

        child = Node()
        root = Node(child)
        root.name = "root"  # type: ignore[attr-defined]
        child.name = "child"  # type: ignore[attr-defined]
        root.device_resident_accept(Recorder())
        assert events == [
            "resident:root",
            "variable",
            "array",
            "resident:child",
            "variable",
            "array",
        ]


class TestToDeviceCpu:
    def test_returns_self_and_keeps_numpy_arrays(self) -> None:
        child = Node()
        root = Node(child)
        param_array = root.param.array
        persistent = child.persistent
        assert root.to_device("@numpy") is root
        assert root.param.array is param_array
        assert child.persistent is persistent
        assert root.param.moves == ["@numpy"]
        assert child.param.moves == ["@numpy"]

    def test_invalid_spec_moves_nothing(self) -> None:
        root = Node(Node())
        with pytest.raises(ValueError, match="invalid device specifier 'native:0'"):
            root.to_device("native:0")
        assert root.param.moves == []

    def test_to_cpu_warns_and_moves(self) -> None:
        root = Node(Node())
        with pytest.warns(DeprecationWarning, match=TO_CPU_MESSAGE) as record:
            assert root.to_cpu() is root
        assert len(record) == 1
        assert root.param.moves == ["@numpy"]

    @pytest.mark.usefixtures("no_cupy")
    def test_to_gpu_without_cupy(self) -> None:
        root = Node()
        with (
            pytest.warns(DeprecationWarning, match=TO_GPU_MESSAGE),
            pytest.raises(RuntimeError, match=r"kusari-devices\[cuda12\]"),
        ):
            root.to_gpu()
        assert root.device == CpuDevice()
        assert root.param.moves == []


class TestToDeviceGpu:
    def test_moves_everything(self, fake_cupy: types.ModuleType) -> None:
        child = Node()
        root = Node(child)
        assert root.to_device("@cupy:1") is root
        for node in (root, child):
            assert node.device == CudaDevice(1)
            assert node.xp is fake_cupy
            assert isinstance(node.persistent, fake_cupy.ndarray)
            assert node.persistent.device.id == 1
            assert node.param.array.device.id == 1

    def test_back_to_cpu(self, fake_cupy: types.ModuleType) -> None:
        root = Node(Node()).to_device(0)
        root.to_device("@numpy")
        assert root.device == CpuDevice()
        assert isinstance(root.persistent, numpy.ndarray)
        numpy.testing.assert_array_equal(root.param.array, [0.0, 1.0, 2.0])

    def test_to_device_moves_between_gpus(self, fake_cupy: types.ModuleType) -> None:
        root = Node().to_device(0)
        root.to_device(1)
        assert root.device == CudaDevice(1)
        assert root.persistent.device.id == 1

    def test_legacy_to_gpu_skips_residents_already_on_a_gpu(
        self, fake_cupy: types.ModuleType
    ) -> None:
        on_gpu0 = Node().to_device(0)
        root = Node(on_gpu0)
        with pytest.warns(DeprecationWarning, match=TO_GPU_MESSAGE):
            root.to_gpu(1)
        assert root.device == CudaDevice(1)
        assert root.persistent.device.id == 1
        assert on_gpu0.device == CudaDevice(0)
        assert on_gpu0.persistent.device.id == 0
        assert on_gpu0.param.array.device.id == 0

    def test_legacy_to_gpu_current_device(self, fake_cupy: types.ModuleType) -> None:
        fake_cupy.cuda.Device(1).use()
        root = Node()
        with pytest.warns(DeprecationWarning, match=TO_GPU_MESSAGE):
            root.to_gpu()
        assert root.device == CudaDevice(1)


class TestLegacyOverrides:
    def test_to_device_calls_overridden_to_cpu_once_without_warning(self) -> None:
        legacy_child = LegacyNode()
        root = Node(legacy_child)
        legacy_child.extra = numpy.ones(1)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            root.to_device("@numpy")
        assert legacy_child.calls == ["to_cpu"]
        # the registered arrays were moved once by the main pass, once by super().to_cpu()
        assert legacy_child.param.moves == ["@numpy", "@numpy"]

    def test_to_device_on_the_override_itself(self) -> None:
        legacy = LegacyNode(LegacyNode())
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            legacy.to_device(-1)
        assert legacy.calls == ["to_cpu"]
        assert legacy.children[0].calls == ["to_cpu"]  # type: ignore[attr-defined]

    def test_user_call_of_override_warns_once_and_reaches_descendants(self) -> None:
        grandchild = LegacyNode()
        legacy = LegacyNode(Node(grandchild))
        with pytest.warns(DeprecationWarning, match=TO_CPU_MESSAGE) as record:
            legacy.to_cpu()
        assert len(record) == 1
        assert legacy.calls == ["to_cpu"]
        assert grandchild.calls == ["to_cpu"]

    def test_to_device_gpu_calls_overridden_to_gpu(self, fake_cupy: types.ModuleType) -> None:
        legacy_child = LegacyNode()
        root = Node(legacy_child)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            root.to_device("@cupy:1")
        assert legacy_child.calls == ["to_gpu(1)"]
        assert legacy_child.extra.device.id == 1
        assert legacy_child.device == CudaDevice(1)
