"""The multivariate normal distribution (:class:`MultivariateNormal`) and its KL divergence."""

from __future__ import annotations

from typing import final

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._distribution import Distribution
from ._kl import register_kl

__all__ = ["MultivariateNormal"]


@final
class MultivariateNormal(Distribution):
    """The multivariate normal ``N(loc, L L^T)`` given by the Cholesky factor ``L``.

    ``loc`` has shape ``batch_shape + (d,)`` and ``scale_tril`` (keyword only, as in
    Chainer) has shape ``batch_shape + (d, d)``; it is lower triangular with a positive
    diagonal (the entries above the diagonal are not read by the log-determinant, but they
    do enter the inverse, so keep them zero).  Sampling is reparameterized:
    ``loc + L @ eps`` with ``eps ~ N(0, I)``.

    Args:
        loc: The mean vectors.
        scale_tril: The lower triangular Cholesky factors of the covariances.

    Raises:
        ValueError: If ``scale_tril`` is missing, ``loc`` is 0-d, or the shapes do not fit
            (``scale_tril`` must be ``loc.shape + (d,)``).
        TypeError: If a parameter is not a floating point Variable or array, or the
            parameters differ in dtype.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.MultivariateNormal(numpy.zeros(2), scale_tril=numpy.eye(2) * 2.0)
        >>> d.covariance.array.tolist()
        [[4.0, 0.0], [0.0, 4.0]]
        >>> d.batch_shape, d.event_shape, d.sample_n(5).shape
        ((), (2,), (5, 2))
    """

    __slots__ = ("loc", "scale_tril")

    loc: Variable
    scale_tril: Variable

    def __init__(self, loc: VariableOrArray, *, scale_tril: VariableOrArray | None = None) -> None:
        if scale_tril is None:
            raise ValueError("MultivariateNormal: scale_tril must be given")
        owner = "MultivariateNormal"
        loc_v = _utils.as_param(loc, "loc", owner)
        tril = _utils.as_param(scale_tril, "scale_tril", owner)
        if loc_v.ndim == 0:
            raise ValueError(f"{owner}: loc needs an event axis (the last), got a 0-d array")
        if tril.shape != (*loc_v.shape, loc_v.shape[-1]):
            raise ValueError(
                f"{owner}: scale_tril must have shape loc.shape + (d,) = "
                f"{(*loc_v.shape, loc_v.shape[-1])}, got {tril.shape}"
            )
        if loc_v.dtype != tril.dtype:
            raise TypeError(
                f"{owner}: the parameters must share one dtype, got loc: {loc_v.dtype}, "
                f"scale_tril: {tril.dtype}"
            )
        self.loc, self.scale_tril = loc_v, tril

    @property
    def d(self) -> int:
        """The dimension of one draw."""
        return self.loc.shape[-1]

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of ``loc`` without its last axis."""
        return self.loc.shape[:-1]

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``(d,)``."""
        return self.loc.shape[-1:]

    @property
    def params(self) -> dict[str, Variable]:
        """``{'loc': ..., 'scale_tril': ...}``."""
        return {"loc": self.loc, "scale_tril": self.scale_tril}

    @property
    def support(self) -> str:
        """``'real'``."""
        return "real"

    def _inverse_tril(self) -> Variable:
        d = self.d
        flat = F.reshape(self.scale_tril, (-1, d, d))
        return F.reshape(F.batch_inv(flat), self.scale_tril.shape)

    def _half_log_det(self) -> Variable:
        """``log det(L) = sum(log(diag(L)))``, of the batch shape."""
        diagonal = F.diagonal(self.scale_tril, axis1=-2, axis2=-1)
        return F.sum(F.log(diagonal), axis=-1)

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``-|L^-1 (x - loc)|**2 / 2 - log det(L) - d log(2 pi) / 2``.

        Args:
            x: Points of shape ``batch_shape + (d,)`` (leading sample axes are allowed).

        Returns:
            The log-density, of the points' shape without the last axis.
        """
        diff = _utils.as_value(x, self.loc) - self.loc
        z = F.matmul(self._inverse_tril(), F.expand_dims(diff, -1))
        squared = F.sum(z * z, axis=(-2, -1))
        return -0.5 * squared - self._half_log_det() - 0.5 * self.d * _utils.LOG_2PI

    @property
    def mean(self) -> Variable:
        """``loc``."""
        return self.loc

    @property
    def mode(self) -> Variable:
        """``loc`` (kusari's addition)."""
        return self.loc

    @property
    def covariance(self) -> Variable:
        """``L L^T``, of shape ``batch_shape + (d, d)``."""
        return F.matmul(self.scale_tril, self.scale_tril, transb=True)

    @property
    def variance(self) -> Variable:
        """The diagonal of the covariance (kusari's addition)."""
        tril = self.scale_tril
        return F.sum(tril * tril, axis=-1)

    @property
    def entropy(self) -> Variable:
        """``log det(L) + d (1 + log(2 pi)) / 2``."""
        return self._half_log_det() + 0.5 * self.d * (1.0 + _utils.LOG_2PI)

    def sample_n(self, n: int) -> Variable:
        """``loc + L @ eps`` with ``eps ~ N(0, I)`` (differentiable).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape + (d,)``.
        """
        n = _utils.check_sample_count(n)
        xp = _utils.xp_of(self.loc)
        eps: Array = xp.random.standard_normal((n, *self.loc.shape, 1)).astype(self.loc.dtype)
        return self.loc + F.squeeze(F.matmul(self.scale_tril, eps), axis=-1)


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_multivariate_normal(p: MultivariateNormal, q: MultivariateNormal) -> Variable:
    if p.event_shape != q.event_shape:
        raise ValueError(
            f"kl_divergence: the event shapes differ, {p.event_shape} and {q.event_shape}"
        )
    q_inverse = q._inverse_tril()
    product = F.matmul(q_inverse, p.scale_tril)
    trace = F.sum(product * product, axis=(-2, -1))
    z = F.matmul(q_inverse, F.expand_dims(q.loc - p.loc, -1))
    mahalanobis = F.sum(z * z, axis=(-2, -1))
    half_log_det = q._half_log_det() - p._half_log_det()
    return 0.5 * (trace + mahalanobis - p.d) + half_log_det
