"""Chainer-style training code running on kusari after ``install_as_chainer()``."""

from __future__ import annotations

import contextlib
import io
import json
import pathlib
import types
from collections.abc import Iterator
from typing import Any

import numpy
import pytest

from kusari import datasets, iterators, reporter, training
from kusari.compat import install_as_chainer, uninstall_chainer
from kusari.training import extensions, triggers, updaters


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


def test_module_layout(chainer: types.ModuleType) -> None:
    import chainer.training.extensions as chainer_extensions
    import chainer.training.triggers as chainer_triggers
    import chainer.training.updaters as chainer_updaters
    from chainer import dataset
    from chainer import datasets as chainer_datasets
    from chainer import iterators as chainer_iterators
    from chainer import reporter as chainer_reporter
    from chainer import training as chainer_training
    from chainer.dataset import convert, iterator
    from chainer.training import extension, util

    assert chainer.report is reporter.report
    assert chainer.report_scope is reporter.report_scope
    assert chainer.Reporter is reporter.Reporter
    assert chainer.DictSummary is reporter.DictSummary
    assert chainer_reporter.Summary is reporter.Summary
    assert chainer_reporter.get_current_reporter is reporter.get_current_reporter
    assert dataset.concat_examples is training.concat_examples
    assert convert.concat_examples is training.concat_examples
    assert dataset.converter is training.converter
    assert dataset.DatasetMixin is datasets.DatasetMixin
    assert iterator.Iterator is iterators.Iterator
    assert chainer_datasets.TupleDataset is datasets.TupleDataset
    assert chainer_datasets.split_dataset_random is datasets.split_dataset_random
    assert chainer_iterators.SerialIterator is iterators.SerialIterator
    assert chainer_iterators.MultiprocessIterator is iterators.MultiprocessIterator
    assert chainer_training.Trainer is training.Trainer
    assert chainer_training.StandardUpdater is updaters.StandardUpdater
    assert chainer_updaters.ParallelUpdater is updaters.ParallelUpdater
    assert chainer_training.Extension is extension.Extension is training.Extension
    assert chainer_training.make_extension is training.make_extension
    assert extension.PRIORITY_WRITER == 300
    assert util.get_trigger is training.get_trigger
    assert chainer_triggers.MinValueTrigger is triggers.MinValueTrigger
    for name in ("Evaluator", "LogReport", "PrintReport", "snapshot", "ExponentialShift"):
        assert getattr(chainer_extensions, name) is getattr(extensions, name)
    from chainer.training.extensions import snapshot_writers

    assert snapshot_writers.SimpleWriter is extensions.SimpleWriter


