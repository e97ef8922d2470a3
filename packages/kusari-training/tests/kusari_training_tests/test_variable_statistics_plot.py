from __future__ import annotations

import os
import pathlib
import sys
from typing import Any

import numpy
import pytest

from kusari.graph import Variable
from kusari.links import Link, Parameter
from kusari.training import Extension, Trainer
from kusari.training.extensions import VariableStatisticsPlot
from kusari.training.extensions._variable_statistics_plot import _Reservoir

from ._models import DummyUpdater

DEFAULT_SIGMAS = (0.0, 0.13, 2.28, 15.87, 50.0, 84.13, 97.72, 99.87, 100.0)


def link_of(**arrays: Any) -> Link:
    link = Link()
    with link.init_scope():
        for name, array in arrays.items():
            setattr(link, name, Parameter(numpy.asarray(array)))
    return link


def chainer_reference_links() -> list[Link]:
    """Two linear layers whose values are those of the Chainer 7.8.1 run below."""
    # Linear(3, 2) and Linear(2, 4): the parameters, by size, hold arange(size) * k.
    first = link_of(
        W=numpy.arange(6, dtype=numpy.float32).reshape(2, 3) * 3,
        b=numpy.arange(2, dtype=numpy.float32) * 1,
    )
    second = link_of(
        W=numpy.arange(8, dtype=numpy.float32).reshape(4, 2) * 4,
        b=numpy.arange(4, dtype=numpy.float32) * 2,
    )
    for link in (first, second):
        for param in link.params():
            assert param.array is not None
            param.grad = -param.array
    return [first, second]


def reference(values: list[Any], sigmas: tuple[float, ...] = DEFAULT_SIGMAS) -> list[float]:
    flat = numpy.concatenate([numpy.ravel(v) for v in values]).astype(numpy.float64)
    return [float(flat.mean()), float(flat.std()), *numpy.percentile(flat, sigmas).tolist()]


# -- the statistics ------------------------------------------------------------------------


def test_the_statistics_match_chainer_on_several_links() -> None:
    plot = VariableStatisticsPlot(chainer_reference_links(), percentile_sigmas=(0, 50, 100))
    statistics = plot.compute()
    assert statistics is not None
    # Chainer 7.8.1's VariableStatisticsPlot sampled these rows (data, grad) for the same
    # parameters: all values of all the variables form one sample.
    numpy.testing.assert_allclose(
        statistics,
        [[8.5, 8.206704, 0.0, 6.0, 28.0], [-8.5, 8.206704, -28.0, -6.0, 0.0]],
        rtol=1e-6,
    )


def test_missing_gradients_count_as_zeros_as_in_chainer() -> None:
    link = link_of(
        W=numpy.arange(6, dtype=numpy.float32).reshape(2, 3),
        b=numpy.arange(2, dtype=numpy.float32),
    )
    statistics = VariableStatisticsPlot(link).compute()
    assert statistics is not None
    # Chainer 7.8.1, the same link after cleargrads().
    numpy.testing.assert_allclose(
        statistics[0],
        [2.0, 1.7320508, 0.0, 0.0, 0.0, 0.1109, 1.5, 3.8891, 4.8404, 4.9909, 5.0],
        rtol=1e-4,
    )
    numpy.testing.assert_array_equal(statistics[1], numpy.zeros(11))


def test_the_statistics_match_numpy_on_random_values() -> None:
    rng = numpy.random.default_rng(3)
    w = rng.normal(size=(7, 5)).astype(numpy.float32)
    v = rng.uniform(-2, 5, size=(13,))
    g = rng.normal(size=(7, 5)).astype(numpy.float32)
    link = link_of(w=w)
    param = next(iter(link.params()))
    param.grad = g
    variable = Variable(v)
    variable.grad = v * 3
    plot = VariableStatisticsPlot([link, variable])
    statistics = plot.compute()
    assert statistics is not None
    assert statistics.shape == (2, 11)
    numpy.testing.assert_allclose(statistics[0], reference([w, v]), rtol=1e-6, atol=1e-7)
    numpy.testing.assert_allclose(statistics[1], reference([g, v * 3]), rtol=1e-6, atol=1e-7)


