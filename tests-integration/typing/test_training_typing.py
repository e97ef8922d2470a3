"""User-style code: the training loop, iterators, datasets and reporter as mypy sees them."""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Any, assert_type

import numpy
import numpy.typing as npt

from kusari.datasets import (
    DatasetMixin,
    SubDataset,
    TransformDataset,
    TupleDataset,
    get_digits,
    split_dataset_random,
)
from kusari.graph import Variable
from kusari.iterators import MultithreadIterator, SerialIterator
from kusari.links import Link, Parameter
from kusari.optimizers import SGD
from kusari.reporter import DictSummary, Reporter, Summary, report
from kusari.training import (
    Extension,
    ExtensionLike,
    StandardUpdater,
    Trainer,
    Updater,
    concat_examples,
    get_trigger,
    make_extension,
    triggers,
)
from kusari.training import extensions as E

Array = npt.NDArray[Any]


class Squares(DatasetMixin[int]):
    def __len__(self) -> int:
        return 4

    def get_example(self, i: int) -> int:
        return i * i


class Mean(Link):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.w = Parameter(numpy.zeros(1, numpy.float32))

    def forward(self, x: Array, t: Array) -> Variable:
        diff = self.w - x
        loss: Variable = (diff * diff).mean()
        report({"loss": loss}, self)
        return loss


def test_datasets_and_iterators() -> None:
    squares = Squares()
    assert_type(squares[1], int)
    assert_type(squares[1:3], list[int])
    train, test = split_dataset_random(squares, 3, seed=0)
    assert_type(train, SubDataset[int])
    assert_type(len(test), int)
    doubled = TransformDataset(squares, lambda x: 2.0 * x)
    assert_type(doubled[0], float)
    pairs = TupleDataset(numpy.zeros((4, 2)), numpy.arange(4))
    assert_type(pairs[0], tuple[Any, ...])
    it = SerialIterator(pairs, 2, shuffle=False)
    batch = next(it)
    assert_type(batch, list[tuple[Any, ...]])
    assert_type(it.epoch_detail, float)
    assert_type(it.previous_epoch_detail, float | None)
    x, t = concat_examples(batch)
    assert (x.shape, t.shape) == ((2, 2), (2,))
    assert_type(concat_examples([numpy.zeros(2)]), Array)
    with MultithreadIterator(squares, 2, shuffle=False) as threaded:
        assert_type(threaded.next(), list[int])


def bundled_data_types() -> None:  # checked by mypy only (needs scikit-learn to run)
    assert_type(get_digits(), tuple[TupleDataset, TupleDataset])
    assert_type(get_digits(withlabel=False), tuple[Array, Array])


def test_reporter() -> None:
    summary = Summary()
    summary.add(1.0)
    assert_type(summary.add(numpy.float32(2.0), weight=2), None)
    assert abs(float(summary.compute_mean()) - 5.0 / 3.0) < 1e-6
    mean, std = summary.make_statistics()
    assert float(std) > 0.0 < float(mean)
    statistics = DictSummary()
    statistics.add({"loss": 1.0})
    assert_type(statistics.compute_mean(), dict[str, Any])
    observation: dict[str, Any] = {}
    with Reporter().scope(observation):
        report({"x": 1})
    assert observation == {"x": 1}


def test_trainer(tmp_path: pathlib.Path) -> None:
    model = Mean()
    data = TupleDataset(numpy.ones((4, 1), numpy.float32), numpy.ones(4, numpy.float32))
    updater = StandardUpdater(SerialIterator(data, 2), SGD(lr=0.1).setup(model))
    trainer = Trainer(updater, (2, "epoch"), out=tmp_path)
    assert_type(trainer.updater, Updater)
    assert_type(get_trigger((1, "epoch")), Callable[[Trainer], bool])
    assert_type(triggers.MinValueTrigger("main/loss").best_value, float | None)

    @make_extension(trigger=(1, "epoch"))
    def count(trainer: Trainer) -> None:
        pass

    trainer.extend(count)
    log_report = E.LogReport()
    trainer.extend(log_report)
    trainer.extend(E.ExponentialShift("lr", 0.5), trigger=(1, "epoch"))
    assert_type(E.snapshot(n_retains=1), Extension)
    trainer.extend(E.snapshot(n_retains=1))
    assert_type(trainer.get_extension("LogReport"), ExtensionLike)
    trainer.run()
    assert_type(trainer.elapsed_time, float)
    assert_type(log_report.log, list[dict[str, Any]])
    assert [entry["epoch"] for entry in log_report.log] == [1, 2]