def test_a_chainer_style_training_script(
    chainer: types.ModuleType, tmp_path: pathlib.Path
) -> None:
    # Written as Chainer 7 code: a custom dataset, a Chain with its own report() calls,
    # the usual extensions, and a snapshot to resume from.
    import chainer.functions as F
    from chainer import training
    from chainer.training import extensions

    class Parity(chainer.dataset.DatasetMixin):  # type: ignore[name-defined,misc]
        def __init__(self, n: int) -> None:
            rng = numpy.random.RandomState(0)
            self.x = rng.uniform(-1, 1, size=(n, 2)).astype(numpy.float32)
            self.t = (self.x[:, 0] * self.x[:, 1] > 0).astype(numpy.int32)

        def __len__(self) -> int:
            return len(self.x)

        def get_example(self, i: int) -> Any:
            return self.x[i], self.t[i]

    class MLP(chainer.Chain):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            super().__init__()
            rng = numpy.random.RandomState(1)
            with self.init_scope():
                self.W1 = chainer.Parameter(rng.normal(0, 1, (16, 2)).astype(numpy.float32))
                self.W2 = chainer.Parameter(rng.normal(0, 0.3, (2, 16)).astype(numpy.float32))

        def forward(self, x: Any, t: Any) -> Any:
            h = F.relu(F.linear(x, self.W1))
            y = F.linear(h, self.W2)
            loss = F.softmax_cross_entropy(y, t)
            chainer.report({"loss": loss, "accuracy": F.accuracy(y, t)}, self)
            return loss

    train, test = chainer.datasets.split_dataset_random(Parity(200), 160, seed=0)
    train_iter = chainer.iterators.SerialIterator(train, 16)
    test_iter = chainer.iterators.SerialIterator(test, 20, repeat=False, shuffle=False)
    model = MLP()
    optimizer = chainer.optimizers.MomentumSGD(lr=0.1)
    optimizer.setup(model)
    updater = training.updaters.StandardUpdater(train_iter, optimizer, device=-1)
    trainer = training.Trainer(updater, (5, "epoch"), out=str(tmp_path))
    trainer.extend(extensions.Evaluator(test_iter, model, device=-1))
    trainer.extend(extensions.LogReport())
    trainer.extend(extensions.ExponentialShift("lr", 0.5), trigger=(2, "epoch"))
    trainer.extend(extensions.observe_lr(), trigger=(1, "epoch"))
    trainer.extend(extensions.snapshot(), trigger=(5, "epoch"))
    out = io.StringIO()
    trainer.extend(
        extensions.PrintReport(
            ["epoch", "main/loss", "validation/main/loss", "validation/main/accuracy", "lr"],
            out=out,
        )
    )
    trainer.run()

    log = json.loads((tmp_path / "log").read_text())
    assert [entry["epoch"] for entry in log] == [1, 2, 3, 4, 5]
    assert [entry["iteration"] for entry in log] == [10, 20, 30, 40, 50]
    # observe_lr (writer priority) reads the rate before the shift changes it.
    assert [entry["lr"] for entry in log] == [0.1, 0.1, 0.05, 0.05, 0.025]
    assert log[-1]["main/loss"] < log[0]["main/loss"]
    assert log[-1]["validation/main/accuracy"] > 0.7
    table = out.getvalue().replace("\033[J", "").splitlines()
    assert table[0].split() == [
        "epoch",
        "main/loss",
        "validation/main/loss",
        "validation/main/accuracy",
        "lr",
    ]
    assert len(table) == 6
    assert table[5].split()[0] == "5"

    resumed = training.Trainer(
        training.StandardUpdater(chainer.iterators.SerialIterator(train, 16), optimizer),
        (6, "epoch"),
        out=str(tmp_path),
    )
    chainer.serializers.load_npz(str(tmp_path / "snapshot_iter_50"), resumed)
    assert resumed.updater.iteration == 50
    assert resumed.updater.epoch == 5


def test_reporter_and_dataset_helpers(chainer: types.ModuleType) -> None:
    reporter_ = chainer.Reporter()
    observer = object()
    reporter_.add_observer("main", observer)
    observation: dict[str, Any] = {}
    with reporter_.scope(observation):
        chainer.report({"x": 1.0}, observer)
        inner: dict[str, Any] = {}
        with chainer.report_scope(inner):
            chainer.report({"y": 2.0})
    assert observation == {"main/x": 1.0}
    assert inner == {"y": 2.0}
    summary = chainer.reporter.DictSummary()
    summary.add({"a": 1.0})
    summary.add({"a": 3.0})
    assert float(summary.compute_mean()["a"]) == 2.0

    x, t = chainer.dataset.concat_examples([(numpy.zeros(2), 1), (numpy.ones(2), 0)])
    assert x.shape == (2, 2)
    assert t.tolist() == [1, 0]

    @chainer.dataset.converter()  # type: ignore[untyped-decorator]
    def custom(batch: Any, device: Any = None) -> Any:
        return chainer.dataset.to_device(device, numpy.asarray(batch))

    assert isinstance(custom, chainer.dataset.Converter)


