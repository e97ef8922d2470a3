"""Data parallelism on one host: :class:`ParallelUpdater`."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kusari.devices import Device, DeviceSpec, get_device, using_device
from kusari.graph import force_backprop_mode
from kusari.iterators import Iterator
from kusari.links import Link
from kusari.optimizers import Optimizer

from .._convert import call_converter, concat_examples
from ._standard import StandardUpdater, require_target

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["ParallelUpdater"]


class ParallelUpdater(StandardUpdater):
    """Splits each batch over several devices, each holding a copy of the model.

    Every iteration the batch is split round-robin (``batch[i::n]``) over the models;
    each model computes its loss on its device and backpropagates; the gradients are
    summed into the ``'main'`` model, the optimizer updates it, and the other models copy
    the new parameters.  As in Chainer, the gradients are *summed*, not averaged, over
    the devices.

    ``devices`` maps names to devices and must have ``'main'``; the other models are
    deep copies of the optimizer's target, moved to their devices.  On a machine with
    several GPUs use ``{'main': '@cupy:0', 'second': '@cupy:1'}``; CPU devices work too
    (``{'main': '@numpy', 'second': '@numpy'}``), which is useful to test a setup
    without GPUs but gives no speed-up.  Alternatively pass ``models`` (with the same
    names) to use prepared copies.

    Args:
        iterator: The training iterator, or a dict with a ``'main'`` one.
        optimizer: The optimizer set up on the main model.
        converter: Turns each sub-batch into arrays on its device.
        models: The models by name (``'main'`` must be the optimizer's target).
        devices: The devices by name; required.
        loss_func: The loss function; ``None`` calls each model.
        loss_scale: The loss scale for mixed-precision training.
        auto_new_epoch: Call ``optimizer.new_epoch(auto=True)`` when an epoch ends.

    Raises:
        ValueError: If ``devices`` is missing or lacks ``'main'``, or ``models`` does not
            match it.
    """

    def __init__(
        self,
        iterator: Iterator[Any] | Mapping[str, Iterator[Any]],
        optimizer: Optimizer,
        converter: Callable[..., Any] = concat_examples,
        models: Mapping[str, Link] | None = None,
        devices: Mapping[str, DeviceSpec] | None = None,
        loss_func: Callable[..., Any] | None = None,
        loss_scale: float | None = None,
        auto_new_epoch: bool = True,
    ) -> None:
        super().__init__(
            iterator,
            optimizer,
            converter=converter,
            loss_func=loss_func,
            loss_scale=loss_scale,
            auto_new_epoch=auto_new_epoch,
        )
        if devices is None:
            raise ValueError(
                "ParallelUpdater needs devices, a dict of devices with a 'main' entry"
            )
        if "main" not in devices:
            raise ValueError(f"devices must have a 'main' entry, got {sorted(devices)}")
        resolved: dict[str, Device] = {name: get_device(spec) for name, spec in devices.items()}
        main = require_target(optimizer, "main")
        if models is None:
            prepared: dict[str, Link] = {"main": main}
            for name, device in resolved.items():
                if name != "main":
                    prepared[name] = copy.deepcopy(main).to_device(device)
            main.to_device(resolved["main"])
        else:
            if set(models) != set(resolved):
                raise ValueError(
                    f"models and devices must have the same names, got {sorted(models)} "
                    f"and {sorted(resolved)}"
                )
            if models["main"] is not main:
                raise ValueError("models['main'] must be the optimizer's target")
            prepared = dict(models)
        self._devices = resolved
        self._models = prepared

    def connect_trainer(self, trainer: Trainer) -> None:
        """Register the models other than ``'main'`` as observers under their names."""
        main = self._models["main"]
        for name, model in self._models.items():
            if model is not main:
                trainer.reporter.add_observer(name, model)
                trainer.reporter.add_observers(name, model.namedlinks(skipself=True))

    def update_core(self) -> None:
        """Compute the losses on every device, sum the gradients, update, broadcast."""
        optimizer = self.get_optimizer("main")
        main = self._models["main"]
        iterator = self.get_iterator("main")
        batch = iterator.next()
        n = len(self._models)
        inputs = {
            name: call_converter(self.converter, batch[i::n], self._devices[name])
            for i, name in enumerate(self._models)
        }
        for model in self._models.values():
            model.cleargrads()
        losses = []
        for name, model in self._models.items():
            loss_func = self.loss_func or model
            in_arrays = inputs[name]
            with force_backprop_mode(), using_device(self._devices[name]):
                if isinstance(in_arrays, tuple):
                    loss = loss_func(*in_arrays)
                elif isinstance(in_arrays, dict):
                    loss = loss_func(**in_arrays)
                else:
                    loss = loss_func(in_arrays)
            losses.append(loss)
        # Lazily initialized parameters get their gradients only now.
        for model in self._models.values():
            model.cleargrads()
        for loss in losses:
            loss.backward(loss_scale=self.loss_scale)
        for model in self._models.values():
            if model is not main:
                main.addgrads(model)
        optimizer.update()
        for model in self._models.values():
            if model is not main:
                model.copyparams(main)
        if self.auto_new_epoch and iterator.is_new_epoch:
            optimizer.new_epoch(auto=True)
