"""Loss functions (``chainer.functions.loss``).

Each returns a Variable of the input's dtype: a scalar by default, or one loss per element
or sample with ``reduce="no"``.

Example:
    >>> import numpy
    >>> import kusari.functions as F
    >>> from kusari.graph import Variable
    >>> x = Variable(numpy.zeros((2, 3), numpy.float32))
    >>> loss = F.softmax_cross_entropy(x, numpy.array([0, 2]))
    >>> round(float(loss.array), 4)  # log(3)
    1.0986
    >>> loss.backward()
    >>> x.grad.shape
    (2, 3)
"""

from .mean_squared_error import mean_squared_error as mean_squared_error
from .sigmoid_cross_entropy import sigmoid_cross_entropy as sigmoid_cross_entropy
from .softmax_cross_entropy import softmax_cross_entropy as softmax_cross_entropy

__all__ = [
    "mean_squared_error",
    "sigmoid_cross_entropy",
    "softmax_cross_entropy",
]