def test_the_classic_mnist_style_script_on_digits(
    chainer: types.ModuleType, tmp_path: pathlib.Path
) -> None:
    # The canonical Chainer example (train_mnist.py), unmodified except for the data: the
    # bundled digits instead of a download.  It needs L.Linear and L.Classifier.
    import chainer.functions as F
    import chainer.links as L
    from chainer import training
    from chainer.training import extensions

    if not (hasattr(L, "Linear") and hasattr(L, "Classifier")):
        pytest.skip("waits for chainer.links.Linear and chainer.links.Classifier (kusari-links)")
    pytest.importorskip("sklearn")

    class MLP(chainer.Chain):  # type: ignore[name-defined,misc]
        def __init__(self, n_units: int, n_out: int) -> None:
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(None, n_units)
                self.l2 = L.Linear(None, n_units)
                self.l3 = L.Linear(None, n_out)

        def forward(self, x: Any) -> Any:
            h1 = F.relu(self.l1(x))
            h2 = F.relu(self.l2(h1))
            return self.l3(h2)

    # The initial weights come from the global generator, as in Chainer.
    numpy.random.seed(0)  # noqa: NPY002
    model = L.Classifier(MLP(100, 10))
    device = chainer.get_device("-1")
    model.to_device(device)
    device.use()
    optimizer = chainer.optimizers.Adam()
    optimizer.setup(model)

    train, test = datasets.get_digits()
    train_iter = chainer.iterators.SerialIterator(train, 100)
    test_iter = chainer.iterators.SerialIterator(test, 100, repeat=False, shuffle=False)
    updater = training.updaters.StandardUpdater(train_iter, optimizer, device=device)
    # Digits has 1437 training images: 15 iterations an epoch, so it takes a few epochs.
    trainer = training.Trainer(updater, (8, "epoch"), out=str(tmp_path))
    trainer.extend(extensions.Evaluator(test_iter, model, device=device))
    trainer.extend(extensions.snapshot(), trigger=(4, "epoch"))
    trainer.extend(extensions.LogReport())
    trainer.extend(
        extensions.PrintReport(
            [
                "epoch",
                "main/loss",
                "validation/main/loss",
                "main/accuracy",
                "validation/main/accuracy",
                "elapsed_time",
            ],
            out=io.StringIO(),
        )
    )
    trainer.run()
    log = json.loads((tmp_path / "log").read_text())
    assert [entry["epoch"] for entry in log] == list(range(1, 9))
    assert log[-1]["validation/main/loss"] < log[0]["validation/main/loss"]
    assert log[-1]["validation/main/accuracy"] > 0.9


def test_chainer_style_async_snapshots_and_statistics_plot(
    chainer: types.ModuleType, tmp_path: pathlib.Path
) -> None:
    # Chainer 7 code: a model snapshot written by a background thread writer, the
    # variable statistics plot, and the multi-GPU updater refusing a CPU-only machine.
    import chainer.links as L
    from chainer import training
    from chainer.training import extensions
    from chainer.training.extensions import snapshot_writers
    from chainer.training.updaters import MultiprocessParallelUpdater

    x = numpy.arange(16, dtype=numpy.float32).reshape(8, 2) / 8
    t = (x.sum(axis=1) > 1).astype(numpy.int32)
    model = L.Classifier(L.Linear(2, 2))
    optimizer = chainer.optimizers.SGD(lr=0.1)
    optimizer.setup(model)
    train_iter = chainer.iterators.SerialIterator(
        chainer.datasets.TupleDataset(x, t), 4, shuffle=False
    )
    updater = training.updaters.StandardUpdater(train_iter, optimizer)
    trainer = training.Trainer(updater, (4, "iteration"), out=str(tmp_path))
    weights: dict[int, Any] = {}
    trainer.extend(
        lambda t: weights.__setitem__(t.updater.iteration, model.predictor.W.array.copy()),
        trigger=(1, "iteration"),
    )
    writer = snapshot_writers.ThreadQueueWriter()
    trainer.extend(
        extensions.snapshot_object(
            model.predictor, "linear_{.updater.iteration}.npz", writer=writer
        ),
        trigger=(2, "iteration"),
    )
    # Without matplotlib (the umbrella's tests install no extras) the plot still collects
    # its statistics, and says once that it cannot draw them.
    with (
        contextlib.nullcontext()
        if extensions.VariableStatisticsPlot.available()
        else pytest.warns(UserWarning, match="matplotlib is not installed")
    ):
        plot = extensions.VariableStatisticsPlot(model.predictor, trigger=(2, "iteration"))
    trainer.extend(plot)
    trainer.run()
    for iteration in (2, 4):
        restored = L.Linear(2, 2)
        chainer.serializers.load_npz(str(tmp_path / f"linear_{iteration}.npz"), restored)
        numpy.testing.assert_array_equal(restored.W.array, weights[iteration])
    iterations, values = plot.samples()
    assert iterations.tolist() == [1, 2, 3, 4]
    final = numpy.concatenate([model.predictor.W.array.ravel(), model.predictor.b.array])
    numpy.testing.assert_allclose(values[-1, 0, :2], [final.mean(), final.std()], rtol=1e-6)
    with pytest.raises(RuntimeError, match=r"MultiprocessParallelUpdater .* cannot run: "):
        MultiprocessParallelUpdater([train_iter, train_iter], optimizer, devices=[0, 1])
