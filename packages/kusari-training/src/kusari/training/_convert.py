"""Turning a list of examples into arrays: :func:`concat_examples` and converters."""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias, TypeVar, overload

import numpy

from kusari.devices import Array, Device, DeviceSpec, get_array_module, get_device, is_array

__all__ = [
    "Converter",
    "Padding",
    "call_converter",
    "concat_examples",
    "converter",
    "to_device",
]

_F = TypeVar("_F", bound=Callable[..., object])
_T = TypeVar("_T")

_PadValue: TypeAlias = bool | int | float | complex | None
Padding: TypeAlias = _PadValue | tuple[_PadValue, ...] | Mapping[str, _PadValue]
"""Padding for :func:`concat_examples`: one value, one per tuple element, or one per key."""

_MARK = "__kusari_converter__"


class _ConverterMeta(abc.ABCMeta):
    # Functions decorated with @converter() count as Converter instances, as in Chainer.
    def __instancecheck__(cls, instance: object) -> bool:
        if cls is Converter and getattr(instance, _MARK, False):
            return True
        return super().__instancecheck__(instance)


class Converter(metaclass=_ConverterMeta):
    """Base class of converters: callables that turn a minibatch into model inputs.

    A converter is called as ``converter(batch, device)`` where ``device`` is a
    :class:`~kusari.devices.Device` or ``None`` (leave the arrays where they are).
    Functions made with the :func:`converter` decorator count as instances.  Plain
    functions still work as converters (Chainer's old style): they are called with
    ``device`` as ``-1`` for the CPU or the GPU number, or without it when it is ``None``.

    Example:
        >>> import numpy
        >>> from kusari.training import Converter
        >>> class Sum(Converter):
        ...     def __call__(self, batch, device=None):
        ...         return numpy.asarray(sum(batch))
        >>> int(Sum()([1, 2, 3]))
        6
    """

    @abc.abstractmethod
    def __call__(self, batch: Any, device: Device | None = None) -> Any:
        """Convert ``batch`` and send the arrays to ``device``."""


def converter() -> Callable[[_F], _F]:
    """Decorator that marks a function as a new-style converter.

    The function receives the device as a :class:`~kusari.devices.Device` (or ``None``)
    and ``isinstance(function, Converter)`` becomes true.

    Returns:
        The decorator; it returns the function itself.

    Example:
        >>> import numpy
        >>> from kusari.training import Converter, converter
        >>> @converter()
        ... def stack(batch, device=None):
        ...     return numpy.stack(batch)
        >>> isinstance(stack, Converter), stack([numpy.zeros(2), numpy.ones(2)]).shape
        (True, (2, 2))
    """

    def mark(function: _F) -> _F:
        setattr(function, _MARK, True)
        return function

    return mark


def call_converter(convert: Callable[..., _T], batch: Any, device: Device | None) -> _T:
    """Call ``convert`` on ``batch`` the way its style expects the device.

    Args:
        convert: A :class:`Converter` (gets the Device) or an old-style function (gets
            ``-1`` for the CPU, the GPU number otherwise, and no device when ``None``).
        batch: The minibatch.
        device: The target device, or ``None``.

    Returns:
        What ``convert`` returns.
    """
    new_style = isinstance(convert, Converter)
    if new_style:
        return convert(batch, device)
    if device is None:
        return convert(batch)
    device_id = getattr(device, "device_id", None)
    return convert(batch, -1 if device_id is None else device_id)


@overload
def to_device(device: DeviceSpec | None, x: None) -> None: ...
@overload
def to_device(device: DeviceSpec | None, x: _T) -> _T: ...
def to_device(device: DeviceSpec | None, x: object) -> object:
    """Send an array (or a tuple, list or dict of arrays) to a device.

    Args:
        device: Any device specifier of :func:`kusari.devices.get_device` (a negative
            int means the CPU), or ``None`` to return ``x`` unchanged.
        x: The array(s).

    Returns:
        ``x`` on the device; arrays already there are not copied.

    Example:
        >>> import numpy
        >>> from kusari.training import to_device
        >>> x = numpy.zeros(3)
        >>> to_device(None, x) is x, to_device(-1, x) is x
        (True, True)
    """
    if device is None:
        return x
    return get_device(device).send(x)  # type: ignore[call-overload]


