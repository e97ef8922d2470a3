"""Normalization links with learnable parameters and running statistics."""

from .batch_normalization import BatchNormalization as BatchNormalization
from .batch_renormalization import BatchRenormalization as BatchRenormalization
from .decorrelated_batch_normalization import (
    DecorrelatedBatchNormalization as DecorrelatedBatchNormalization,
)
from .layer_normalization import GroupNormalization as GroupNormalization
from .layer_normalization import LayerNormalization as LayerNormalization

__all__ = [
    "BatchNormalization",
    "BatchRenormalization",
    "DecorrelatedBatchNormalization",
    "GroupNormalization",
    "LayerNormalization",
]