def test_the_options_choose_the_statistics() -> None:
    values = numpy.array([4.0, -1.0, 2.5, 9.0])
    variable = Variable(values)
    plot = VariableStatisticsPlot(
        variable, report_grad=False, plot_std=False, percentile_sigmas=(90, 10)
    )
    assert plot.keys == ("data",)
    assert plot.statistic_names == ("mean", "percentile 10", "percentile 90")
    statistics = plot.compute()
    assert statistics is not None
    numpy.testing.assert_allclose(
        statistics, [[values.mean(), *numpy.percentile(values, [10, 90])]]
    )
    only_std = VariableStatisticsPlot(
        variable, report_data=False, plot_mean=False, percentile_sigmas=()
    )
    assert (only_std.keys, only_std.statistic_names) == (("grad",), ("std",))
    variable.grad = values * 2
    std = only_std.compute()
    assert std is not None
    numpy.testing.assert_allclose(std, [[(values * 2).std()]])
    median = VariableStatisticsPlot(
        variable, plot_mean=False, plot_std=False, percentile_sigmas=50
    )
    medians = median.compute()
    assert medians is not None
    numpy.testing.assert_allclose(medians, [[3.25], [6.5]])


def test_uninitialized_parameters_are_left_out() -> None:
    link = Link()
    later = Parameter(5.0)
    with link.init_scope():
        link.later = later
    plot = VariableStatisticsPlot(link)
    assert plot.compute() is None
    with link.init_scope():
        link.now = Parameter(numpy.array([1.0, 3.0]))
    # The variables are those of the targets when the extension was made.
    plot = VariableStatisticsPlot(link, percentile_sigmas=())
    statistics = plot.compute()
    assert statistics is not None
    numpy.testing.assert_allclose(statistics, [[2.0, 1.0], [0.0, 0.0]])
    later.initialize((2,))
    link.cleargrads()  # initialize() fills the gradient with NaN, as in Chainer
    statistics = plot.compute()
    assert statistics is not None
    # [1, 3] and the new [5, 5]: mean 3.5, std sqrt((6.25 + 0.25 + 2.25 + 2.25) / 4).
    numpy.testing.assert_allclose(statistics, [[3.5, numpy.sqrt(2.75)], [0.0, 0.0]])


def test_bad_arguments_are_refused() -> None:
    variable = Variable(numpy.zeros(2))
    with pytest.raises(
        TypeError,
        match="targets must be Variables, Links or a list of them, got an item of type ndarray",
    ):
        VariableStatisticsPlot([variable, numpy.zeros(2)])  # type: ignore[list-item]
    with pytest.raises(
        ValueError, match=r"percentile_sigmas must be numbers in \[0, 100\], got \(50, 150\)"
    ):
        VariableStatisticsPlot(variable, percentile_sigmas=(50, 150))
    with pytest.raises(ValueError, match="percentile_sigmas must be numbers"):
        VariableStatisticsPlot(variable, percentile_sigmas=("50",))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_sample_size must be a positive integer, got 0"):
        VariableStatisticsPlot(variable, max_sample_size=0)
    with pytest.raises(ValueError, match="VariableStatisticsPlot has nothing to compute"):
        VariableStatisticsPlot(variable, report_data=False, report_grad=False)
    with pytest.raises(ValueError, match="VariableStatisticsPlot has nothing to compute"):
        VariableStatisticsPlot(variable, plot_mean=False, plot_std=False, percentile_sigmas=())


# -- sampling over the training -------------------------------------------------------------


class SetValues(Extension):
    """Before the plot samples, makes the parameter hold ``iteration * [1, 2, 3]``."""

    priority = 1000

    def __init__(self, param: Parameter) -> None:
        self.param = param

    def __call__(self, trainer: Trainer) -> None:
        self.param.array = numpy.array([1.0, 2.0, 3.0]) * trainer.updater.iteration


