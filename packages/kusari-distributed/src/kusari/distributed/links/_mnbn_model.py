"""``create_mnbn_model``: a copy of a model with multi-node batch normalization."""

from __future__ import annotations

import copy
from typing import TypeVar, overload

from kusari.links import BatchNormalization, Chain, ChainList, Link

from .._communicator import CommunicatorBase
from ._batch_normalization import MultiNodeBatchNormalization

__all__ = ["create_mnbn_model"]

_L = TypeVar("_L", bound=Link)


def _convert(
    bn: BatchNormalization, comm: CommunicatorBase, backend: str, path: str
) -> MultiNodeBatchNormalization:
    if bn.avg_mean is None or bn.avg_var is None:
        raise ValueError(
            f"the BatchNormalization at {path!r} has no size yet (created without size, "
            "its statistics appear at the first call): give it a size, or call the model "
            "once before create_mnbn_model"
        )
    if bn.axis is not None:
        raise ValueError(
            f"the BatchNormalization at {path!r} normalizes over axis={bn.axis}; "
            "MultiNodeBatchNormalization normalizes over axis 0 and the axes after the "
            "channels only"
        )
    mnbn = MultiNodeBatchNormalization(
        tuple(bn.avg_mean.shape),
        comm,
        decay=bn.decay,
        eps=bn.eps,
        dtype=bn.avg_mean.dtype,
        use_gamma=bn.gamma is not None,
        use_beta=bn.beta is not None,
        communication_backend=backend,
    )
    mnbn.to_device(bn.device)
    if bn.gamma is not None:
        mnbn.gamma.array = copy.deepcopy(bn.gamma.array)
    if bn.beta is not None:
        mnbn.beta.array = copy.deepcopy(bn.beta.array)
    mnbn.avg_mean = bn.avg_mean.copy()
    mnbn.avg_var = bn.avg_var.copy()
    mnbn.N = bn.N
    return mnbn


def _replace_within(link: Link, comm: CommunicatorBase, backend: str, path: str) -> None:
    if isinstance(link, Chain):
        for name in sorted(link._children):
            child = link[name]
            if isinstance(child, BatchNormalization):
                new = _convert(child, comm, backend, f"{path}{name}")
                delattr(link, name)
                with link.init_scope():
                    setattr(link, name, new)
            else:
                _replace_within(child, comm, backend, f"{path}{name}/")
    elif isinstance(link, ChainList):
        for index, child in enumerate(link):
            if isinstance(child, BatchNormalization):
                link[index] = _convert(child, comm, backend, f"{path}{index}")
            else:
                _replace_within(child, comm, backend, f"{path}{index}/")


@overload
def create_mnbn_model(
    link: BatchNormalization, comm: CommunicatorBase, communication_backend: str = "auto"
) -> MultiNodeBatchNormalization: ...
@overload
def create_mnbn_model(
    link: _L, comm: CommunicatorBase, communication_backend: str = "auto"
) -> _L: ...
def create_mnbn_model(
    link: Link, comm: CommunicatorBase, communication_backend: str = "auto"
) -> Link:
    """A copy of ``link`` whose ``BatchNormalization`` links are multi-node ones.

    Every :class:`~kusari.links.BatchNormalization` in the hierarchy (or ``link`` itself)
    becomes a :class:`MultiNodeBatchNormalization` with the same size, decay, eps, dtype,
    ``gamma``/``beta`` and running averages; the rest is deep-copied.  ``link`` is left
    as it was.

    Args:
        link: The model.
        comm: The communicator of the new batch normalizations.
        communication_backend: Passed to :class:`MultiNodeBatchNormalization`.

    Returns:
        The converted copy (a :class:`MultiNodeBatchNormalization` if ``link`` is a
        ``BatchNormalization``).

    Raises:
        ValueError: If a ``BatchNormalization`` has no size yet or a custom ``axis``.
        TypeError: If ``link`` is not a Link or ``comm`` is not a kusari communicator.

    Example:
        >>> import kusari.links as L
        >>> from kusari.distributed import create_communicator
        >>> from kusari.distributed.links import create_mnbn_model
        >>> from kusari.links import Sequential
        >>> model = Sequential(L.Linear(3, 4), L.BatchNormalization(4))
        >>> converted = create_mnbn_model(model, create_communicator("mpi"))
        >>> type(converted[1]).__name__, type(model[1]).__name__
        ('MultiNodeBatchNormalization', 'BatchNormalization')
    """
    if not isinstance(link, Link):
        raise TypeError(f"link must be a Link, got {type(link).__name__}")
    if not isinstance(comm, CommunicatorBase):
        raise TypeError(
            "comm must come from kusari.distributed.create_communicator, got "
            f"{type(comm).__name__}"
        )
    if isinstance(link, BatchNormalization):
        return _convert(link, comm, communication_backend, "/")
    new = link.copy(mode="copy")
    _replace_within(new, comm, communication_backend, "/")
    return new
