"""Loss links: output layers that own their weights and compute a loss.

* :class:`NegativeSampling` and :class:`BlackOut`: sampled softmax approximations with a
  :class:`~kusari.functions.WalkerAlias` sampler of negative words.
* :class:`BinaryHierarchicalSoftmax`: the hierarchical softmax over a binary word tree.
* :class:`CRF1d`: a linear-chain conditional random field.
"""

from .black_out import BlackOut as BlackOut
from .crf1d import CRF1d as CRF1d
from .hierarchical_softmax import BinaryHierarchicalSoftmax as BinaryHierarchicalSoftmax
from .negative_sampling import NegativeSampling as NegativeSampling

__all__ = ["BinaryHierarchicalSoftmax", "BlackOut", "CRF1d", "NegativeSampling"]
