from __future__ import annotations

import io
import json
import os
import pathlib
import sys
from typing import Any

import pytest

from kusari.reporter import report
from kusari.serializers import DictionarySerializer, NpzDeserializer
from kusari.training import PRIORITY_WRITER, Trainer, make_extension
from kusari.training.extensions import LogReport, PlotReport, PrintReport, ProgressBar

from ._models import DummyUpdater


@make_extension(priority=PRIORITY_WRITER)
def reporting(trainer: Trainer) -> None:
    i = trainer.updater.iteration
    report({"main/loss": float(i), "main/accuracy": 1.0 / i, "text": "ignored"})


def make_trainer(tmp_path: pathlib.Path, iterations: int = 6, per_epoch: float = 2.0) -> Trainer:
    trainer = Trainer(DummyUpdater(per_epoch), (iterations, "iteration"), out=str(tmp_path))
    trainer.extend(reporting)
    return trainer


# -- LogReport -------------------------------------------------------------------------------


def test_log_report_means_and_json_file(tmp_path: pathlib.Path) -> None:
    trainer = make_trainer(tmp_path)
    log_report = LogReport()
    trainer.extend(log_report)
    trainer.run()
    log = log_report.log
    assert [entry["main/loss"] for entry in log] == [1.5, 3.5, 5.5]
    assert [entry["main/accuracy"] for entry in log] == pytest.approx(
        [0.75, (1 / 3 + 1 / 4) / 2, (1 / 5 + 1 / 6) / 2]
    )
    assert [(entry["epoch"], entry["iteration"]) for entry in log] == [(1, 2), (2, 4), (3, 6)]
    assert all(isinstance(entry["elapsed_time"], float) for entry in log)
    assert list(log[0]) == ["main/loss", "main/accuracy", "epoch", "iteration", "elapsed_time"]
    with open(tmp_path / "log", encoding="utf-8") as stream:
        assert json.load(stream) == log
    assert (tmp_path / "log").read_text().startswith("[\n    {\n")
    assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")] == []


def test_log_report_keys_trigger_postprocess_and_filename(tmp_path: pathlib.Path) -> None:
    trainer = make_trainer(tmp_path, iterations=4)

    def postprocess(entry: dict[str, Any]) -> None:
        entry["doubled"] = 2 * entry["main/loss"]

    log_report = LogReport(
        keys=["main/loss", "missing"],
        trigger=(3, "iteration"),
        postprocess=postprocess,
        filename="log_{iteration}.json",
    )
    trainer.extend(log_report)
    quiet = LogReport(filename=None)
    trainer.extend(quiet)
    trainer.run()
    assert log_report.log == [
        {
            "main/loss": 2.0,
            "epoch": 1,
            "iteration": 3,
            "elapsed_time": log_report.log[0]["elapsed_time"],
            "doubled": 4.0,
        }
    ]
    assert sorted(os.listdir(tmp_path)) == ["log_3.json"]
    assert len(quiet.log) == 2


def test_log_report_serialization(tmp_path: pathlib.Path) -> None:
    trainer = make_trainer(tmp_path, iterations=3)
    original = LogReport()
    trainer.extend(original)
    trainer.run()
    restored = LogReport()
    saved = DictionarySerializer()
    saved.save(original)
    assert {"_log", "_summary/_names", "_trigger/previous_iteration"} <= set(saved.target)
    NpzDeserializer(saved.target).load(restored)
    assert restored.log == original.log
    # The half-finished period (iteration 3) continues after resuming.
    assert [float(v) for v in restored._summary.compute_mean().values()] == [3.0, 1 / 3]


