"""Per-class precision, recall, F-score and support (:func:`classification_summary`)."""

from __future__ import annotations

from typing import Any, final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import InputSpec, TypeInfoTuple

from ..math import _helpers

__all__ = ["ClassificationSummary", "classification_summary", "f1_score", "precision", "recall"]


def _ratio(xp: Any, num: Array, den: Array) -> Array:
    """``num / den`` in float64, NaN where ``den`` is 0 (without a warning)."""
    num = num.astype(numpy.float64)
    nonzero = den != 0
    return xp.where(nonzero, num / xp.where(nonzero, den, 1), numpy.nan)  # type: ignore[no-any-return]


@final
class ClassificationSummary(FunctionNode):
    """Precision, recall, F-beta score and support of each label; no gradient.

    Args:
        label_num: The number of labels, or ``None`` for the largest label seen plus one.
        beta: The weight of recall in the F-score.
        ignore_label: Samples with this label are left out.
    """

    __slots__ = ("beta", "ignore_label", "label_num")
    input_spec = InputSpec("y", "t")

    def __init__(self, label_num: int | None, beta: float, ignore_label: int) -> None:
        self.label_num = label_num
        self.beta = beta
        self.ignore_label = ignore_label

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``y`` holds float scores ``(N, C, ...)``, ``t`` int labels ``(N, ...)``."""
        type_check.argname(in_types, ("y", "t"))
        y_type, t_type = in_types
        type_check.expect(
            y_type.dtype.kind == "f",
            t_type.dtype.kind == "i",
            t_type.ndim == y_type.ndim - 1,
            y_type.shape[0] == t_type.shape[0],
        )
        for i in range(2, type_check.eval(y_type.ndim)):
            type_check.expect(y_type.shape[i] == t_type.shape[i - 1])

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Count per label."""
        y, t = inputs
        xp = _helpers.array_module(y)
        pred = y.argmax(axis=1).reshape(t.shape)
        kept = t != self.ignore_label
        t = t[kept].ravel()
        pred = pred[kept].ravel()
        n = self.label_num
        if n is None:
            n = int(max(int(t.max()) if t.size else -1, int(pred.max()) if pred.size else -1)) + 1
        if t.size and (int(t.min()) < 0 or int(t.max()) >= n):
            low, high = int(t.min()), int(t.max())
            raise ValueError(f"labels must be in [0, {n}) (label_num), got t in [{low}, {high}]")
        pred = xp.where(pred < n, pred, n)  # predictions beyond label_num count for no label
        support = xp.bincount(t, minlength=n)[:n]
        relevant = xp.bincount(pred, minlength=n + 1)[:n]
        tp = xp.bincount(t[pred == t], minlength=n)[:n]
        precision = _ratio(xp, tp, relevant)
        recall = _ratio(xp, tp, support)
        b2 = self.beta * self.beta
        both = xp.where(xp.isnan(precision) | xp.isnan(recall), numpy.nan, 0.0)
        den = b2 * precision + recall
        fbeta = _ratio(xp, (1 + b2) * precision * recall + both, xp.where(den == 0, 0, den) + both)
        return precision, recall, fbeta, support.astype(numpy.int64)


def classification_summary(
    y: VariableOrArray,
    t: VariableOrArray,
    label_num: int | None = None,
    beta: float = 1.0,
    ignore_label: int = -1,
) -> tuple[Variable, Variable, Variable, Variable]:
    """Precision, recall, F-beta score and support of each label.

    The predicted label is ``argmax(y, axis=1)``.  For label ``c``: precision is the
    fraction of the samples predicted ``c`` that are ``c``, recall the fraction of the
    samples of label ``c`` predicted ``c``, the F-beta score
    ``(1 + beta**2) * p * r / (beta**2 * p + r)``, and the support the number of samples of
    label ``c``.  Undefined ratios (``0 / 0``) are NaN, as in Chainer (without its warning).
    Like Chainer, the ratios are float64 and the support int64.  No gradient.

    Args:
        y: Scores ``(N, C, ...)`` (floating point); the class axis is 1.
        t: True labels ``(N, ...)`` (signed integers).
        label_num: The number of labels; by default the largest label seen plus one.
        beta: The weight of recall in the F-score.
        ignore_label: Samples with this label are left out.

    Returns:
        ``(precision, recall, fbeta_score, support)``, each of length ``label_num``.

    Raises:
        ValueError: If a label is outside ``[0, label_num)``.
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = numpy.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]], numpy.float32)
        >>> t = numpy.array([0, 1, 0], numpy.int32)
        >>> p, r, f, s = F.classification_summary(y, t)
        >>> p.array.tolist(), r.array.tolist(), s.array.tolist()
        ([1.0, 0.5], [0.5, 1.0], [2, 1])
    """
    node = ClassificationSummary(label_num, _helpers.check_float(beta, "beta"), ignore_label)
    p, r, f, s = node.apply((y, t))
    return p, r, f, s


def precision(
    y: VariableOrArray, t: VariableOrArray, label_num: int | None = None, ignore_label: int = -1
) -> tuple[Variable, Variable]:
    """Precision of each label and the support (see :func:`classification_summary`).

    Args:
        y: Scores ``(N, C, ...)``.
        t: True labels ``(N, ...)``.
        label_num: The number of labels; by default the largest label seen plus one.
        ignore_label: Samples with this label are left out.

    Returns:
        ``(precision, support)``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = numpy.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]], numpy.float32)
        >>> F.precision(y, numpy.array([0, 1, 0], numpy.int32))[0].array.tolist()
        [1.0, 0.5]
    """
    p, _, _, s = classification_summary(y, t, label_num, 1.0, ignore_label)
    return p, s


def recall(
    y: VariableOrArray, t: VariableOrArray, label_num: int | None = None, ignore_label: int = -1
) -> tuple[Variable, Variable]:
    """Recall of each label and the support (see :func:`classification_summary`).

    Args:
        y: Scores ``(N, C, ...)``.
        t: True labels ``(N, ...)``.
        label_num: The number of labels; by default the largest label seen plus one.
        ignore_label: Samples with this label are left out.

    Returns:
        ``(recall, support)``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = numpy.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]], numpy.float32)
        >>> F.recall(y, numpy.array([0, 1, 0], numpy.int32))[0].array.tolist()
        [0.5, 1.0]
    """
    _, r, _, s = classification_summary(y, t, label_num, 1.0, ignore_label)
    return r, s


def f1_score(
    y: VariableOrArray, t: VariableOrArray, label_num: int | None = None, ignore_label: int = -1
) -> tuple[Variable, Variable]:
    """F1 score of each label and the support (see :func:`classification_summary`).

    Args:
        y: Scores ``(N, C, ...)``.
        t: True labels ``(N, ...)``.
        label_num: The number of labels; by default the largest label seen plus one.
        ignore_label: Samples with this label are left out.

    Returns:
        ``(f1_score, support)``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = numpy.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]], numpy.float32)
        >>> f, s = F.f1_score(y, numpy.array([0, 1, 0], numpy.int32))
        >>> numpy.allclose(f.array, [2 / 3, 2 / 3])
        True
    """
    _, _, f, s = classification_summary(y, t, label_num, 1.0, ignore_label)
    return f, s
