from __future__ import annotations

import pathlib
from typing import Any

import numpy
import pytest

from kusari.datasets import TupleDataset
from kusari.graph import Variable, config
from kusari.iterators import Iterator, SerialIterator
from kusari.optimizers import SGD
from kusari.reporter import Reporter
from kusari.training import StandardUpdater, Trainer
from kusari.training.extensions import Evaluator, LogReport

from ._models import Regressor, loss_and_grads, regression_data


class Spy(Regressor):
    def __init__(self) -> None:
        super().__init__()
        self.modes: list[tuple[bool, bool]] = []

    def forward(self, x: Any, t: Any) -> Variable:
        loss = super().forward(x, t)
        self.modes.append((bool(config.train), loss.creator is not None))
        return loss


def validation(n: int = 10) -> tuple[SerialIterator[Any], Any, Any]:
    x, t = regression_data(n, seed=5)
    return SerialIterator(TupleDataset(x, t), 4, repeat=False, shuffle=False), x, t


def test_evaluate_averages_the_batch_means_in_test_mode_without_graphs() -> None:
    iterator, x, t = validation()
    model = Spy()
    evaluator = Evaluator(iterator, model)
    result = evaluator()
    w, b = model.w.array, model.b.array
    expected = numpy.mean([loss_and_grads(w, b, x[i : i + 4], t[i : i + 4])[0] for i in (0, 4, 8)])
    assert list(result) == ["main/loss"]
    assert float(result["main/loss"]) == pytest.approx(expected, rel=1e-5)
    assert model.modes == [(False, False)] * 3
    # The iterator is reset: a second evaluation gives the same result.
    assert float(evaluator()["main/loss"]) == pytest.approx(expected, rel=1e-5)
    assert config.train is True


def test_hooks_eval_func_and_accessors() -> None:
    iterator, _, _ = validation(8)
    model = Regressor()
    hooked: list[Evaluator] = []
    batches: list[int] = []

    def eval_func(x: Any, t: Any) -> None:
        batches.append(len(x))

    evaluator = Evaluator(
        {"main": iterator}, {"main": model}, eval_hook=hooked.append, eval_func=eval_func
    )
    assert evaluator() == {}
    assert hooked == [evaluator]
    assert batches == [4, 4]
    assert evaluator.get_iterator("main") is iterator
    assert evaluator.get_target("main") is model
    assert evaluator.get_all_iterators() == {"main": iterator}
    assert evaluator.get_all_targets() == {"main": model}
    assert evaluator.default_name == "validation"


def test_evaluator_errors_and_warnings() -> None:
    iterator, _, _ = validation()
    with pytest.warns(UserWarning, match="the iterator 'main' of the Evaluator repeats"):
        Evaluator(SerialIterator([1, 2], 1), Regressor())
    with pytest.raises(
        ValueError, match=r"the target dict must have a 'main' entry, got \['model'\]"
    ):
        Evaluator(iterator, {"model": Regressor()})
    with pytest.raises(TypeError, match=r"target 'main' must be a kusari\.links\.Link, got int"):
        Evaluator(iterator, 3)  # type: ignore[arg-type]


def test_evaluator_in_a_trainer_reports_validation_keys(tmp_path: pathlib.Path) -> None:
    x, t = regression_data(8)
    model = Regressor()
    updater = StandardUpdater(
        SerialIterator(TupleDataset(x, t), 4, shuffle=False), SGD(lr=0.01).setup(model)
    )
    trainer = Trainer(updater, (2, "epoch"), out=str(tmp_path))
    iterator, _, _ = validation()
    trainer.extend(Evaluator(iterator, model))
    log_report = LogReport()
    trainer.extend(log_report)
    trainer.run()
    assert [sorted(entry) for entry in log_report.log] == [
        ["elapsed_time", "epoch", "iteration", "main/loss", "validation/main/loss"]
    ] * 2
    # The validation loss was computed with the parameters at the end of each epoch.
    assert log_report.log[1]["validation/main/loss"] < log_report.log[0]["validation/main/loss"]


def test_evaluator_needs_a_reporter_only_inside_evaluate() -> None:
    iterator, _, _ = validation()
    evaluator = Evaluator(iterator, Regressor())
    with pytest.raises(RuntimeError, match="there is no current reporter"):
        evaluator.evaluate()
    reporter = Reporter()
    reporter.add_observer("main", evaluator.get_target("main"))
    with reporter:
        assert "main/loss" in evaluator.evaluate()


def test_an_iterator_without_reset_is_copied_with_a_deprecation_warning() -> None:
    class Once(Iterator[Any]):
        def __init__(self) -> None:
            self.done = False

        def __next__(self) -> list[Any]:
            if self.done:
                raise StopIteration
            self.done = True
            x, t = regression_data(2)
            return [(x[0], t[0]), (x[1], t[1])]

    iterator = Once()
    evaluator = Evaluator(iterator, Regressor())
    with pytest.warns(DeprecationWarning, match="has no reset\\(\\) method"):
        first = evaluator()
    with pytest.warns(DeprecationWarning, match="sweeps a copy of it"):
        second = evaluator()
    assert first == second
    assert iterator.done is False  # the copies were consumed, not the iterator
    with pytest.raises(TypeError, match=r"iterator 'main' must be a kusari\.iterators\.Iterator"):
        Evaluator([1, 2], Regressor())  # type: ignore[arg-type]
