"""Test helpers for the optimizer tests: a stand-in parameter made of NumPy arrays.

``FakeParam`` offers exactly what ``kusari.optimizers.UpdatableParameter`` promises, so the
update rules can be tested on their own, without links or the graph.
"""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt

from kusari.devices import CpuDevice, Device
from kusari.optimizers import Hyperparameter, UpdateRule

Array = npt.NDArray[Any]


class FakeParam:
    """A parameter: ``array``, ``grad``, ``dtype``, ``device``, ``name`` and a loss scale."""

    def __init__(
        self,
        array: Array | None,
        grad: Array | None = None,
        *,
        name: str = "w",
        dtype: Any = None,
    ) -> None:
        self.name: str | None = name
        self.array: Array | None = array
        self.grad: Array | None = grad
        self.device: Device = CpuDevice()
        self._dtype: numpy.dtype[Any] | None = None if dtype is None else numpy.dtype(dtype)
        self._loss_scale: float | None = None
        self.update_rule: UpdateRule[Hyperparameter] | None = None

    @property
    def dtype(self) -> numpy.dtype[Any]:
        if self.array is not None:
            return self.array.dtype
        if self._dtype is None:
            raise RuntimeError("uninitialized parameter without a dtype")
        return self._dtype

    @property
    def shape(self) -> tuple[int, ...]:
        assert self.array is not None
        return self.array.shape

    def update(self) -> None:
        if self.update_rule is not None:
            self.update_rule.update(self)


def random_array(shape: tuple[int, ...], dtype: Any, seed: int) -> Array:
    return numpy.random.default_rng(seed).standard_normal(shape).astype(dtype)


def test_fake_param_offers_what_rules_need() -> None:
    param = FakeParam(numpy.zeros(3, numpy.float32))
    assert param.dtype == numpy.float32
    assert param.shape == (3,)
    assert param.device.xp is numpy
    uninitialized = FakeParam(None, dtype=numpy.float16)
    assert uninitialized.dtype == numpy.float16
