"""Normalization functions: batch, layer, group, L2 and local response normalization.

* :func:`batch_normalization` (training mode, updates running averages in place),
  :func:`fixed_batch_normalization` (given statistics, inference mode),
  :func:`batch_renormalization`, :func:`fixed_batch_renormalization`;
* :func:`layer_normalization`, :func:`group_normalization`;
* :func:`normalize` (L2), :func:`local_response_normalization`.
"""

from .batch_normalization import batch_normalization as batch_normalization
from .batch_renormalization import batch_renormalization as batch_renormalization
from .decorrelated_batch_normalization import (
    decorrelated_batch_normalization as decorrelated_batch_normalization,
)
from .decorrelated_batch_normalization import (
    fixed_decorrelated_batch_normalization as fixed_decorrelated_batch_normalization,
)
from .fixed_batch_normalization import fixed_batch_normalization as fixed_batch_normalization
from .fixed_batch_normalization import (
    fixed_batch_renormalization as fixed_batch_renormalization,
)
from .group_normalization import group_normalization as group_normalization
from .l2_normalization import normalize as normalize
from .layer_normalization import layer_normalization as layer_normalization
from .local_response_normalization import (
    local_response_normalization as local_response_normalization,
)

__all__ = [
    "batch_normalization",
    "batch_renormalization",
    "decorrelated_batch_normalization",
    "fixed_batch_normalization",
    "fixed_batch_renormalization",
    "fixed_decorrelated_batch_normalization",
    "group_normalization",
    "layer_normalization",
    "local_response_normalization",
    "normalize",
]