def test_the_reservoir_keeps_iterations_and_their_statistics(tmp_path: pathlib.Path) -> None:
    link = link_of(w=numpy.zeros(3))
    param = next(iter(link.params()))
    plot = VariableStatisticsPlot(
        link, max_sample_size=3, report_grad=False, percentile_sigmas=(0, 100)
    )
    plot._available = False  # only the sampling here
    trainer = Trainer(DummyUpdater(), (7, "iteration"), out=str(tmp_path))
    trainer.extend(SetValues(param))
    trainer.extend(plot)
    trainer.run()
    iterations, values = plot.samples()
    assert iterations.dtype == numpy.int64
    assert len(iterations) == 3
    assert list(iterations) == sorted(set(iterations.tolist()))
    assert set(iterations.tolist()) <= set(range(1, 8))
    for iteration, row in zip(iterations.tolist(), values, strict=True):
        x = numpy.array([1.0, 2.0, 3.0]) * iteration
        numpy.testing.assert_allclose(row, [[x.mean(), x.std(), x.min(), x.max()]])


def test_the_reservoir_samples_uniformly() -> None:
    rng = numpy.random.default_rng(0)
    counts = numpy.zeros(20, dtype=int)
    trials = 4000
    for _ in range(trials):
        reservoir = _Reservoir(5, rng)
        for index in range(20):
            reservoir.add(index, numpy.array([float(index)]))
        indices, rows = reservoir.get((1,))
        assert len(indices) == 5
        numpy.testing.assert_array_equal(rows[:, 0], indices)
        counts[indices] += 1
    # Each index is kept with probability 5 / 20: 1000 times, give or take 27 (1 sigma).
    assert counts.min() > 1000 - 5 * 27
    assert counts.max() < 1000 + 5 * 27


def test_a_small_run_keeps_everything(tmp_path: pathlib.Path) -> None:
    link = link_of(w=numpy.zeros(3))
    plot = VariableStatisticsPlot(link, report_grad=False)
    plot._available = False
    trainer = Trainer(DummyUpdater(), (4, "iteration"), out=str(tmp_path))
    trainer.extend(SetValues(next(iter(link.params()))))
    trainer.extend(plot)
    trainer.run()
    iterations, values = plot.samples()
    assert iterations.tolist() == [1, 2, 3, 4]
    assert values[:, 0, 0].tolist() == [2.0, 4.0, 6.0, 8.0]  # the means


# -- the image ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "options", "magic"),
    [
        ("statistics.png", {}, b"\x89PNG\r\n\x1a\n"),
        ("moments.svg", {"percentile_sigmas": ()}, b"<?xml"),
        (
            "percentiles.png",
            {"plot_mean": False, "plot_std": False, "percentile_sigmas": (5, 25, 75, 95)},
            b"\x89PNG\r\n\x1a\n",
        ),
        (
            "std.png",
            {"plot_mean": False, "figsize": (4, 3), "marker": "x", "grid": False},
            b"\x89PNG\r\n\x1a\n",
        ),
    ],
)
def test_the_plot_is_written_when_the_trigger_fires(
    tmp_path: pathlib.Path, filename: str, options: dict[str, Any], magic: bytes
) -> None:
    pytest.importorskip("matplotlib")
    link = link_of(w=numpy.zeros(3))
    trainer = Trainer(DummyUpdater(), (3, "iteration"), out=str(tmp_path))
    trainer.extend(SetValues(next(iter(link.params()))))
    trainer.extend(
        VariableStatisticsPlot(link, trigger=(2, "iteration"), filename=filename, **options)
    )
    written: list[bool] = []
    trainer.extend(lambda t: written.append((tmp_path / filename).exists()), priority=-1000)
    trainer.run()
    assert written == [False, True, True]  # drawn at iteration 2, not before
    assert (tmp_path / filename).read_bytes().lstrip()[: len(magic)] == magic
    assert sorted(os.listdir(tmp_path)) == [filename]  # no temporary file left


def test_without_matplotlib_it_warns_and_only_samples(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert VariableStatisticsPlot.available() is False
    link = link_of(w=numpy.array([1.0, 2.0]))
    with pytest.warns(
        UserWarning,
        match=r"matplotlib is not installed, so VariableStatisticsPlot draws nothing.*\[plot\]",
    ):
        plot = VariableStatisticsPlot(link, trigger=(1, "iteration"))
    trainer = Trainer(DummyUpdater(), (2, "iteration"), out=str(tmp_path))
    trainer.extend(plot)
    trainer.run()
    assert plot.samples()[0].tolist() == [1, 2]
    assert os.listdir(tmp_path) == []