@overload
def concat_examples(
    batch: Sequence[tuple[Any, ...]], device: DeviceSpec | None = None, padding: Padding = None
) -> tuple[Array, ...]: ...
@overload
def concat_examples(
    batch: Sequence[Mapping[str, Any]], device: DeviceSpec | None = None, padding: Padding = None
) -> dict[str, Array]: ...
@overload
def concat_examples(
    batch: Sequence[Any], device: DeviceSpec | None = None, padding: Padding = None
) -> Array: ...
@converter()
def concat_examples(
    batch: Sequence[Any], device: DeviceSpec | None = None, padding: Padding = None
) -> Any:
    """Stack a list of examples into batched arrays (the default converter).

    * Examples that are tuples give a tuple of arrays, one per position:
      ``[(x0, t0), (x1, t1)]`` becomes ``(stack([x0, x1]), stack([t0, t1]))``.
    * Examples that are dicts give a dict of arrays, one per key (the first example's).
    * Other examples (arrays or scalars) give one array.

    Scalars are gathered with :func:`numpy.asarray` (so a list of ``numpy.int32`` labels
    becomes an ``int32`` array).  Arrays of different shapes need ``padding``: the result
    then has the largest size along every axis, filled with the padding value.

    Args:
        batch: The list of examples (not empty).
        device: Where to send the arrays (see :func:`to_device`); ``None`` keeps them.
        padding: ``None`` (shapes must agree), one value, a tuple with one value per tuple
            position, or a dict with one value per key.

    Returns:
        A tuple of arrays, a dict of arrays, or an array.

    Raises:
        ValueError: If ``batch`` is empty, the examples do not have the same structure,
            or their shapes differ and there is no padding.

    Example:
        >>> import numpy
        >>> from kusari.training import concat_examples
        >>> x, t = concat_examples([(numpy.zeros(2), 0), (numpy.ones(2), 1)])
        >>> x.shape, t.tolist()
        ((2, 2), [0, 1])
        >>> concat_examples([numpy.array([1, 2]), numpy.array([3])], padding=-1).tolist()
        [[1, 2], [3, -1]]
    """
    if len(batch) == 0:
        raise ValueError("batch is empty: concat_examples needs at least one example")
    first = batch[0]
    if isinstance(first, tuple):
        width = len(first)
        for n, example in enumerate(batch):
            if not isinstance(example, tuple) or len(example) != width:
                raise ValueError(
                    f"example {n} of the batch is not a tuple of {width} elements like the "
                    f"first one: {_describe(example)}"
                )
        paddings = _per_position(padding, width)
        return tuple(
            to_device(device, _concat([example[i] for example in batch], paddings[i], str(i)))
            for i in range(width)
        )
    if isinstance(first, Mapping):
        keys = list(first)
        for n, example in enumerate(batch):
            if not isinstance(example, Mapping) or set(example) != set(keys):
                raise ValueError(
                    f"example {n} of the batch does not have the keys {sorted(keys)} of the "
                    f"first one: {_describe(example)}"
                )
        key_paddings = _per_key(padding, keys)
        return {
            key: to_device(
                device, _concat([example[key] for example in batch], key_paddings[key], key)
            )
            for key in keys
        }
    return to_device(device, _concat(batch, _single(padding), None))


def _describe(example: object) -> str:
    if isinstance(example, tuple):
        return f"a tuple of {len(example)}"
    if isinstance(example, Mapping):
        return f"a mapping with keys {sorted(example)}"
    return f"a {type(example).__name__}"


def _per_position(padding: Padding, width: int) -> tuple[_PadValue, ...]:
    if isinstance(padding, tuple):
        if len(padding) != width:
            raise ValueError(
                f"padding has {len(padding)} values but the examples are tuples of {width}"
            )
        return padding
    if isinstance(padding, Mapping):
        raise TypeError("padding is a dict but the examples are tuples; pass a tuple or a value")
    return (padding,) * width


def _per_key(padding: Padding, keys: list[str]) -> dict[str, _PadValue]:
    if isinstance(padding, Mapping):
        missing = [key for key in keys if key not in padding]
        if missing:
            raise ValueError(f"padding has no value for the keys {missing}")
        return {key: padding[key] for key in keys}
    if isinstance(padding, tuple):
        raise TypeError("padding is a tuple but the examples are dicts; pass a dict or a value")
    return dict.fromkeys(keys, padding)


def _single(padding: Padding) -> _PadValue:
    if isinstance(padding, (tuple, Mapping)):
        raise TypeError(
            f"padding is a {type(padding).__name__} but the examples are single arrays; "
            "pass one value"
        )
    return padding


def _concat(arrays: Sequence[Any], padding: _PadValue, where: str | None) -> Array:
    first = arrays[0]
    if not is_array(first):
        if padding is not None:
            arrays = [numpy.asarray(a) for a in arrays]
            return _concat_with_padding(numpy, arrays, padding, where)
        try:
            return numpy.asarray(arrays)
        except ValueError as error:
            at = "" if where is None else f" at position {where!r}"
            raise ValueError(
                f"cannot stack the examples{at} ({error}); pass padding= to pad them to a "
                "common shape"
            ) from None
    xp = get_array_module(first)
    if padding is not None:
        return _concat_with_padding(xp, arrays, padding, where)
    shape = first.shape
    for n, array in enumerate(arrays):
        if array.shape != shape:
            at = "" if where is None else f" at position {where!r}"
            raise ValueError(
                f"cannot stack the examples{at}: example 0 has shape {shape} but example {n} "
                f"has shape {array.shape}; pass padding= to pad them to a common shape"
            )
    stacked: Array = xp.stack(arrays)
    return stacked


def _concat_with_padding(
    xp: Any, arrays: Sequence[Any], padding: _PadValue, where: str | None
) -> Array:
    ndim = arrays[0].ndim
    if any(array.ndim != ndim for array in arrays):
        at = "" if where is None else f" at position {where!r}"
        raise ValueError(f"cannot pad the examples{at}: they do not all have {ndim} dimensions")
    shape = tuple(max(sizes) for sizes in zip(*(array.shape for array in arrays), strict=True))
    result = xp.full((len(arrays), *shape), padding, dtype=arrays[0].dtype)
    for n, array in enumerate(arrays):
        result[(n, *(slice(size) for size in array.shape))] = array
    padded: Array = result
    return padded
