from __future__ import annotations

import sys
import types

import pytest

from kusari.devices import _array, _cupy

from . import _fake_cupy


@pytest.fixture
def fake_cupy(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """Install the fake CuPy as ``cupy`` for one test, with two fake GPUs."""
    module = _fake_cupy.make(device_count=2)
    monkeypatch.setitem(sys.modules, "cupy", module)
    monkeypatch.setattr(_cupy, "_cupy", module)
    monkeypatch.setattr(_cupy, "_import_error", None)
    monkeypatch.setattr(_cupy, "_available", None)
    monkeypatch.setattr(_array, "_array_types", None)
    return module


@pytest.fixture
def no_cupy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make CuPy look uninstalled, whatever this machine has."""
    monkeypatch.delitem(sys.modules, "cupy", raising=False)
    monkeypatch.setattr(_cupy, "_cupy", None)
    monkeypatch.setattr(_cupy, "_import_error", None)
    monkeypatch.setattr(_cupy, "_available", None)
    monkeypatch.setattr(_array, "_array_types", None)
