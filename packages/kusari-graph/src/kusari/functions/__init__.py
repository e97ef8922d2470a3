"""Differentiable functions of kusari (Chainer's ``chainer.functions``).

Each function is a lowercase function returning a :class:`~kusari.graph.Variable`, backed
by a ``@final`` :class:`~kusari.graph.FunctionNode` subclass in its own module.  Every one
supports backward and double backward.  Inputs may be Variables or arrays.

The modules mirror Chainer's layout: ``activation``, ``array``, ``connection``,
``evaluation``, ``loss``, ``math``, ``noise``, ``normalization``, ``pooling``, ``util``.

Example:
    >>> import numpy
    >>> import kusari.functions as F
    >>> from kusari.graph import Variable
    >>> x = Variable(numpy.array([[1.0, -2.0]], numpy.float32))
    >>> w = Variable(numpy.array([[0.5], [0.25]], numpy.float32))
    >>> y = F.sum(F.relu(F.matmul(x, w)) + F.sigmoid(x))
    >>> y.backward()
    >>> w.grad
    array([[0.],
           [0.]], dtype=float32)
"""

from kusari.graph import _variable as _variable_module
from kusari.graph.__about__ import __version__ as __version__

from . import (
    activation,
    array,
    connection,
    evaluation,
    loss,
    math,
    noise,
    normalization,
    pooling,
    util,
)
from .activation import *  # noqa: F403
from .activation.relu import relu as relu
from .activation.sigmoid import sigmoid as sigmoid
from .activation.tanh import tanh as tanh
from .array import *  # noqa: F403
from .array.broadcast_to import broadcast_to as broadcast_to
from .array.cast import cast as cast
from .array.get_item import _getitem
from .array.get_item import get_item as get_item
from .array.reshape import reshape as reshape
from .array.transpose import transpose as transpose
from .connection import *  # noqa: F403
from .evaluation import *  # noqa: F403
from .loss import *  # noqa: F403
from .math import *  # noqa: F403
from .math import _arithmetic
from .math.absolute import absolute as absolute
from .math.add import add as add
from .math.cos import cos as cos
from .math.div import div as div
from .math.exp import exp as exp
from .math.floordiv import floordiv as _floordiv
from .math.floordiv import rfloordiv as _rfloordiv
from .math.identity import identity as identity
from .math.log import log as log
from .math.matmul import matmul as matmul
from .math.mean import mean as mean
from .math.mul import mul as mul
from .math.neg import neg as neg
from .math.pow import power as power
from .math.sin import sin as sin
from .math.sub import sub as sub
from .math.sum import sum as sum
from .math.sum_to import sum_to as sum_to
from .noise import *  # noqa: F403
from .normalization import *  # noqa: F403
from .pooling import *  # noqa: F403
from .util import *  # noqa: F403

__all__ = [
    "__version__",
    # activation
    *activation.__all__,
    # array
    *array.__all__,
    # connection
    *connection.__all__,
    # loss
    *loss.__all__,
    # math
    *math.__all__,
    # noise
    *noise.__all__,
    # evaluation
    *evaluation.__all__,
    # pooling
    *pooling.__all__,
    # normalization
    *normalization.__all__,
    # util
    *util.__all__,
]

_operators = _arithmetic.operators()
_operators["__getitem__"] = _getitem
_operators["__floordiv__"] = _floordiv
_operators["__rfloordiv__"] = _rfloordiv
_variable_module.install_variable_methods(
    reshape=reshape,
    transpose=transpose,
    mean=mean,
    operators=_operators,
)
del _operators
