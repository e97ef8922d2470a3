"""Probability distributions with differentiable parameters (``chainer.distributions``).

Each distribution holds its parameters as Variables (:class:`~kusari.graph.Variable`) and computes
log-probabilities, moments, entropies and (where the distribution allows it)
reparameterized samples with :mod:`kusari.functions` ops, so every result can be
backpropagated to the parameters, on NumPy and CuPy alike.  :func:`kl_divergence` looks up
the closed form registered for a pair of classes with :func:`register_kl`.

Example:
    >>> import numpy
    >>> import kusari.distributions as D
    >>> import kusari.functions as F
    >>> from kusari.graph import Variable
    >>> mu = Variable(numpy.array([0.5, -0.5], numpy.float32))
    >>> q = D.Normal(mu, log_scale=numpy.zeros(2, numpy.float32))
    >>> prior = D.Normal(numpy.zeros(2, numpy.float32), numpy.ones(2, numpy.float32))
    >>> loss = F.sum(D.kl_divergence(q, prior))
    >>> loss.backward()
    >>> float(loss.array), mu.grad.tolist()
    (0.25, [0.5, -0.5])
"""

from kusari.graph.__about__ import __version__ as __version__

from ._bernoulli import Bernoulli as Bernoulli
from ._beta import Beta as Beta
from ._beta import Dirichlet as Dirichlet
from ._categorical import Categorical as Categorical
from ._categorical import OneHotCategorical as OneHotCategorical
from ._cauchy import Cauchy as Cauchy
from ._distribution import Distribution as Distribution
from ._exponential import Exponential as Exponential
from ._gamma import Chisquare as Chisquare
from ._gamma import Gamma as Gamma
from ._geometric import Geometric as Geometric
from ._gumbel import Gumbel as Gumbel
from ._independent import Independent as Independent
from ._kl import cross_entropy as cross_entropy
from ._kl import kl_divergence as kl_divergence
from ._kl import register_kl as register_kl
from ._laplace import Laplace as Laplace
from ._log_normal import LogNormal as LogNormal
from ._multivariate_normal import MultivariateNormal as MultivariateNormal
from ._normal import Normal as Normal
from ._pareto import Pareto as Pareto
from ._poisson import Poisson as Poisson
from ._uniform import Uniform as Uniform

__all__ = [
    "__version__",
    "Bernoulli",
    "Beta",
    "Categorical",
    "Cauchy",
    "Chisquare",
    "Dirichlet",
    "Distribution",
    "Exponential",
    "Gamma",
    "Geometric",
    "Gumbel",
    "Independent",
    "Laplace",
    "LogNormal",
    "MultivariateNormal",
    "Normal",
    "OneHotCategorical",
    "Pareto",
    "Poisson",
    "Uniform",
    "cross_entropy",
    "kl_divergence",
    "register_kl",
]
