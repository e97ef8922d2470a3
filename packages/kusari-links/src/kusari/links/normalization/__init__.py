"""Normalization links with learnable parameters and running statistics."""

from .batch_normalization import BatchNormalization as BatchNormalization

__all__ = ["BatchNormalization"]
