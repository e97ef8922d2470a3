"""Utilities: :func:`forget` and :class:`WalkerAlias`.

* :func:`forget`: recompute in backward instead of storing.
* :class:`WalkerAlias`: constant-time sampling of ids, for the sampling losses.
"""

from .forget import forget as forget
from .walker_alias import WalkerAlias as WalkerAlias

__all__ = ["WalkerAlias", "forget"]
