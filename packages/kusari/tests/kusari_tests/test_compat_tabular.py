"""Chainer-style tabular dataset code after ``install_as_chainer()``."""

from __future__ import annotations

import types
from collections.abc import Iterator

import numpy
import pytest

from kusari.compat import install_as_chainer, uninstall_chainer
from kusari.datasets import tabular as kusari_tabular


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


def test_chainer_tabular_names_are_kusaris(chainer: types.ModuleType) -> None:
    from chainer.dataset import tabular
    from chainer.dataset.tabular.delegate_dataset import DelegateDataset
    from chainer.dataset.tabular.tabular_dataset import TabularDataset

    assert chainer.dataset.TabularDataset is kusari_tabular.TabularDataset
    assert TabularDataset is kusari_tabular.TabularDataset
    assert tabular.from_data is kusari_tabular.from_data
    assert tabular.DelegateDataset is DelegateDataset is kusari_tabular.DelegateDataset
    assert issubclass(TabularDataset, chainer.dataset.DatasetMixin)


def test_chainer_style_tabular_pipeline_trains_a_batch(chainer: types.ModuleType) -> None:
    import chainer.functions as F
    import chainer.links as L
    from chainer import dataset, iterators
    from chainer.dataset import tabular

    class Points(tabular.DelegateDataset):  # type: ignore[misc]
        def __init__(self) -> None:
            rng = numpy.random.default_rng(0)
            self.x = rng.standard_normal((10, 3)).astype(numpy.float32)
            super().__init__(tabular.from_data((("x", self.x), ("t", self.label))))

        def label(self, i: int) -> numpy.int32:
            return numpy.int32(self.x[i].sum() > 0)

    points = Points()
    assert isinstance(points, dataset.TabularDataset)
    train = points.slice[:8].transform(("x", "t"), lambda x, t: (x * 2, t))
    valid = points.slice[8:, ("x",)].asdict()
    assert len(train) == 8
    assert valid.keys == ("x",)
    assert valid.mode is dict
    assert sorted(valid[0]) == ["x"]

    x, t = train.convert(train.fetch())
    numpy.testing.assert_array_equal(x, points.x[:8] * 2)
    assert t.tolist() == [int(v) for v in (points.x[:8].sum(axis=1) > 0)]

    iterator = iterators.SerialIterator(train, 4, shuffle=False)
    xs, ts = dataset.concat_examples(iterator.next())
    numpy.testing.assert_array_equal(xs, points.x[:4] * 2)
    model = L.Linear(3, 2)
    loss = F.softmax_cross_entropy(model(xs), ts)
    loss.backward()
    assert model.W.grad is not None
    assert model.W.grad.shape == (2, 3)


def test_chainer_style_from_data_forms(chainer: types.ModuleType) -> None:
    from chainer.dataset import tabular

    # The values Chainer 7.8.1's from_data docstring shows for the same calls.
    assert tabular.from_data([0, 1, 2])[0] == 0
    assert tabular.from_data(([0, 1, 2], [3, 4, 5]))[0] == (0, 3)
    named = tabular.from_data((("a", [0, 1, 2]), ("b", [3, 4, 5])))
    assert named.keys == ("a", "b")
    assert sorted(tabular.from_data({"a": [0, 1, 2], "b": [3, 4, 5]})[0].items()) == [
        ("a", 0),
        ("b", 3),
    ]
    assert tabular.from_data(("a", lambda i: i * i), size=10)[5] == 25
    joined = named.join(tabular.from_data(("c", [6, 7, 8]))).concat(
        tabular.from_data((("a", [9]), ("b", [10]), ("c", [11])))
    )
    assert joined.slice[[3, 0], ("c", "a")].fetch() == ([11, 6], [9, 0])
    with pytest.raises(ValueError, match="all datasets must have the same length"):
        named.join(tabular.from_data(("c", [1])))
