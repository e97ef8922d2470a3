"""The usual updater: :class:`StandardUpdater`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kusari.devices import Device, DeviceSpec, get_device
from kusari.iterators import Iterator
from kusari.links import Link
from kusari.optimizers import Optimizer
from kusari.serializers import AbstractSerializer

from .._convert import call_converter, concat_examples
from .._updater import Updater
from .._util import named_with_main

__all__ = ["StandardUpdater", "require_target"]


def require_target(optimizer: Optimizer, name: str) -> Link:
    """Return the link that ``optimizer`` updates.

    Raises:
        ValueError: If it has none yet.
    """
    target = optimizer.target
    if target is None:
        raise ValueError(
            f"optimizer {name!r} has no target link; call optimizer.setup(model) before "
            "building the updater"
        )
    return target


class StandardUpdater(Updater):
    """One iteration = one minibatch, one loss, one optimizer step.

    Each :meth:`update` takes the next batch from the ``'main'`` iterator, converts it
    with ``converter`` (sending the arrays to ``device``), and calls
    ``optimizer.update(loss_func, *arrays)`` on the ``'main'`` optimizer: a tuple batch
    is passed as positional arguments, a dict batch as keyword arguments.  The loss
    function defaults to the optimizer's target link.

    Args:
        iterator: The training iterator, or a dict of iterators with a ``'main'`` one.
        optimizer: The optimizer (already set up on the model), or a dict of them with a
            ``'main'`` one.
        converter: Turns a batch into arrays (see
            :func:`~kusari.training.concat_examples`).
        device: Where to train: the models are moved there and the batches sent there.
            ``None`` leaves everything where it is.
        loss_func: The loss function; ``None`` uses the ``'main'`` optimizer's target.
        loss_scale: A loss scale for mixed-precision training (set on the optimizers).
        auto_new_epoch: Call ``optimizer.new_epoch(auto=True)`` when an epoch ends.
        input_device: Where to send the batches when it differs from ``device``.

    Attributes:
        converter: The converter.
        loss_func: The loss function, or ``None``.
        iteration: The number of completed updates.

    Raises:
        ValueError: If a dict lacks ``'main'`` or an optimizer has no target.
        TypeError: If an iterator or optimizer has the wrong type.

    Example:
        >>> import numpy
        >>> from kusari.datasets import TupleDataset
        >>> from kusari.iterators import SerialIterator
        >>> from kusari.links import Link, Parameter
        >>> from kusari.optimizers import SGD
        >>> from kusari.training import StandardUpdater
        >>> class Mean(Link):
        ...     def __init__(self):
        ...         super().__init__()
        ...         with self.init_scope():
        ...             self.w = Parameter(numpy.zeros(1, numpy.float32))
        ...     def forward(self, x):
        ...         diff = self.w - x
        ...         return (diff * diff).mean()
        >>> model = Mean()
        >>> optimizer = SGD(lr=0.5).setup(model)
        >>> data = numpy.full((4, 1), 2.0, numpy.float32)
        >>> updater = StandardUpdater(SerialIterator(data, 2), optimizer)
        >>> updater.update()
        >>> updater.iteration, model.w.array.tolist()
        (1, [2.0])
    """

    def __init__(
        self,
        iterator: Iterator[Any] | Mapping[str, Iterator[Any]],
        optimizer: Optimizer | Mapping[str, Optimizer],
        converter: Callable[..., Any] = concat_examples,
        device: DeviceSpec | None = None,
        loss_func: Callable[..., Any] | None = None,
        loss_scale: float | None = None,
        auto_new_epoch: bool = True,
        *,
        input_device: DeviceSpec | None = None,
    ) -> None:
        iterators = named_with_main(iterator, Iterator, "iterator", "kusari.iterators.Iterator")
        optimizers = named_with_main(
            optimizer, Optimizer, "optimizer", "kusari.optimizers.Optimizer"
        )
        for name, opt in optimizers.items():
            require_target(opt, name)
        resolved = None if device is None else get_device(device)
        if resolved is not None:
            for name, opt in optimizers.items():
                require_target(opt, name).to_device(resolved)
        self._iterators: dict[str, Iterator[Any]] = iterators
        self._optimizers: dict[str, Optimizer] = optimizers
        self._device = resolved
        self.input_device: Device | None = (
            resolved if input_device is None else get_device(input_device)
        )
        self.converter = converter
        self.loss_func = loss_func
        self.loss_scale = loss_scale
        self.auto_new_epoch = auto_new_epoch
        self.iteration = 0
        for opt in optimizers.values():
            if loss_scale is not None:
                opt.set_loss_scale(loss_scale)
            if auto_new_epoch:
                opt.use_auto_new_epoch = True

    @property
    def device(self) -> Device | None:
        """The device given at construction (``None``: arrays stay where they are)."""
        return self._device

    @property
    def epoch(self) -> int:
        """The epoch count of the ``'main'`` iterator."""
        return self._iterators["main"].epoch

    @property
    def epoch_detail(self) -> float:
        """The fractional epoch of the ``'main'`` iterator."""
        return self._iterators["main"].epoch_detail

    @property
    def previous_epoch_detail(self) -> float | None:
        """The ``'main'`` iterator's epoch detail before its last batch."""
        return self._iterators["main"].previous_epoch_detail

    @property
    def is_new_epoch(self) -> bool:
        """Whether the last batch of the ``'main'`` iterator completed an epoch."""
        return self._iterators["main"].is_new_epoch

    def finalize(self) -> None:
        """Finalize every iterator (stops worker threads and processes)."""
        for iterator in self._iterators.values():
            iterator.finalize()

    def get_optimizer(self, name: str) -> Optimizer:
        """Return the optimizer called ``name``.

        Raises:
            KeyError: If there is none.
        """
        return self._optimizers[name]

    def get_all_optimizers(self) -> dict[str, Optimizer]:
        """Return a new dict of every optimizer by name."""
        return dict(self._optimizers)

    def get_iterator(self, name: str) -> Iterator[Any]:
        """Return the iterator called ``name``.

        Raises:
            KeyError: If there is none.
        """
        return self._iterators[name]

    def get_all_iterators(self) -> dict[str, Iterator[Any]]:
        """Return a new dict of every iterator by name."""
        return dict(self._iterators)

    def update(self) -> None:
        """Run :meth:`update_core` and count the iteration."""
        self.update_core()
        self.iteration += 1

    def update_core(self) -> None:
        """Take a batch, compute the loss and update the ``'main'`` optimizer.

        Override this for custom update steps (several models, several losses, ...).
        """
        iterator = self._iterators["main"]
        batch = iterator.next()
        in_arrays = call_converter(self.converter, batch, self.input_device)
        optimizer = self._optimizers["main"]
        loss_func = self.loss_func or optimizer.target
        if isinstance(in_arrays, tuple):
            optimizer.update(loss_func, *in_arrays)
        elif isinstance(in_arrays, dict):
            optimizer.update(loss_func, **in_arrays)
        else:
            optimizer.update(loss_func, in_arrays)
        if self.auto_new_epoch and iterator.is_new_epoch:
            optimizer.new_epoch(auto=True)

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the iterators, optimizers, models and the iteration count.

        The keys are Chainer's: ``iterator:<name>/``, ``optimizer:<name>/``,
        ``model:<name>/`` and ``iteration``.

        Args:
            serializer: The serializer or deserializer.
        """
        for name, iterator in self._iterators.items():
            iterator.serialize(serializer["iterator:" + name])
        for name, optimizer in self._optimizers.items():
            optimizer.serialize(serializer["optimizer:" + name])
            require_target(optimizer, name).serialize(serializer["model:" + name])
        self.iteration = int(serializer("iteration", self.iteration))
