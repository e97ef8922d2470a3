"""Activation functions (``chainer.functions.activation``).

Elementwise nonlinearities (:func:`relu`, :func:`leaky_relu`, :func:`elu`, :func:`selu`,
:func:`sigmoid`, :func:`tanh`, :func:`softplus`, ...) and the normalizing ones along an
axis (:func:`softmax`, :func:`log_softmax`, :func:`maxout`).  All are differentiable twice.

Example:
    >>> import numpy
    >>> import kusari.functions as F
    >>> x = numpy.array([[-1.0, 0.0, 2.0]], numpy.float32)
    >>> F.leaky_relu(x).array.tolist()
    [[-0.20000000298023224, 0.0, 2.0]]
    >>> bool(numpy.isclose(F.softmax(x).array.sum(), 1.0))
    True
"""

from .clipped_relu import clipped_relu as clipped_relu
from .clipped_relu import relu6 as relu6
from .crelu import crelu as crelu
from .elu import elu as elu
from .hard_sigmoid import hard_sigmoid as hard_sigmoid
from .leaky_relu import leaky_relu as leaky_relu
from .log_softmax import log_softmax as log_softmax
from .maxout import maxout as maxout
from .prelu import prelu as prelu
from .relu import relu as relu
from .rrelu import rrelu as rrelu
from .selu import selu as selu
from .sigmoid import sigmoid as sigmoid
from .softmax import softmax as softmax
from .softplus import softplus as softplus
from .swish import swish as swish
from .tanh import tanh as tanh

__all__ = [
    "clipped_relu",
    "crelu",
    "elu",
    "hard_sigmoid",
    "leaky_relu",
    "log_softmax",
    "maxout",
    "prelu",
    "relu",
    "relu6",
    "rrelu",
    "selu",
    "sigmoid",
    "softmax",
    "softplus",
    "swish",
    "tanh",
]
