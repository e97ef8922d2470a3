"""``create_multi_node_optimizer``: an optimizer whose every update uses the mean gradient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, final

from kusari.links import Link
from kusari.optimizers import Optimizer

from ._communicator import CommunicatorBase
from ._pending import PendingGradMean

__all__ = ["MultiNodeUpdate", "create_multi_node_optimizer", "multi_node_update_of"]

_O = TypeVar("_O", bound=Optimizer)

_ATTRIBUTE = "_kusari_multi_node"


def _layout(target: Link) -> tuple[tuple[str, tuple[int, ...]], ...]:
    return tuple((name, param.shape) for name, param in target.namedparams(include_uninit=False))


@final
class MultiNodeUpdate:
    """The data-parallel ``setup``/``update`` that :func:`create_multi_node_optimizer` installs.

    Reach it with :func:`multi_node_update_of`.

    Attributes:
        optimizer: The optimizer it belongs to.
        communicator: The communicator gradients are averaged over.
        double_buffering: Whether each update applies the previous step's mean gradient.
        zero_fill: Whether missing gradients count as zeros.
    """

    __slots__ = (
        "_pending",
        "_synced",
        "communicator",
        "double_buffering",
        "optimizer",
        "zero_fill",
    )

    def __init__(
        self,
        optimizer: Optimizer,
        communicator: CommunicatorBase,
        double_buffering: bool,
        zero_fill: bool,
    ) -> None:
        self.optimizer = optimizer
        self.communicator = communicator
        self.double_buffering = double_buffering
        self.zero_fill = zero_fill
        self._synced: tuple[tuple[str, tuple[int, ...]], ...] | None = None
        self._pending: PendingGradMean | None = None

    def _sync(self, target: Link) -> None:
        self.communicator.bcast_data(target)
        self._synced = _layout(target)
        self._pending = None

    def setup(self, link: Link) -> Optimizer:
        """Set the optimizer up on ``link``, then :meth:`sync_if_initialized` (collective)."""
        type(self.optimizer).setup(self.optimizer, link)
        self.sync_if_initialized(link)
        return self.optimizer

    def sync_if_initialized(self, link: Link) -> None:
        """Broadcast rank 0's parameters if all of ``link``'s exist (collective).

        Otherwise the first update that finds them all initialized does it.
        """
        self._synced = None
        self._pending = None
        if all(param.is_initialized for param in link.params()):
            self._sync(link)

    def update(self, lossfun: Callable[..., Any] | None = None, *args: Any, **kwds: Any) -> None:
        """Compute the local gradients, average them over the processes, then update.

        See :func:`create_multi_node_optimizer`.
        """
        optimizer = self.optimizer
        target = optimizer.target
        if target is None:
            raise RuntimeError(
                f"{type(optimizer).__name__} is not set up: call setup(link) before update"
            )
        if lossfun is not None:
            loss = lossfun(*args, **kwds)
            backward = getattr(loss, "backward", None)
            if backward is None:
                raise TypeError(
                    "lossfun must return a kusari.graph.Variable (something with a "
                    f"backward method), got {type(loss).__name__}"
                )
            if getattr(optimizer, "_use_cleargrads", True):
                target.cleargrads()
            else:  # GradientMethod.use_cleargrads(False), deprecated
                target.zerograds()
            backward(loss_scale=optimizer.loss_scale)
            del loss, backward
        if self._synced is None or self._synced != _layout(target):
            # New parameters (lazily initialized ones, say): give every process rank 0's
            # values.  These gradients came from values that differed between processes,
            # so this step updates nothing.
            self._sync(target)
            return
        actual_update = type(optimizer).update
        if not self.double_buffering:
            self.communicator.allreduce_grad(target, self.zero_fill)
            actual_update(optimizer)
            return
        started = self.communicator.start_allreduce_grad(target, self.zero_fill)
        previous, self._pending = self._pending, started
        if previous is not None:
            previous.wait(target)  # the previous step's means replace this step's gradients
            actual_update(optimizer)

    def finalize(self) -> None:
        """Wait for a reduction double buffering still has in flight and drop it.

        Call it after the last update (collective) so that MPI does not finalize with a
        request pending; the last step's gradients are never applied, as in ChainerMN.
        """
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.discard()


def multi_node_update_of(optimizer: Optimizer) -> MultiNodeUpdate | None:
    """Return the :class:`MultiNodeUpdate` of a multi-node optimizer, ``None`` for others.

    Example:
        >>> from kusari.distributed import multi_node_update_of
        >>> from kusari.optimizers import SGD
        >>> multi_node_update_of(SGD()) is None
        True
    """
    state = optimizer.__dict__.get(_ATTRIBUTE)
    return state if isinstance(state, MultiNodeUpdate) else None


def create_multi_node_optimizer(
    actual_optimizer: _O,
    communicator: CommunicatorBase,
    double_buffering: bool = False,
    zero_fill: bool = True,
) -> _O:
    """Make ``actual_optimizer`` train data-parallel over ``communicator``'s processes.

    The same optimizer object is returned (so its type, hyperparameters, hooks and
    serialization stay what they were), with two methods replaced:

    * ``setup(link)`` also broadcasts rank 0's parameter values to every process once all
      parameters are initialized, so the processes start from the same model;
    * ``update(lossfun, *args)`` runs the forward and backward passes locally, replaces
      every gradient by its mean over the processes (one packed allreduce per dtype), then
      performs the optimizer's own update, so every process takes the same step.  With
      ``lossfun=None`` the gradients already stored are averaged.

    Whenever the set of initialized parameters differs from the last broadcast one (the
    first update of a model with lazily initialized parameters), ``update`` broadcasts
    rank 0's values instead and updates nothing: those gradients came from parameters that
    differed between the processes (ChainerMN does the same).

    Every process sees the mean gradient, so hooks (gradient clipping, weight decay),
    dynamic loss scaling and the NaN check see the same values everywhere and take the same
    decisions.

    Args:
        actual_optimizer: The optimizer to distribute (set up already or not).
        communicator: The communicator from :func:`create_communicator`.
        double_buffering: Overlap communication with computation: each update starts
            averaging this step's gradients and applies the previous step's means (one
            step stale; the first step after a broadcast updates nothing).
        zero_fill: Count a parameter without a gradient as a zero gradient; with ``False``
            such parameters are left out, which every process must agree on.

    Returns:
        ``actual_optimizer``.

    Raises:
        TypeError: If ``actual_optimizer`` is not a :class:`kusari.optimizers.Optimizer` or
            ``communicator`` is not a communicator.
        ValueError: If ``actual_optimizer`` is a multi-node optimizer already.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> from kusari.distributed import create_communicator, create_multi_node_optimizer
        >>> from kusari.links import Link, Parameter
        >>> from kusari.optimizers import SGD
        >>> class Model(Link):
        ...     def __init__(self):
        ...         super().__init__()
        ...         with self.init_scope():
        ...             self.w = Parameter(numpy.array([3.0]))
        >>> model = Model()
        >>> comm = create_communicator("mpi")
        >>> opt = create_multi_node_optimizer(SGD(lr=0.25), comm).setup(model)
        >>> opt.update(lambda: F.sum(F.mul(model.w, model.w)))  # the mean gradient is 2 * w
        >>> model.w.array.tolist(), opt.t
        ([1.5], 1)
    """
    if not isinstance(actual_optimizer, Optimizer):
        raise TypeError(
            "actual_optimizer must be a kusari.optimizers.Optimizer, got "
            f"{type(actual_optimizer).__name__}"
        )
    if not isinstance(communicator, CommunicatorBase):
        raise TypeError(
            "communicator must come from kusari.distributed.create_communicator, got "
            f"{type(communicator).__name__}"
        )
    if multi_node_update_of(actual_optimizer) is not None:
        raise ValueError(
            f"this {type(actual_optimizer).__name__} is a multi-node optimizer already"
        )
    state = MultiNodeUpdate(actual_optimizer, communicator, double_buffering, zero_fill)
    # Instance attributes shadow the class's methods; the class's own are called inside.
    actual_optimizer.__dict__[_ATTRIBUTE] = state
    actual_optimizer.__dict__["setup"] = state.setup
    actual_optimizer.__dict__["update"] = state.update
    actual_optimizer.__dict__["communicator"] = communicator
    if actual_optimizer.target is not None:  # set up before: keep its state, sync values
        state.sync_if_initialized(actual_optimizer.target)
    return actual_optimizer
