"""``Classifier``: a predictor wrapped with a loss and an accuracy."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kusari.functions import accuracy as _accuracy
from kusari.functions import softmax_cross_entropy
from kusari.graph import Variable

from .._chain import Chain
from .._link import Link

__all__ = ["Classifier"]

LossFunction = Callable[[Variable, Any], Variable]
"""A loss or accuracy function: ``f(y, t) -> Variable``."""

_Report = Callable[[Mapping[str, Any], object], None]
_report_fn: list[_Report | None] = []


def _report(values: Mapping[str, Any], observer: object) -> None:
    """``kusari.reporter.report`` when kusari-training is installed, else nothing."""
    if not _report_fn:
        try:
            module = importlib.import_module("kusari.reporter")
        except ImportError:
            _report_fn.append(None)
        else:
            _report_fn.append(module.report)
    report = _report_fn[0]
    if report is not None:
        report(values, observer)


class Classifier(Chain):
    """A classifier: runs ``predictor``, then computes the loss (and the accuracy).

    Calling it with ``(*args, t)`` computes ``y = predictor(*args)``,
    ``loss = lossfun(y, t)`` and, if :attr:`compute_accuracy`, ``accuracy = accfun(y, t)``;
    it returns the loss.  ``y``, ``loss`` and ``accuracy`` stay available as attributes,
    and the loss and the accuracy are reported through ``kusari.reporter.report`` (when the
    kusari-training distribution, which provides :mod:`kusari.reporter`, is installed).

    Args:
        predictor: The link computing the prediction (registered as the child
            ``predictor``).
        lossfun: The loss; :func:`~kusari.functions.softmax_cross_entropy` by default.
        accfun: The accuracy; :func:`~kusari.functions.accuracy` by default.
        label_key: Where the label is among the arguments: a position (``-1``: the last
            positional argument) or the name of a keyword argument.

    Attributes:
        predictor: The predictor.
        lossfun: The loss function.
        accfun: The accuracy function.
        y: The last prediction (``None`` before the first call).
        loss: The last loss.
        accuracy: The last accuracy (``None`` if not computed).
        compute_accuracy: Whether to compute the accuracy (``True`` by default).
        label_key: The position or name of the label.

    Raises:
        TypeError: If ``label_key`` is neither an int nor a str.

    Example:
        >>> import numpy
        >>> from kusari.links import Classifier, Linear
        >>> model = Classifier(Linear(3, 2, initialW=0.0))
        >>> x = numpy.ones((4, 3), numpy.float32)
        >>> t = numpy.array([0, 1, 0, 1], numpy.int32)
        >>> loss = model(x, t)
        >>> round(float(loss.array), 4), float(model.accuracy.array)
        (0.6931, 0.5)
    """

    predictor: Link
    lossfun: LossFunction
    accfun: LossFunction
    y: Any
    loss: Variable | None
    accuracy: Variable | None
    compute_accuracy: bool
    label_key: int | str

    def __init__(
        self,
        predictor: Link,
        lossfun: LossFunction = softmax_cross_entropy,
        accfun: LossFunction = _accuracy,
        label_key: int | str = -1,
    ) -> None:
        key: object = label_key
        if isinstance(key, bool) or not isinstance(key, (int, str)):
            raise TypeError(f"label_key must be an int or a str, got {type(key).__name__}")
        super().__init__()
        self.lossfun = lossfun
        self.accfun = accfun
        self.y = None
        self.loss = None
        self.accuracy = None
        self.compute_accuracy = True
        self.label_key = label_key
        with self.init_scope():
            self.predictor = predictor

    def forward(self, *args: Any, **kwargs: Any) -> Variable:
        """Predict, then compute (and report) the loss and the accuracy.

        Args:
            *args: The predictor's positional arguments, with the label among them when
                :attr:`label_key` is an int.
            **kwargs: The predictor's keyword arguments, with the label among them when
                :attr:`label_key` is a str.

        Returns:
            The loss.

        Raises:
            ValueError: If the label is not found where :attr:`label_key` says.
        """
        key = self.label_key
        if isinstance(key, int):
            if not -len(args) <= key < len(args):
                raise ValueError(
                    f"label_key {key} is out of bounds for {len(args)} positional arguments"
                )
            t = args[key]
            index = key % len(args)
            args = args[:index] + args[index + 1 :]
        else:
            if key not in kwargs:
                raise ValueError(f"label_key {key!r} is not among the keyword arguments")
            kwargs = dict(kwargs)
            t = kwargs.pop(key)
        self.y = None
        self.loss = None
        self.accuracy = None
        self.y = self.predictor(*args, **kwargs)
        self.loss = loss = self.lossfun(self.y, t)
        _report({"loss": loss}, self)
        if self.compute_accuracy:
            self.accuracy = self.accfun(self.y, t)
            _report({"accuracy": self.accuracy}, self)
        return loss

    if TYPE_CHECKING:

        def __call__(self, *args: Any, **kwargs: Any) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
