"""Where :class:`ProgressBar` ends: at the final iteration, and full past the planned length."""

from __future__ import annotations

import io
import pathlib
import re

import pytest

from kusari.training import Trainer
from kusari.training.extensions import ProgressBar
from kusari.training.triggers import Unit

from ._models import DummyUpdater


def run_with_bar(
    tmp_path: pathlib.Path,
    iterations: int,
    update_interval: int,
    training_length: tuple[float, Unit] | None = None,
    per_epoch: float = 2.0,
) -> list[str]:
    """Run ``iterations`` with a bar; return the frames tqdm drew, in order."""
    pytest.importorskip("tqdm")
    trainer = Trainer(DummyUpdater(per_epoch), (iterations, "iteration"), out=str(tmp_path))
    out = io.StringIO()
    trainer.extend(
        ProgressBar(
            training_length=training_length,
            update_interval=update_interval,
            bar_length=10,
            out=out,
        )
    )
    trainer.run()
    return [frame.strip() for frame in out.getvalue().split("\r") if frame.strip()]


def test_the_bar_ends_at_the_final_iteration_between_two_redraws(tmp_path: pathlib.Path) -> None:
    # 7 iterations, redrawn every 5: the last regular redraw shows 5; finalize() draws 7.
    frames = run_with_bar(tmp_path, iterations=7, update_interval=5)
    assert frames[1].startswith("71%|#######1  | 5/7 ")
    assert "5 iter, 2 epoch / 7 iterations" in frames[1]
    assert frames[-1].startswith("100%|##########| 7/7 ")
    assert frames[-1].endswith("7 iter, 3 epoch / 7 iterations]")


def test_finalize_does_not_redraw_a_bar_already_at_the_end(tmp_path: pathlib.Path) -> None:
    frames = run_with_bar(tmp_path, iterations=10, update_interval=5)
    # 0/10 when opened, 5/10, 10/10, and tqdm's own last frame on close: no extra redraw.
    assert [frame.split(" [")[0] for frame in frames] == [
        "0%|          | 0/10",
        "50%|#####     | 5/10",
        "100%|##########| 10/10",
        "100%|##########| 10/10",
    ]


@pytest.mark.parametrize(
    ("per_epoch", "iterations", "training_length", "full", "counts"),
    [
        # Past total + 0.5, tqdm would draw an empty bar and "6/?".
        (2.0, 6, (4, "iteration"), "4/4", "6 iter, 3 epoch / 4 iterations"),
        (2.0, 6, (2, "epoch"), "2/2", "6 iter, 3 epoch / 2 epochs"),
        # Just past the total (2.25 epochs of 2), tqdm would warn "clamping frac to range
        # [0, 1]" (pytest turns warnings into errors here, so the run would fail).
        (4.0, 9, (2, "epoch"), "2/2", "9 iter, 2 epoch / 2 epochs"),
    ],
)
def test_past_the_planned_length_the_bar_stays_full_without_a_warning(
    tmp_path: pathlib.Path,
    per_epoch: float,
    iterations: int,
    training_length: tuple[float, Unit],
    full: str,
    counts: str,
) -> None:
    frames = run_with_bar(tmp_path, iterations, 1, training_length, per_epoch)
    assert frames[-1].startswith(f"100%|##########| {full} ")
    assert frames[-1].endswith(f"{counts}]")
    for frame in frames:  # every counter n/total has n <= total
        counter = re.search(r"\| ([\d.]+)/([\d.]+) \[", frame)
        assert counter is not None, frame
        assert float(counter[1]) <= float(counter[2]), frame


def test_finalize_before_the_first_call_only_closes(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("tqdm")
    out = io.StringIO()
    bar = ProgressBar(training_length=(3, "iteration"), out=out)
    bar.finalize()
    assert out.getvalue() == ""
