"""The base of the hooks that replace a link's weight by a function of it during forward."""

from __future__ import annotations

import math
from typing import Any

from kusari.graph import Variable

from .._link import Link
from .._link_hook import ForwardPostprocessArgs, ForwardPreprocessArgs, LinkHook
from .._parameter import Parameter
from ..connection import Linear
from ..connection._conv_base import ConvolutionLinkBase

__all__ = ["WeightHook"]


class WeightHook(LinkHook):
    """Replace a link's weight parameter by a differentiable function of it during forward.

    Before each forward the link's attribute :attr:`weight_name` is set to the Variable
    :meth:`transform` returns (so gradients flow through it back to the parameter); after
    the forward the parameter is put back, so outside a call ``link.W`` is always the
    :class:`~kusari.links.Parameter`.  If a forward raises, the parameter is put back at
    the link's next call, or when the hook is deleted.

    These hooks act on one link each: registering them globally (``with hook:``) raises
    :class:`NotImplementedError`.  A weight that is still uninitialized is created from
    the first input (as the link would do), before the first transformation.

    Args:
        weight_name: The name of the parameter to transform.
        name: The name the hook is registered under; the class name by default.
    """

    weight_name: str

    def __init__(self, weight_name: str = "W", name: str | None = None) -> None:
        if not isinstance(weight_name, str) or not weight_name:  # type: ignore[redundant-expr]
            raise TypeError(f"weight_name must be a non-empty str, got {weight_name!r}")
        if name is not None:
            self.name = name
        self.weight_name = weight_name
        self._initialized = False
        # The parameter of each link in the middle of a forward, by id(link).
        self._originals: dict[int, Parameter] = {}

    @property
    def is_initialized(self) -> bool:
        """Whether the hook has prepared its state from an initialized weight."""
        return self._initialized

    def prepare(self, link: Link, weight: Parameter) -> None:
        """Set up per-link state once the weight is initialized (nothing by default).

        Args:
            link: The hooked link.
            weight: Its initialized weight parameter.
        """

    def is_prepared(self, link: Link) -> bool:
        """Return whether :meth:`prepare` has run for ``link`` (always, by default)."""
        return True

    def transform(self, link: Link, weight: Parameter) -> Variable:
        """Return what the forward uses instead of ``weight``; subclasses implement it.

        Args:
            link: The hooked link.
            weight: Its weight parameter.

        Returns:
            A Variable of ``weight``'s shape, computed from it on the graph.
        """
        raise NotImplementedError

    def release(self, link: Link) -> None:
        """Remove the per-link state :meth:`prepare` added (nothing by default).

        Args:
            link: The link the hook is removed from.
        """

    def added(self, link: Link | None) -> None:
        """Check that ``link`` has the weight, and prepare if it is initialized.

        Raises:
            NotImplementedError: For a global registration (``link`` is ``None``).
            ValueError: If ``link`` has no parameter named :attr:`weight_name`.
        """
        if link is None:
            raise NotImplementedError(
                f"{type(self).__name__} is a hook of one link: register it with "
                "link.add_hook(hook), not as a global hook (with hook: ...)"
            )
        weight = self._weight(link)
        if weight.array is not None:
            if not self.is_prepared(link):
                self.prepare(link, weight)
            self._initialized = True

    def deleted(self, link: Link | None) -> None:
        """Put the weight parameter back if needed and remove the per-link state."""
        if link is None:
            return
        original = self._originals.pop(id(link), None)
        if original is not None:
            link.__dict__[self.weight_name] = original
        self.release(link)

    def forward_preprocess(self, args: ForwardPreprocessArgs) -> None:
        """Replace the weight by its transformation (initializing it first if needed)."""
        link = args.link
        key = id(link)
        stale = self._originals.pop(key, None)
        if stale is not None:  # the last forward raised before the weight was put back
            link.__dict__[self.weight_name] = stale
        weight = self._weight(link)
        if weight.array is None:
            _initialize_from_input(link, self.weight_name, args)
        if not self.is_prepared(link):
            self.prepare(link, weight)
        self._initialized = True
        transformed = self.transform(link, weight)
        self._originals[key] = weight
        link.__dict__[self.weight_name] = transformed

    def forward_postprocess(self, args: ForwardPostprocessArgs) -> None:
        """Put the weight parameter back."""
        link = args.link
        original = self._originals.pop(id(link), None)
        if original is not None:
            link.__dict__[self.weight_name] = original

    def _weight(self, link: Link) -> Parameter:
        weight = link.__dict__.get(self.weight_name)
        if not isinstance(weight, Parameter):
            raise ValueError(
                f"{type(self).__name__} needs a parameter named {self.weight_name!r}, but "
                f"{type(link).__name__} has "
                + ("none" if weight is None else f"a {type(weight).__name__} there")
            )
        return weight


def _initialize_from_input(link: Link, weight_name: str, args: ForwardPreprocessArgs) -> None:
    """Create the uninitialized weight from the first input, as the link's forward would."""
    x: Any = args.args[0] if args.args else None
    lazy: Any = link
    if x is not None and isinstance(link, Linear):
        n_batch_axes = args.kwargs.get("n_batch_axes", args.args[1] if len(args.args) > 1 else 1)
        shape = tuple(x.shape)
        if 0 < n_batch_axes < len(shape):
            link._initialize_params(math.prod(shape[n_batch_axes:]))
            return
    elif x is not None and isinstance(link, ConvolutionLinkBase):
        link._prepare(x)
        return
    elif x is not None and hasattr(lazy, "_initialize_params") and len(x.shape) > 1:
        lazy._initialize_params(x.shape[1])
        return
    raise ValueError(
        f"the parameter {weight_name!r} of {type(link).__name__} is uninitialized, and it "
        "cannot be initialized from the arguments of this call; initialize it first"
    )
