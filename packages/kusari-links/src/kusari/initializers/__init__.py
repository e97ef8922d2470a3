"""Initializers: callables that fill parameter arrays in place.

* Base and helpers: :class:`Initializer`, :func:`generate_array`, :func:`get_initializer`,
  :func:`get_fans`.
* Constants: :class:`Constant`, :class:`Zero`, :class:`One`, :class:`NaN`,
  :class:`Identity`.
* Random: :class:`Normal`, :class:`LeCunNormal`, :class:`GlorotNormal`, :class:`HeNormal`,
  :class:`Uniform`, :class:`LeCunUniform`, :class:`GlorotUniform`, :class:`HeUniform`,
  :class:`Orthogonal`.
* Resampling kernels: :class:`UpsamplingDeconvFilter`, :class:`DownsamplingConvFilter`.

Random initializers draw from the global ``numpy.random`` (``cupy.random`` for CuPy
arrays) with the same calls as Chainer 7, so seeding ``numpy.random`` gives Chainer's
weights; pass ``rng=numpy.random.default_rng(seed)`` for a private generator instead.

Example:
    >>> import numpy
    >>> from kusari import initializers
    >>> w = initializers.generate_array(initializers.HeNormal(), (4, 3), numpy)
    >>> w.shape, w.dtype
    ((4, 3), dtype('float32'))
"""

from ._base import Initializer as Initializer
from ._base import InitializerLike as InitializerLike
from ._base import RandomGenerator as RandomGenerator
from ._base import generate_array as generate_array
from ._base import get_fans as get_fans
from ._constant import Constant as Constant
from ._constant import Identity as Identity
from ._constant import NaN as NaN
from ._constant import One as One
from ._constant import Zero as Zero
from ._get import get_initializer as get_initializer
from ._normal import GlorotNormal as GlorotNormal
from ._normal import HeNormal as HeNormal
from ._normal import LeCunNormal as LeCunNormal
from ._normal import Normal as Normal
from ._orthogonal import Orthogonal as Orthogonal
from ._sampling import DownsamplingConvFilter as DownsamplingConvFilter
from ._sampling import UpsamplingDeconvFilter as UpsamplingDeconvFilter
from ._uniform import GlorotUniform as GlorotUniform
from ._uniform import HeUniform as HeUniform
from ._uniform import LeCunUniform as LeCunUniform
from ._uniform import Uniform as Uniform

__all__ = [
    "__version__",
    # base and helpers
    "Initializer",
    "InitializerLike",
    "RandomGenerator",
    "generate_array",
    "get_fans",
    "get_initializer",
    # constants
    "Constant",
    "Identity",
    "NaN",
    "One",
    "Zero",
    # random
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "LeCunNormal",
    "LeCunUniform",
    "Normal",
    "Orthogonal",
    "Uniform",
    # resampling kernels
    "DownsamplingConvFilter",
    "UpsamplingDeconvFilter",
]

# Imported last: it runs kusari.links/__init__, which imports this package's names above.
from kusari.links.__about__ import __version__ as __version__
