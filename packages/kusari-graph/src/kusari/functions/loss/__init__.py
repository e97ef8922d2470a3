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

from .absolute_error import absolute_error as absolute_error
from .bernoulli_nll import bernoulli_nll as bernoulli_nll
from .black_out import black_out as black_out
from .contrastive import contrastive as contrastive
from .crf1d import argmax_crf1d as argmax_crf1d
from .crf1d import crf1d as crf1d
from .cross_covariance import cross_covariance as cross_covariance
from .ctc import (
    connectionist_temporal_classification as connectionist_temporal_classification,
)
from .decov import decov as decov
from .discriminative_loss import (
    discriminative_margin_based_clustering_loss as discriminative_margin_based_clustering_loss,
)
from .gaussian_kl_divergence import gaussian_kl_divergence as gaussian_kl_divergence
from .gaussian_nll import gaussian_nll as gaussian_nll
from .hierarchical_softmax import BinaryTree as BinaryTree
from .hierarchical_softmax import BinaryTreePaths as BinaryTreePaths
from .hierarchical_softmax import (
    binary_hierarchical_softmax as binary_hierarchical_softmax,
)
from .hinge import hinge as hinge
from .huber_loss import huber_loss as huber_loss
from .mean_absolute_error import mean_absolute_error as mean_absolute_error
from .mean_squared_error import mean_squared_error as mean_squared_error
from .negative_sampling import negative_sampling as negative_sampling
from .sigmoid_cross_entropy import sigmoid_cross_entropy as sigmoid_cross_entropy
from .softmax_cross_entropy import softmax_cross_entropy as softmax_cross_entropy
from .squared_error import squared_error as squared_error
from .triplet import triplet as triplet

__all__ = [
    "absolute_error",
    "argmax_crf1d",
    "bernoulli_nll",
    "binary_hierarchical_softmax",
    "BinaryTree",
    "BinaryTreePaths",
    "black_out",
    "connectionist_temporal_classification",
    "contrastive",
    "crf1d",
    "cross_covariance",
    "decov",
    "discriminative_margin_based_clustering_loss",
    "gaussian_kl_divergence",
    "gaussian_nll",
    "hinge",
    "huber_loss",
    "mean_absolute_error",
    "mean_squared_error",
    "negative_sampling",
    "sigmoid_cross_entropy",
    "softmax_cross_entropy",
    "squared_error",
    "triplet",
]
