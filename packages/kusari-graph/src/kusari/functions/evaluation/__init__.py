"""Evaluation metrics (``chainer.functions.evaluation``); they have no gradient.

Example:
    >>> import numpy
    >>> import kusari.functions as F
    >>> y = numpy.array([[0.9, 0.1], [0.2, 0.8]], numpy.float32)
    >>> float(F.accuracy(y, numpy.array([0, 0], numpy.int32)).array)
    0.5
"""

from .accuracy import accuracy as accuracy
from .binary_accuracy import binary_accuracy as binary_accuracy
from .classification_summary import classification_summary as classification_summary
from .classification_summary import f1_score as f1_score
from .classification_summary import precision as precision
from .classification_summary import recall as recall
from .r2_score import r2_score as r2_score

__all__ = [
    "accuracy",
    "binary_accuracy",
    "classification_summary",
    "f1_score",
    "precision",
    "r2_score",
    "recall",
]
