from __future__ import annotations

import asyncio
import threading
from typing import Any

import numpy
import pytest

from kusari.graph import Variable, using_config
from kusari.links import Chain, Link
from kusari.reporter import (
    DictSummary,
    Observation,
    Reporter,
    Summary,
    get_current_reporter,
    report,
    report_scope,
)
from kusari.serializers import DictionarySerializer, NpzDeserializer


def roundtrip(source: Any, target: Any) -> dict[str, Any]:
    saved = DictionarySerializer()
    saved.save(source)
    NpzDeserializer(saved.target).load(target)
    return saved.target


class EncoderDecoder(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.encoder = Link()
            self.decoder = Link()


# -- Reporter ----------------------------------------------------------------------------


def test_observers_prefix_their_keys() -> None:
    model = EncoderDecoder()
    reporter = Reporter()
    reporter.add_observer("main", model)
    reporter.add_observers("main", model.namedlinks(skipself=True))
    observation: Observation = {}
    with reporter.scope(observation):
        report({"loss": 1.0}, model)
        report({"norm": 2.0}, model.encoder)
        reporter.report({"norm": 3.0}, model.decoder)
        report({"lr": 0.1})
    assert observation == {
        "main/loss": 1.0,
        "main/encoder/norm": 2.0,
        "main/decoder/norm": 3.0,
        "lr": 0.1,
    }


def test_an_unregistered_observer_is_an_error() -> None:
    reporter = Reporter()
    with reporter, pytest.raises(KeyError, match="is not registered with this reporter"):
        report({"x": 1.0}, object())


def test_report_without_a_reporter_is_a_no_op_and_scopes_need_one() -> None:
    report({"x": 1.0})
    with pytest.raises(RuntimeError, match="there is no current reporter"):
        get_current_reporter()
    with pytest.raises(RuntimeError, match="there is no current reporter"), report_scope({}):
        pass


def test_nested_reporters_and_scopes_restore_their_state() -> None:
    outer, inner = Reporter(), Reporter()
    outer_observation: Observation = {}
    with outer.scope(outer_observation):
        with inner:
            assert get_current_reporter() is inner
            report({"inner": 1})
        assert get_current_reporter() is outer
        nested: Observation = {}
        with report_scope(nested):
            report({"nested": 2})
            assert outer.observation is nested
        assert outer.observation is outer_observation
        report({"outer": 3})
    assert outer_observation == {"outer": 3}
    assert nested == {"nested": 2}
    assert inner.observation == {"inner": 1}
    assert outer.observation == {}


def test_exiting_a_reporter_that_is_not_current_is_an_error() -> None:
    first, second = Reporter(), Reporter()
    first.__enter__()
    second.__enter__()
    with pytest.raises(RuntimeError, match="exited while it was not the current reporter"):
        first.__exit__(None, None, None)
    second.__exit__(None, None, None)
    first.__exit__(None, None, None)
    with pytest.raises(RuntimeError, match="there is no current reporter"):
        get_current_reporter()


def test_reported_variables_are_cut_from_the_graph_unless_configured() -> None:
    x = Variable(numpy.array([1.0, 2.0], dtype=numpy.float32))
    y = x * 2.0
    assert y.creator is not None
    observation: Observation = {}
    with Reporter().scope(observation):
        report({"y": y})
    reported = observation["y"]
    assert isinstance(reported, Variable)
    assert reported is not y
    assert reported.creator is None
    assert reported.array is y.array
    with using_config("keep_graph_on_report", True), Reporter().scope(observation):
        report({"y": y})
    assert observation["y"] is y


def test_reporters_are_per_thread() -> None:
    seen: list[object] = []

    def worker() -> None:
        report({"from_thread": 1})
        try:
            get_current_reporter()
        except RuntimeError:
            seen.append(None)

    observation: Observation = {}
    with Reporter().scope(observation):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert observation == {}
    assert seen == [None]


def test_reporters_are_per_asyncio_task() -> None:
    async def task(name: str, delay: float) -> Observation:
        observation: Observation = {}
        with Reporter().scope(observation):
            for step in range(3):
                report({f"{name}/{step}": step})
                await asyncio.sleep(delay)
        return observation

    async def main() -> list[Observation]:
        return list(await asyncio.gather(task("a", 0.001), task("b", 0.0)))

    a, b = asyncio.run(main())
    assert a == {"a/0": 0, "a/1": 1, "a/2": 2}
    assert b == {"b/0": 0, "b/1": 1, "b/2": 2}


# -- Summary -----------------------------------------------------------------------------


def test_summary_weighted_mean_and_std_match_numpy() -> None:
    values = numpy.array([1.0, 2.5, -3.0, 4.0])
    weights = numpy.array([1.0, 2.0, 0.5, 3.0])
    summary = Summary()
    for value, weight in zip(values, weights, strict=True):
        summary.add(float(value), float(weight))
    mean = numpy.average(values, weights=weights)
    std = numpy.sqrt(numpy.average((values - mean) ** 2, weights=weights))
    assert float(summary.compute_mean()) == pytest.approx(mean)
    got_mean, got_std = summary.make_statistics()
    assert float(got_mean) == pytest.approx(mean)
    assert float(got_std) == pytest.approx(std)


def test_summary_of_arrays_and_variables_is_element_wise() -> None:
    summary = Summary()
    summary.add(numpy.array([1.0, 10.0]))
    summary.add(Variable(numpy.array([3.0, 30.0])))
    numpy.testing.assert_allclose(summary.compute_mean(), [2.0, 20.0])
    _, std = summary.make_statistics()
    numpy.testing.assert_allclose(std, [1.0, 10.0])


def test_summary_of_equal_values_has_zero_std() -> None:
    summary = Summary()
    for _ in range(3):
        summary.add(0.1)
    _, std = summary.make_statistics()
    assert float(std) == 0.0


def test_an_empty_summary_has_no_mean() -> None:
    with pytest.raises(ZeroDivisionError, match="the Summary is empty"):
        Summary().compute_mean()
    with pytest.raises(ZeroDivisionError, match="the Summary is empty"):
        Summary().make_statistics()


def test_summary_serialization_roundtrip() -> None:
    summary = Summary()
    summary.add(numpy.float32(2.0))
    summary.add(4.0, weight=3)
    restored = Summary()
    target = roundtrip(summary, restored)
    assert sorted(target) == ["_n", "_x", "_x2"]
    assert float(restored.compute_mean()) == pytest.approx(3.5)
    assert float(restored.make_statistics()[1]) == pytest.approx(
        float(summary.make_statistics()[1])
    )
    restored.add(0.5)
    assert float(restored.compute_mean()) == pytest.approx(14.5 / 5)


def test_summary_missing_in_the_snapshot_warns_and_stays() -> None:
    summary = Summary()
    summary.add(1.0)
    with pytest.warns(UserWarning, match="holds no statistics of this Summary"):
        NpzDeserializer({}).load(summary)
    assert float(summary.compute_mean()) == 1.0


# -- DictSummary -------------------------------------------------------------------------


def test_dict_summary_counts_only_scalars() -> None:
    summary = DictSummary()
    summary.add(
        {
            "a": 1,
            "b": numpy.float32(2.0),
            "c": numpy.array(3.0),
            "d": Variable(numpy.array([4.0], dtype=numpy.float32)),
            "skipped_vector": numpy.zeros(2),
            "skipped_text": "x",
            "skipped_none": None,
        }
    )
    summary.add({"a": 3, "c": (5.0, 3)})
    means = {k: float(v) for k, v in summary.compute_mean().items()}
    assert means == {"a": 2.0, "b": 2.0, "c": 4.5, "d": 4.0}
    statistics = summary.make_statistics()
    assert sorted(statistics) == ["a", "a.std", "b", "b.std", "c", "c.std", "d", "d.std"]
    assert float(statistics["a.std"]) == pytest.approx(1.0)
    assert float(statistics["c.std"]) == pytest.approx(numpy.sqrt((1.5**2 + 3 * 0.5**2) / 4))


def test_dict_summary_serialization_replaces_the_keys() -> None:
    summary = DictSummary()
    summary.add({"loss": 1.0, "accuracy": 0.5})
    summary.add({"loss": 2.0})
    restored = DictSummary()
    restored.add({"stale": 10.0})
    target = roundtrip(summary, restored)
    assert str(target["_names"]) == '["loss", "accuracy"]'
    assert "_summaries/0/_x" in target
    means = {k: float(v) for k, v in restored.compute_mean().items()}
    assert means == {"loss": 1.5, "accuracy": 0.5}


def test_dict_summary_missing_in_the_snapshot_warns() -> None:
    summary = DictSummary()
    summary.add({"loss": 1.0})
    with pytest.warns(UserWarning, match="holds no statistics of this DictSummary"):
        NpzDeserializer({}).load(summary)
    assert float(summary.compute_mean()["loss"]) == 1.0
