"""Mathematical functions (``chainer.functions.math``).

Arithmetic (also reached through the Variable operators), elementwise functions
(:func:`exp`, :func:`log`, :func:`sqrt`, trigonometric and hyperbolic functions,
:func:`erf` and the other special functions such as :func:`lgamma`, ...), reductions
(:func:`sum`, :func:`max`, :func:`prod`, :func:`logsumexp`, ...), and linear algebra
(:func:`matmul`, :func:`tensordot`, :func:`einsum`, :func:`inv`, :func:`det`).  The
differentiable ones support double backprop; :func:`sign`,
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
from .arccos import arccos as arccos
from .arcsin import arcsin as arcsin
from .arctan import arctan as arctan
from .arctan2 import arctan2 as arctan2
from .arctanh import arctanh as arctanh
from .argmax import argmax as argmax
from .argmin import argmin as argmin
from .average import average as average
from .batch_l2_norm_squared import batch_l2_norm_squared as batch_l2_norm_squared
from .batch_matmul import batch_matmul as batch_matmul
from .bias import bias as bias
from .ceil import ceil as ceil
from .cholesky import cholesky as cholesky
from .clip import clip as clip
from .cos import cos as cos
from .cosh import cosh as cosh
from .cumprod import cumprod as cumprod
from .cumsum import cumsum as cumsum
from .det import batch_det as batch_det
from .det import det as det
from .digamma import digamma as digamma
from .div import div as div
from .einsum import einsum as einsum
from .erf import erf as erf
from .erfc import erfc as erfc
from .erfcinv import erfcinv as erfcinv
from .erfcx import erfcx as erfcx
from .erfinv import erfinv as erfinv
from .exp import exp as exp
from .expm1 import expm1 as expm1
from .fft import fft as fft
from .fft import ifft as ifft
from .fix import fix as fix
from .floor import floor as floor
from .floordiv import floordiv as floordiv
from .fmod import fmod as fmod
from .identity import identity as identity
from .inv import batch_inv as batch_inv
from .inv import inv as inv
from .lgamma import lgamma as lgamma
from .linear_interpolate import linear_interpolate as linear_interpolate
from .log import log as log
from .log1p import log1p as log1p
from .log2 import log2 as log2
from .log10 import log10 as log10
from .log_ndtr import log_ndtr as log_ndtr
from .logsumexp import logsumexp as logsumexp
from .matmul import matmul as matmul
from .max import max as max
from .maximum import maximum as maximum
from .mean import mean as mean
from .min import min as min
from .minimum import minimum as minimum
from .mul import mul as mul
from .ndtr import ndtr as ndtr
from .ndtri import ndtri as ndtri
from .neg import neg as neg
from .polygamma import polygamma as polygamma
from .pow import power as power
from .prod import prod as prod
from .rsqrt import rsqrt as rsqrt
from .scale import scale as scale
from .sign import sign as sign
from .sin import sin as sin
from .sinh import sinh as sinh
from .sparse_matmul import sparse_matmul as sparse_matmul
from .sqrt import sqrt as sqrt
from .square import square as square
from .squared_difference import squared_difference as squared_difference
from .sub import sub as sub
from .sum import sum as sum
from .sum_to import sum_to as sum_to
from .tan import tan as tan
from .tensordot import tensordot as tensordot
from .zeta import zeta as zeta

__all__ = [
    "absolute",
    "add",
    "arccos",
    "arcsin",
    "arctan",
    "arctan2",
    "arctanh",
    "argmax",
    "argmin",
    "average",
    "batch_det",
    "batch_inv",
    "batch_l2_norm_squared",
    "batch_matmul",
    "bias",
    "ceil",
    "cholesky",
    "clip",
    "cos",
    "cosh",
    "cumprod",
    "cumsum",
    "det",
    "digamma",
    "div",
    "einsum",
    "erf",
    "erfc",
    "erfcinv",
    "erfcx",
    "erfinv",
    "exp",
    "expm1",
    "fft",
    "fix",
    "floor",
    "floordiv",
    "fmod",
    "identity",
    "ifft",
    "inv",
    "lgamma",
    "linear_interpolate",
    "log",
    "log10",
    "log1p",
    "log2",
    "log_ndtr",
    "logsumexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mul",
    "ndtr",
    "ndtri",
    "neg",
    "polygamma",
    "power",
    "prod",
    "rsqrt",
    "scale",
    "sign",
    "sin",
    "sinh",
    "sparse_matmul",
    "sqrt",
    "square",
    "squared_difference",
    "sub",
    "sum",
    "sum_to",
    "tan",
    "tensordot",
    "zeta",
]
