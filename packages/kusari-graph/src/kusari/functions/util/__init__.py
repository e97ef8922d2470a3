"""Utilities: :func:`forget`, :class:`WalkerAlias`, and sparse matrices.

* :func:`forget`: recompute in backward instead of storing.
* :class:`WalkerAlias`: constant-time sampling of ids, for the sampling losses.
* :class:`CooMatrix`, :func:`to_coo`: sparse operands of :func:`~kusari.functions.sparse_matmul`.
"""

from .forget import forget as forget
from .sparse import CooMatrix as CooMatrix
from .sparse import to_coo as to_coo
from .walker_alias import WalkerAlias as WalkerAlias

__all__ = ["CooMatrix", "WalkerAlias", "forget", "to_coo"]
