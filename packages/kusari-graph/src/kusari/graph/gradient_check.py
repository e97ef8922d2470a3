"""Numerical gradient checks for differentiable functions (``chainer.gradient_check``).

* :func:`check_backward`: backward of a function against numerical differentiation.
* :func:`check_double_backward`: the same for the backward of its backward.
* :func:`numerical_grad`: central-difference gradients of a function of arrays.
* :func:`assert_allclose`: compare arrays or Variables with a readable message.
* :func:`default_tolerance`: per-dtype tolerances for the checks.
* :class:`NondifferentiableError`: raised when a point is detected as non-differentiable.

Example:
    >>> import numpy
    >>> from kusari.graph import gradient_check
    >>> x = numpy.array([1.0, 2.0])
    >>> (gx,) = gradient_check.numerical_grad(lambda: (numpy.sin(x),), (x,), (numpy.ones(2),))
    >>> gradient_check.assert_allclose(gx, numpy.cos(x))
"""

from ._gradient_check_allclose import Tolerance as Tolerance
from ._gradient_check_allclose import assert_allclose as assert_allclose
from ._gradient_check_allclose import default_tolerance as default_tolerance
from ._gradient_check_backward import check_backward as check_backward
from ._gradient_check_double import check_double_backward as check_double_backward
from ._gradient_check_numerical import NondifferentiableError as NondifferentiableError
from ._gradient_check_numerical import numerical_grad as numerical_grad

__all__ = [
    "check_backward",
    "check_double_backward",
    "numerical_grad",
    "NondifferentiableError",
    "assert_allclose",
    "default_tolerance",
    "Tolerance",
]
