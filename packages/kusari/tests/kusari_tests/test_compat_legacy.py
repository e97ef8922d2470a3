"""Chainer names kept for old code: DebugMode, static_graph/static_code, chainer.utils helpers."""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

import numpy
import pytest

import kusari.graph
from kusari.compat import install_as_chainer, uninstall_chainer


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


def _debug() -> bool:
    return bool(kusari.graph.config.debug)


def test_debug_mode_warns_and_sets_debug(chainer: types.ModuleType) -> None:
    assert _debug() is False
    with pytest.warns(DeprecationWarning, match=r"chainer\.DebugMode is deprecated"):
        mode = chainer.DebugMode(True)
    with mode:
        assert _debug() is True
    assert _debug() is False


def test_static_graph_chain_runs_define_by_run(chainer: types.ModuleType) -> None:
    import chainer.functions as F
    import chainer.links as L

    def _scale(x: Any) -> Any:
        return x * 2

    Chain: Any = chainer.Chain

    class Net(Chain):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(3, 2)

        def forward(self, x: Any) -> Any:
            return F.relu(self.l1(self.scale(x)))

    # Chainer code writes these as decorators; chainer.* is untyped to mypy, so apply them.
    Net.forward = chainer.static_graph(verbosity_level=0)(Net.forward)  # type: ignore[method-assign]
    Net.scale = staticmethod(chainer.static_code(_scale))
    net = Net()
    x = numpy.ones((4, 3), numpy.float32)
    y = net(x)
    expected = numpy.maximum(2 * x @ net.l1.W.array.T + net.l1.b.array, 0)
    numpy.testing.assert_allclose(y.array, expected, rtol=1e-6)
    assert chainer.graph_optimizations.static_graph is chainer.static_graph


def test_static_graph_rejects_unknown_options(chainer: types.ModuleType) -> None:
    with pytest.raises(TypeError, match="static_graph: unknown option\\(s\\) verbose"):
        chainer.static_graph(verbose=True)
    with pytest.raises(TypeError, match="use it as @static_graph"):
        chainer.static_graph(1, 2)


def test_utils_experimental_force_type_and_conv(chainer: types.ModuleType) -> None:
    from chainer import utils
    from chainer.utils import conv

    with pytest.warns(FutureWarning, match="mylib.Thing is experimental"):
        utils.experimental("mylib.Thing")
    module: Any = chainer
    module.disable_experimental_feature_warning = True
    try:
        utils.experimental("mylib.Thing")  # silent; pytest turns warnings into errors
    finally:
        module.disable_experimental_feature_warning = False
    assert type(utils.force_type(numpy.dtype("f"), 1.0)) is numpy.float32
    col = conv.im2col_cpu(numpy.arange(9.0).reshape(1, 1, 3, 3), 2, 2, 1, 1, 0, 0)
    assert col.shape == (1, 1, 2, 2, 2, 2)
    assert conv.get_conv_outsize(3, 2, 1, 0) == 2
