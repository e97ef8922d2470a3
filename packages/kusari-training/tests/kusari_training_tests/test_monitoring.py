from __future__ import annotations

import pathlib
from typing import Any

import numpy
import pytest

from kusari.datasets import TupleDataset
from kusari.graph import Variable, config
from kusari.iterators import SerialIterator
from kusari.optimizers import SGD
from kusari.reporter import report
from kusari.serializers import DictionarySerializer, NpzDeserializer
from kusari.training import PRIORITY_WRITER, StandardUpdater, Trainer, make_extension
from kusari.training.extensions import (
    DumpGraph,
    FailOnNonNumber,
    LogReport,
    MicroAverage,
    ParameterStatistics,
    dump_graph,
    observe_lr,
    observe_value,
    unchain_variables,
)

from ._models import DummyUpdater, Regressor, data, regression_data


def regression_trainer(tmp_path: pathlib.Path, iterations: int = 2) -> tuple[Trainer, Regressor]:
    x, t = regression_data(8)
    model = Regressor()
    updater = StandardUpdater(
        SerialIterator(TupleDataset(x, t), 4, shuffle=False), SGD(lr=0.01).setup(model)
    )
    return Trainer(updater, (iterations, "iteration"), out=str(tmp_path)), model


def test_observe_value_and_lr(tmp_path: pathlib.Path) -> None:
    trainer, _ = regression_trainer(tmp_path, iterations=4)
    trainer.extend(observe_lr(), trigger=(1, "iteration"))
    trainer.extend(
        observe_value("double", lambda t: 2 * t.updater.iteration), trigger=(1, "iteration")
    )
    log_report = LogReport(trigger=(2, "iteration"))
    trainer.extend(log_report)
    trainer.run()
    assert [entry["lr"] for entry in log_report.log] == [0.01, 0.01]
    assert [entry["double"] for entry in log_report.log] == [3.0, 7.0]


def test_fail_on_non_number(tmp_path: pathlib.Path) -> None:
    trainer, model = regression_trainer(tmp_path)
    trainer.extend(FailOnNonNumber())

    @make_extension(priority=PRIORITY_WRITER)
    def poison(trainer: Trainer) -> None:
        data(model.b)[...] = numpy.nan

    trainer.extend(poison)
    with pytest.raises(RuntimeError, match=r"parameters in optimizer 'main' diverge\. R\.I\.P\."):
        trainer.run(show_loop_exception_msg=False)

    grads, grad_model = regression_trainer(tmp_path)
    grads.extend(FailOnNonNumber())

    @make_extension(priority=PRIORITY_WRITER)
    def poison_grad(trainer: Trainer) -> None:
        grad_model.w.grad = numpy.full_like(data(grad_model.w), numpy.inf)

    grads.extend(poison_grad)
    with pytest.raises(RuntimeError, match="gradients in optimizer 'main' diverge"):
        grads.run(show_loop_exception_msg=False)
    fine, _ = regression_trainer(tmp_path)
    fine.extend(FailOnNonNumber(check_grad=False))
    fine.run()


def test_micro_average(tmp_path: pathlib.Path) -> None:
    trainer = Trainer(DummyUpdater(), (4, "iteration"), out=str(tmp_path))
    counts = {1: (3, 4), 2: (1, 1), 3: (0, 5), 4: (2, 2)}

    @make_extension(priority=PRIORITY_WRITER)
    def counting(trainer: Trainer) -> None:
        correct, total = counts[trainer.updater.iteration]
        report({"correct": numpy.array(correct), "total": Variable(numpy.array([float(total)]))})

    trainer.extend(counting)
    average = MicroAverage("correct", "total", "accuracy", trigger=(2, "iteration"))
    trainer.extend(average)
    results: list[float] = []
    trainer.extend(
        lambda t: (
            results.append(t.observation["accuracy"]) if "accuracy" in t.observation else None
        ),
        name="read",
    )
    trainer.run()
    assert results == [4 / 5, 2 / 7]
    saved = DictionarySerializer()
    saved.save(average)
    assert {"_numerator", "_denominator", "_trigger/previous_iteration"} <= set(saved.target)
    restored = MicroAverage("correct", "total", "accuracy")
    NpzDeserializer(saved.target).load(restored)
    assert (restored._numerator, restored._denominator) == (0.0, 0.0)


