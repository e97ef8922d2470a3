from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari.datasets import DictDataset, TupleDataset
from kusari.devices import Device
from kusari.graph import Variable
from kusari.iterators import SerialIterator
from kusari.links import Link, Parameter
from kusari.optimizers import SGD, MomentumSGD
from kusari.serializers import DictionarySerializer
from kusari.training import ParallelUpdater, StandardUpdater, converter

from ._models import Regressor, data, loss_and_grads, regression_data


def make_updater(**kwargs: Any) -> tuple[StandardUpdater, Regressor, Any, Any]:
    x, t = regression_data(8)
    model = Regressor()
    optimizer = SGD(lr=0.1).setup(model)
    iterator = SerialIterator(TupleDataset(x, t), 4, shuffle=False)
    return StandardUpdater(iterator, optimizer, **kwargs), model, x, t


def test_one_update_is_one_sgd_step_on_the_batch() -> None:
    updater, model, x, t = make_updater()
    w0 = data(model.w).copy()
    b0 = data(model.b).copy()
    _, grad_w, grad_b = loss_and_grads(w0, b0, x[:4], t[:4])
    updater.update()
    numpy.testing.assert_allclose(data(model.w), w0 - 0.1 * grad_w, rtol=1e-5)
    numpy.testing.assert_allclose(data(model.b), b0 - 0.1 * grad_b, rtol=1e-5)
    assert updater.iteration == 1
    assert (updater.epoch, updater.epoch_detail, updater.previous_epoch_detail) == (0, 0.5, 0.0)
    assert not updater.is_new_epoch
    updater.update()
    assert (updater.epoch, updater.is_new_epoch) == (1, True)
    assert updater.get_optimizer("main").epoch == 1  # auto_new_epoch


def test_dict_and_array_batches_and_loss_func() -> None:
    x, t = regression_data(4)
    model = Regressor()
    seen: list[tuple[str, ...]] = []

    def loss_func(**arrays: Any) -> Variable:
        seen.append(tuple(sorted(arrays)))
        loss: Variable = model(arrays["x"], arrays["t"])
        return loss

    updater = StandardUpdater(
        SerialIterator(DictDataset(x=x, t=t), 2, shuffle=False),
        SGD().setup(model),
        loss_func=loss_func,
        auto_new_epoch=False,
    )
    updater.update()
    assert seen == [("t", "x")]
    assert updater.get_optimizer("main").epoch == 0

    class Mean(Link):
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.w = Parameter(numpy.zeros(1, numpy.float32))

        def forward(self, x: Any) -> Variable:
            diff = self.w - x
            loss: Variable = (diff * diff).mean()
            return loss

    mean = Mean()
    plain = StandardUpdater(
        SerialIterator(numpy.full((4, 1), 2.0, numpy.float32), 4), SGD(lr=0.25).setup(mean)
    )
    plain.update()
    assert data(mean.w).tolist() == [1.0]


def test_converters_receive_the_device_in_their_style() -> None:
    devices: list[Any] = []

    @converter()
    def new_style(batch: list[Any], device: Device | None = None) -> tuple[Any, ...]:
        devices.append(device)
        xs, ts = zip(*batch, strict=True)
        return numpy.stack(xs), numpy.stack(ts)

    def old_style(batch: list[Any], device: int | None = None) -> tuple[Any, ...]:
        devices.append(device)
        return new_style(batch)

    for convert in (new_style, old_style):
        updater, _, _, _ = make_updater(converter=convert, device="@numpy")
        updater.update()
    assert [getattr(d, "name", d) for d in devices] == ["@numpy", -1, None]
    updater, _, _, _ = make_updater(converter=old_style)
    devices.clear()
    updater.update()
    assert devices == [None, None]


def test_construction_errors() -> None:
    x, t = regression_data(4)
    iterator = SerialIterator(TupleDataset(x, t), 2)
    model = Regressor()
    with pytest.raises(
        ValueError, match=r"optimizer 'main' has no target link; call optimizer\.setup"
    ):
        StandardUpdater(iterator, SGD())
    with pytest.raises(
        ValueError, match=r"the iterator dict must have a 'main' entry, got \['train'\]"
    ):
        StandardUpdater({"train": iterator}, SGD().setup(model))
    with pytest.raises(TypeError, match=r"iterator 'main' must be a kusari\.iterators"):
        StandardUpdater([1, 2], SGD().setup(model))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"optimizer 'main' must be a kusari\.optimizers"):
        StandardUpdater(iterator, model)  # type: ignore[arg-type]


def test_serialization_keys() -> None:
    x, t = regression_data(6)
    model = Regressor()
    updater = StandardUpdater(
        SerialIterator(TupleDataset(x, t), 4, shuffle=False), MomentumSGD().setup(model)
    )
    updater.update()
    saved = DictionarySerializer()
    saved.save(updater)
    keys = set(saved.target)
    assert {"iteration", "iterator:main/current_position", "model:main/w", "model:main/b"} <= keys
    assert {"optimizer:main/t", "optimizer:main/w/v"} <= keys
    assert int(saved.target["iteration"]) == 1
    assert updater.get_iterator("main") is updater.get_all_iterators()["main"]
    assert list(updater.get_all_optimizers()) == ["main"]
    assert updater.device is None


def test_parallel_updater_sums_the_gradients_of_the_sub_batches() -> None:
    x, t = regression_data(8)
    model = Regressor()
    optimizer = SGD(lr=0.05).setup(model)
    updater = ParallelUpdater(
        SerialIterator(TupleDataset(x, t), 6, shuffle=False),
        optimizer,
        devices={"main": "@numpy", "second": -1},
    )
    w0, b0 = data(model.w).copy(), data(model.b).copy()
    _, gw_main, gb_main = loss_and_grads(w0, b0, x[0:6:2], t[0:6:2])
    _, gw_second, gb_second = loss_and_grads(w0, b0, x[1:6:2], t[1:6:2])
    updater.update()
    numpy.testing.assert_allclose(data(model.w), w0 - 0.05 * (gw_main + gw_second), rtol=1e-5)
    numpy.testing.assert_allclose(data(model.b), b0 - 0.05 * (gb_main + gb_second), rtol=1e-5)
    second = updater._models["second"]
    assert second is not model
    numpy.testing.assert_array_equal(second.w.array, data(model.w))  # type: ignore[attr-defined]
    assert updater.iteration == 1


def test_parallel_updater_errors() -> None:
    x, t = regression_data(4)
    iterator = SerialIterator(TupleDataset(x, t), 2)
    model = Regressor()
    with pytest.raises(ValueError, match="ParallelUpdater needs devices"):
        ParallelUpdater(iterator, SGD().setup(model))
    with pytest.raises(ValueError, match=r"devices must have a 'main' entry, got \['a'\]"):
        ParallelUpdater(iterator, SGD().setup(model), devices={"a": -1})
    with pytest.raises(ValueError, match="models and devices must have the same names"):
        ParallelUpdater(
            iterator, SGD().setup(model), models={"main": model}, devices={"main": -1, "b": -1}
        )
    with pytest.raises(ValueError, match="models\\['main'\\] must be the optimizer's target"):
        ParallelUpdater(
            iterator, SGD().setup(model), models={"main": Regressor()}, devices={"main": -1}
        )
