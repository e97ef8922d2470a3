"""Mathematical functions (``chainer.functions.math``).

Arithmetic (also reached through the Variable operators), elementwise functions
(:func:`exp`, :func:`log`, :func:`sqrt`, trigonometric and hyperbolic functions,
:func:`erf`, ...), reductions (:func:`sum`, :func:`max`, :func:`prod`, :func:`logsumexp`,
...), and linear algebra (:func:`matmul`, :func:`tensordot`, :func:`einsum`, :func:`inv`,
:func:`det`).  The differentiable ones support double backprop; :func:`sign`,
:func:`floor`, :func:`ceil`, :func:`fix`, :func:`argmax` and :func:`argmin` have no
gradient.

Example:
    >>> import numpy
    >>> import kusari.functions as F
    >>> x = numpy.array([[1.0, 4.0], [9.0, 16.0]])
    >>> F.sqrt(x).array.tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    >>> F.max(x, axis=1).array.tolist()
    [4.0, 16.0]
"""

# The array functions import math modules and math modules import them: importing
# the array package first keeps either package importable on its own.
from .. import array as _array  # noqa: F401
from .absolute import absolute as absolute
from .add import add as add
from .argmax import argmax as argmax
from .argmin import argmin as argmin
from .clip import clip as clip
from .cos import cos as cos
from .div import div as div
from .exp import exp as exp
from .identity import identity as identity
from .log import log as log
from .logsumexp import logsumexp as logsumexp
from .matmul import matmul as matmul
from .max import max as max
from .maximum import maximum as maximum
from .mean import mean as mean
from .min import min as min
from .minimum import minimum as minimum
from .mul import mul as mul
from .neg import neg as neg
from .pow import power as power
from .rsqrt import rsqrt as rsqrt
from .sin import sin as sin
from .sqrt import sqrt as sqrt
from .square import square as square
from .sub import sub as sub
from .sum import sum as sum
from .sum_to import sum_to as sum_to

__all__ = [
    "absolute",
    "add",
    "argmax",
    "argmin",
    "clip",
    "cos",
    "div",
    "exp",
    "identity",
    "log",
    "logsumexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mul",
    "neg",
    "power",
    "rsqrt",
    "sin",
    "sqrt",
    "square",
    "sub",
    "sum",
    "sum_to",
]