def test_unchain_variables(tmp_path: pathlib.Path) -> None:
    trainer, _ = regression_trainer(tmp_path, iterations=1)
    kept: list[Variable] = []
    trainer.extend(
        lambda t: kept.append(t.observation["main/loss"]), name="keep", priority=PRIORITY_WRITER
    )
    trainer.extend(unchain_variables)
    config.keep_graph_on_report = True
    try:
        trainer.run()
    finally:
        del config.keep_graph_on_report
    assert kept[0].creator is None
    assert unchain_variables.priority == 0  # type: ignore[attr-defined]


def test_dump_graph_writes_the_dot_file_once(tmp_path: pathlib.Path) -> None:
    trainer, _ = regression_trainer(tmp_path, iterations=3)
    extension = dump_graph("main/loss", filename="graph.dot")
    trainer.extend(extension)
    flags: list[bool] = []
    trainer.extend(lambda t: flags.append(bool(config.keep_graph_on_report)), name="flag")
    trainer.run()
    text = (tmp_path / "graph.dot").read_text()
    assert text.startswith("digraph")
    assert "->" in text
    assert flags == [False, False, False]  # restored right after the dump, before "flag" runs
    assert config.keep_graph_on_report is False
    saved = DictionarySerializer()
    saved.save(extension)
    restored = DumpGraph("main/loss")
    NpzDeserializer(saved.target).load(restored)
    assert restored._flag_called is True


def test_dump_graph_rejects_a_non_variable(tmp_path: pathlib.Path) -> None:
    trainer = Trainer(DummyUpdater(), (1, "iteration"), out=str(tmp_path))
    trainer.extend(lambda t: report({"loss": 1.0}), name="writer", priority=PRIORITY_WRITER + 10)
    trainer.extend(DumpGraph("loss"))
    with pytest.raises(TypeError, match="the observed value 'loss' is a float, not a Variable"):
        trainer.run(show_loop_exception_msg=False)
    assert config.keep_graph_on_report is False


def test_parameter_statistics_match_numpy(tmp_path: pathlib.Path) -> None:
    trainer, model = regression_trainer(tmp_path, iterations=1)
    statistics = ParameterStatistics(model, prefix="stats", trigger=(1, "iteration"))
    trainer.extend(statistics)
    seen: list[dict[str, Any]] = []
    trainer.extend(lambda t: seen.append(dict(t.observation)), name="read")
    trainer.run()
    observation = seen[0]
    w = data(model.w).ravel()
    grad_w = model.w.grad
    assert grad_w is not None
    assert float(observation["stats/w/data/mean"]) == pytest.approx(w.mean())
    assert float(observation["stats/w/data/std"]) == pytest.approx(w.std())
    assert float(observation["stats/w/grad/max"]) == pytest.approx(grad_w.max())
    assert float(observation["stats/b/data/zeros"]) == float(
        numpy.count_nonzero(data(model.b) == 0)
    )
    percentiles = numpy.percentile(w, (0.13, 2.28, 15.87, 50.0, 84.13, 97.72, 99.87))
    assert [float(observation[f"stats/w/data/percentile/{i}"]) for i in range(7)] == pytest.approx(
        percentiles
    )
    assert len([k for k in observation if k.startswith("stats/")]) == 2 * 2 * (5 + 7)


def test_parameter_statistics_options() -> None:
    model = Regressor()
    data(model.w)[0, 0] = numpy.nan
    extension = ParameterStatistics(
        [model], statistics=None, report_grads=False, skip_nan_params=True
    )
    extension.register_statistics("first", lambda x: x[0])
    values = extension.compute()
    assert sorted(values) == ["b/data/first", "w/data/first"]
    assert numpy.isnan(values["w/data/first"])
    assert float(values["b/data/first"]) == 0.0