def test_a_failed_write_keeps_the_previous_log(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trainer = make_trainer(tmp_path, iterations=4)
    log_report = LogReport()
    trainer.extend(log_report)
    calls = {"n": 0}
    real = os.replace

    def failing_replace(src: str, dst: str) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        real(src, dst)

    monkeypatch.setattr("kusari.training._atomic.os.replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        trainer.run(show_loop_exception_msg=False)
    with open(tmp_path / "log", encoding="utf-8") as stream:
        assert [entry["iteration"] for entry in json.load(stream)] == [2]
    assert sorted(os.listdir(tmp_path)) == ["log"]


# -- PrintReport -----------------------------------------------------------------------------


def test_print_report_table(tmp_path: pathlib.Path) -> None:
    trainer = make_trainer(tmp_path, iterations=4)
    trainer.extend(LogReport())
    out = io.StringIO()
    trainer.extend(
        PrintReport(["epoch", "iteration", "main/loss", "validation/main/loss"], out=out)
    )
    trainer.run()
    esc = "" if os.name == "nt" else "\033[J"
    assert out.getvalue() == (
        "epoch       iteration   main/loss   validation/main/loss\n"
        f"{esc}1           2           1.5                               \n"
        f"{esc}2           4           3.5                               \n"
    )


def test_print_report_with_a_log_report_object(tmp_path: pathlib.Path) -> None:
    trainer = make_trainer(tmp_path, iterations=2)
    log_report = LogReport(trigger=(1, "iteration"), filename=None)
    out = io.StringIO()
    printer = PrintReport(["main/accuracy"], log_report=log_report, out=out)
    trainer.extend(printer)
    trainer.run()
    rows = out.getvalue().replace("\033[J", "").splitlines()
    assert rows == ["main/accuracy", "1              ", "0.5            "]
    saved = DictionarySerializer()
    saved.save(printer)
    assert "_log_report/_log" in saved.target


def test_print_report_errors(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(TypeError, match="entries must be a sequence of keys, not a single string"):
        PrintReport("epoch")
    trainer = make_trainer(tmp_path, iterations=1)
    trainer.extend(lambda t: None, name="LogReport")
    trainer.extend(PrintReport(["epoch"]))
    with pytest.raises(
        TypeError, match="the extension 'LogReport' is a function, not a LogReport"
    ):
        trainer.run(show_loop_exception_msg=False)
    assert capsys.readouterr().out.startswith("epoch")  # sys.stdout by default


# -- ProgressBar -----------------------------------------------------------------------------


def test_progress_bar_draws_the_progress(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("tqdm")
    trainer = make_trainer(tmp_path, iterations=10)
    out = io.StringIO()
    trainer.extend(ProgressBar(update_interval=5, out=out))
    trainer.run()
    text = out.getvalue()
    assert "5/10" in text
    assert "10/10" in text
    assert "10 iter, 5 epoch / 10 iterations" in text
    epochs = make_trainer(tmp_path, iterations=4)
    out = io.StringIO()
    epochs.extend(
        ProgressBar(training_length=(2, "epoch"), update_interval=1, bar_length=10, out=out)
    )
    epochs.run()
    assert "4 iter, 2 epoch / 2 epochs" in out.getvalue()
    assert "|##########|" in out.getvalue()


def test_progress_bar_errors(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tqdm")
    with pytest.raises(ValueError, match="update_interval must be positive, got 0"):
        ProgressBar(update_interval=0)
    trainer = Trainer(
        DummyUpdater(), lambda trainer: trainer.updater.iteration >= 2, out=str(tmp_path)
    )
    trainer.extend(ProgressBar(out=io.StringIO()))
    with pytest.raises(TypeError, match=r"ProgressBar needs training_length=\(length, unit\)"):
        trainer.run(show_loop_exception_msg=False)
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=r"pip install kusari-training\[progress\]"):
        ProgressBar()


# -- PlotReport ------------------------------------------------------------------------------


def test_plot_report_writes_a_png(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("matplotlib")
    trainer = make_trainer(tmp_path, iterations=6)
    plot = PlotReport(
        ["main/loss", "main/accuracy", "missing"],
        x_key="iteration",
        trigger=(2, "iteration"),
        filename="loss.png",
    )
    postprocessed: list[Any] = []
    plot._postprocess = lambda figure, axes, summary: postprocessed.append(axes.get_xlabel())
    trainer.extend(plot)
    trainer.run()
    data = (tmp_path / "loss.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert plot._data["main/loss"] == [(2.0, 1.5), (4.0, 3.5), (6.0, 5.5)]
    assert plot._data["missing"] == []
    assert postprocessed == ["iteration"] * 3
    assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")] == []
    restored = PlotReport(["main/loss", "main/accuracy", "missing"], filename="loss.png")
    saved = DictionarySerializer()
    saved.save(plot)
    NpzDeserializer(saved.target).load(restored)
    assert restored._data == plot._data


def test_plot_report_other_formats_and_no_data(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("matplotlib")
    trainer = make_trainer(tmp_path, iterations=2)
    trainer.extend(PlotReport("main/loss", filename="loss.svg", trigger=(1, "iteration")))
    trainer.extend(PlotReport("nothing", filename="empty.png", trigger=(1, "iteration")))
    trainer.run()
    assert (tmp_path / "loss.svg").read_text().lstrip().startswith("<?xml")
    assert not (tmp_path / "empty.png").exists()


def test_plot_report_without_matplotlib_warns_and_draws_nothing(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert PlotReport.available() is False
    with pytest.warns(
        UserWarning, match=r"matplotlib is not installed, so PlotReport draws nothing.*\[plot\]"
    ):
        plot = PlotReport("main/loss", trigger=(1, "iteration"))
    trainer = make_trainer(tmp_path, iterations=2)
    trainer.extend(plot)
    trainer.run()
    assert plot._data["main/loss"] == [(0.0, 1.0), (1.0, 2.0)]
    assert not (tmp_path / "plot.png").exists()
    with pytest.raises(ValueError, match="x_key must be 'epoch' or 'iteration', got 'time'"):
        PlotReport("a", x_key="time")
