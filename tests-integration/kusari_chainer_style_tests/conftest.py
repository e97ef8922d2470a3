"""Every test in this package runs with kusari installed as ``chainer``, removed afterwards."""

from __future__ import annotations

import types
from collections.abc import Iterator

import pytest

from kusari.compat import install_as_chainer, uninstall_chainer


@pytest.fixture(autouse=True)
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()
