"""r2_score, classification_summary, precision, recall and f1_score."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, data


@pytest.mark.parametrize("dtype", FLOATS)
def test_r2_score(dtype: Any) -> None:
    pred = numpy.array([[1.0, 2.0], [1.0, 1.0], [3.0, 4.0]], dtype)
    true = numpy.array([[1.0, 2.5], [2.0, 1.0], [3.0, 3.0]], dtype)
    # Chainer 7.8.1: raw [0.5, 0.42307687]
    raw = F.r2_score(pred, true, multioutput="raw_values")
    assert raw.dtype == dtype
    numpy.testing.assert_allclose(data(raw), [0.5, 0.42307687], rtol=2e-3)
    numpy.testing.assert_allclose(data(F.r2_score(pred, true)), 0.46153844, rtol=2e-3)


def test_r2_score_constant_target_scores_zero() -> None:
    same = numpy.array([1.0, 1.0, 1.0], numpy.float32)
    assert float(data(F.r2_score(same, same))) == 0.0
    assert float(data(F.r2_score(numpy.array([1.0, 2.0, 3.0], numpy.float32), same))) == 0.0


def test_r2_score_errors() -> None:
    a = numpy.ones((2, 3), numpy.float32)
    with pytest.raises(ValueError, match="invalid multioutput argument 'x'"):
        F.r2_score(a, a, multioutput="x")  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError, match="does not support sample_weight"):
        F.r2_score(a, a, sample_weight=numpy.ones(2))  # type: ignore[arg-type]
    with pytest.raises(InvalidType, match=r"Expect: pred\.shape == true\.shape"):
        F.r2_score(a, numpy.ones(3, numpy.float32))


def _nan_equal(a: Any, b: list[float]) -> None:
    numpy.testing.assert_allclose(a, numpy.array(b), equal_nan=True)


def test_classification_summary_like_chainer() -> None:
    y = numpy.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]], numpy.float32)
    t = numpy.array([1, 1, 0, -1], numpy.int32)
    p, r, f, s = F.classification_summary(y, t)
    _nan_equal(data(p), [0.0, 0.5])
    _nan_equal(data(r), [0.0, 0.5])
    _nan_equal(data(f), [numpy.nan, 0.5])
    assert data(s).tolist() == [1, 2]
    assert p.dtype == numpy.float64
    assert s.dtype == numpy.int64
    p, r, f, s = F.classification_summary(y, t, label_num=3, beta=2.0)
    _nan_equal(data(p), [0.0, 0.5, numpy.nan])
    assert data(s).tolist() == [1, 2, 0]


def test_classification_summary_more_cases() -> None:
    y = numpy.array([[0.1, 0.9], [0.8, 0.2]], numpy.float32)
    p, r, f, s = F.classification_summary(y, numpy.array([1, 1], numpy.int32))
    _nan_equal(data(p), [0.0, 1.0])
    _nan_equal(data(r), [numpy.nan, 0.5])
    _nan_equal(data(f), [numpy.nan, 2 / 3])
    p, r, f, s = F.classification_summary(y, numpy.array([1, 3], numpy.int32))
    _nan_equal(data(p), [0.0, 1.0, numpy.nan, numpy.nan])
    _nan_equal(data(r), [numpy.nan, 1.0, numpy.nan, 0.0])
    assert data(s).tolist() == [0, 1, 0, 1]
    p, r, f, s = F.classification_summary(y, numpy.array([1, 0], numpy.int32), ignore_label=0)
    _nan_equal(data(p), [numpy.nan, 1.0])
    assert data(s).tolist() == [0, 1]
    y3 = numpy.ones((2, 3, 4), numpy.float32)
    assert data(F.classification_summary(y3, numpy.zeros((2, 4), numpy.int32))[3]).tolist() == [8]


def test_precision_recall_f1() -> None:
    y = numpy.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]], numpy.float32)
    t = numpy.array([0, 1, 0], numpy.int32)
    p, s = F.precision(y, t)
    r, _ = F.recall(y, t)
    f, _ = F.f1_score(y, t)
    assert data(p).tolist() == [1.0, 0.5]
    assert data(r).tolist() == [0.5, 1.0]
    numpy.testing.assert_allclose(data(f), [2 / 3, 2 / 3])
    assert data(s).tolist() == [2, 1]


def test_classification_summary_errors() -> None:
    y = numpy.ones((2, 3), numpy.float32)
    with pytest.raises(
        InvalidType,
        match=r"in: ClassificationSummary \(Forward\)\n\nExpect: t\.dtype\.kind == 'i'",
    ):
        F.classification_summary(y, numpy.zeros(2))
    with pytest.raises(
        ValueError, match=r"labels must be in \[0, 2\) \(label_num\), got t in \[0, 2\]"
    ):
        F.classification_summary(y, numpy.array([0, 2], numpy.int32), label_num=2)
