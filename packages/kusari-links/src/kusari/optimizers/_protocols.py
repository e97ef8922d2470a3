"""The structural types the optimizers are written against."""

from __future__ import annotations

from typing import Any, Protocol

import numpy

from kusari.devices import Array, Device

__all__ = ["UpdatableParameter"]


class UpdatableParameter(Protocol):
    """What an update rule needs from the parameter it updates.

    :class:`kusari.links.Parameter` satisfies it, and so does the float32 master copy that
    :meth:`UpdateRule.use_fp32_update` keeps for a float16 parameter.  ``array`` is
    ``None`` while the parameter is uninitialized; ``grad`` is ``None`` when there is no
    gradient to apply (the rule then skips the update).
    """

    @property
    def name(self) -> str | None:
        """The parameter's name."""
        ...

    @property
    def array(self) -> Array | None:
        """The data array, updated in place by the rule; ``None`` when uninitialized."""
        ...

    @property
    def grad(self) -> Array | None:
        """The gradient array, or ``None``."""
        ...

    @grad.setter
    def grad(self, value: Array | None) -> None: ...

    @property
    def dtype(self) -> numpy.dtype[Any]:
        """The dtype of the data array."""
        ...

    @property
    def device(self) -> Device:
        """The device the data lives on."""
        ...
