"""Hyperparameters: typed fields that fall back to a parent set, and Chainer's open set.

An optimizer owns one hyperparameter set; each update rule owns a *child* set whose parent
is the optimizer's.  Reading a field the child has not set reads the parent, so
``optimizer.alpha = 0.5`` reaches every rule at once, while a value set on one rule shadows
the optimizer's for that rule only.

Each optimizer declares its fields with :class:`HyperparameterField` on a subclass of
:class:`Hyperparameter` (see :class:`kusari.optimizers.AdamHyperparameter`), so mypy sees the
type of every field and each assignment is validated.  The base class on its own is Chainer's
open hyperparameter set: any attribute may be set, and unknown ones are looked up in the
parent at run time.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Final,
    Generic,
    Self,
    TypeVar,
    cast,
    final,
    overload,
)

import numpy

__all__ = [
    "Hyperparameter",
    "HyperparameterField",
    "HyperparameterProxy",
    "check_flag",
    "check_non_negative",
    "check_positive",
    "check_unit_interval",
    "check_decay_rate",
]

_T = TypeVar("_T")
_UNSET: Final = object()
_Check = Callable[[str, object], _T]


def _as_real(name: str, value: object) -> float:
    if isinstance(value, bool | numpy.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"hyperparameter {name!r} must be a real number, got {value!r} "
            f"of type {type(value).__name__}"
        )
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"hyperparameter {name!r} must be finite, got {value!r}")
    return result


def check_non_negative(name: str, value: object) -> float:
    """Validate a real hyperparameter that must be ``>= 0`` and return it as a float.

    Args:
        name: The field name, used in the error message.
        value: The value to check.

    Returns:
        ``float(value)``.

    Raises:
        TypeError: If ``value`` is not a real number (``bool`` is rejected).
        ValueError: If ``value`` is negative, infinite or NaN.

    Example:
        >>> from kusari.optimizers import check_non_negative
        >>> check_non_negative("lr", 1)
        1.0
        >>> check_non_negative("lr", -0.1)
        Traceback (most recent call last):
        ...
        ValueError: hyperparameter 'lr' must be >= 0, got -0.1
    """
    result = _as_real(name, value)
    if result < 0:
        raise ValueError(f"hyperparameter {name!r} must be >= 0, got {value!r}")
    return result


def check_positive(name: str, value: object) -> float:
    """Validate a real hyperparameter that must be ``> 0`` and return it as a float.

    Args:
        name: The field name, used in the error message.
        value: The value to check.

    Returns:
        ``float(value)``.

    Raises:
        TypeError: If ``value`` is not a real number.
        ValueError: If ``value <= 0``, infinite or NaN.

    Example:
        >>> from kusari.optimizers import check_positive
        >>> check_positive("eps", 1e-6)
        1e-06
    """
    result = _as_real(name, value)
    if result <= 0:
        raise ValueError(f"hyperparameter {name!r} must be > 0, got {value!r}")
    return result


def check_unit_interval(name: str, value: object) -> float:
    """Validate a real hyperparameter in the closed interval ``[0, 1]``.

    Used for decay rates and momenta, where 1 is a legal (if degenerate) choice.

    Args:
        name: The field name, used in the error message.
        value: The value to check.

    Returns:
        ``float(value)``.

    Raises:
        TypeError: If ``value`` is not a real number.
        ValueError: If ``value`` lies outside ``[0, 1]``.

    Example:
        >>> from kusari.optimizers import check_unit_interval
        >>> check_unit_interval("momentum", 0.9)
        0.9
    """
    result = _as_real(name, value)
    if not 0.0 <= result <= 1.0:
        raise ValueError(f"hyperparameter {name!r} must be in [0, 1], got {value!r}")
    return result


def check_decay_rate(name: str, value: object) -> float:
    """Validate an exponential decay rate in ``[0, 1)``, such as Adam's ``beta1``/``beta2``.

    The rate must stay below 1 because the bias correction divides by ``1 - rate ** t``.

    Args:
        name: The field name, used in the error message.
        value: The value to check.

    Returns:
        ``float(value)``.

    Raises:
        TypeError: If ``value`` is not a real number.
        ValueError: If ``value`` lies outside ``[0, 1)``.

    Example:
        >>> from kusari.optimizers import check_decay_rate
        >>> check_decay_rate("beta1", 1.0)
        Traceback (most recent call last):
        ...
        ValueError: hyperparameter 'beta1' must be in [0, 1), got 1.0
    """
    result = _as_real(name, value)
    if not 0.0 <= result < 1.0:
        raise ValueError(f"hyperparameter {name!r} must be in [0, 1), got {value!r}")
    return result


def check_flag(name: str, value: object) -> bool:
    """Validate a boolean hyperparameter (``bool`` or ``numpy.bool_``).

    Args:
        name: The field name, used in the error message.
        value: The value to check.

    Returns:
        ``bool(value)``.

    Raises:
        TypeError: If ``value`` is not a boolean; ``0`` and ``1`` are rejected too.

    Example:
        >>> from kusari.optimizers import check_flag
        >>> check_flag("amsgrad", True)
        True
    """
    if not isinstance(value, bool | numpy.bool_):
        raise TypeError(
            f"hyperparameter {name!r} must be a bool, got {value!r} of type {type(value).__name__}"
        )
    return bool(value)


@final
class HyperparameterField(Generic[_T]):
    """A typed, validated field of a :class:`Hyperparameter` subclass.

    Reading the field on an instance returns the value set on that instance, else the
    parent's value, else :attr:`default`.  Assigning validates the value first, so a bad
    value raises and leaves the previous one in place.  Deleting it removes the instance's
    own value, so the parent's shows through again.

    Args:
        default: The value of a set without a parent that was never assigned.
        check: Validates a value and returns it normalised (e.g. ``int`` to ``float``);
            it raises :class:`TypeError` or :class:`ValueError` naming the field.
        doc: One line describing the field.

    Example:
        >>> from kusari.optimizers import Hyperparameter, HyperparameterField, check_non_negative
        >>> class MyHyperparameter(Hyperparameter):
        ...     lr = HyperparameterField(0.1, check=check_non_negative, doc="Learning rate.")
        >>> parent = MyHyperparameter()
        >>> child = MyHyperparameter(parent)
        >>> parent.lr = 0.5
        >>> child.lr
        0.5
        >>> child.lr = 0.25
        >>> parent.lr, child.lr
        (0.5, 0.25)
        >>> del child.lr
        >>> child.lr
        0.5
    """

    def __init__(self, default: _T, *, check: _Check[_T], doc: str = "") -> None:
        self._check = check
        self.default: _T = default
        self.name = ""
        self.__doc__ = doc

    def __set_name__(self, owner: type[Hyperparameter], name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> HyperparameterField[_T]: ...
    @overload
    def __get__(self, instance: Hyperparameter, owner: type[Any]) -> _T: ...
    def __get__(
        self, instance: Hyperparameter | None, owner: type[Any]
    ) -> _T | HyperparameterField[_T]:
        if instance is None:
            return self
        own = instance.__dict__
        value = own.get(self.name, _UNSET)
        if value is not _UNSET:
            return cast(_T, value)
        parent = own.get("_parent")
        if parent is None:
            return self.default
        return cast(_T, getattr(parent, self.name))

    def __set__(self, instance: Hyperparameter, value: _T) -> None:
        instance.__dict__[self.name] = self.check(value)

    def __delete__(self, instance: Hyperparameter) -> None:
        instance.__dict__.pop(self.name, None)

    def check(self, value: object) -> _T:
        """Validate ``value`` for this field and return it normalised.

        Args:
            value: A candidate value.

        Returns:
            The value as the field stores it.

        Raises:
            TypeError: If ``value`` has the wrong type.
            ValueError: If ``value`` is out of range.
        """
        return self._check(self.name, value)


class Hyperparameter:
    """A set of hyperparameters that falls back to a parent set for what it lacks.

    Used directly, this is Chainer's open hyperparameter set: any attribute can be set,
    and reading one that is not set here reads it from :attr:`parent` (at run time; mypy
    only sees declared fields).  Subclasses declare typed fields with
    :class:`HyperparameterField`; on those, unknown attribute names are rejected, so a
    misspelt ``hp.aplha = 0.1`` raises instead of silently doing nothing.

    Args:
        parent: The set to read unset values from, or ``None``.
        **values: Initial values.  ``None`` leaves a field unset (it then falls back to
            the parent or the field default).

    Raises:
        AttributeError: If a typed subclass receives a name it does not declare.
        TypeError: If a value has the wrong type for its field.
        ValueError: If a value is out of range for its field.

    Example:
        >>> from kusari.optimizers import Hyperparameter
        >>> parent = Hyperparameter(lr=0.1)
        >>> child = Hyperparameter(parent)
        >>> child.lr
        0.1
        >>> child.momentum = 0.9
        >>> child.get_dict()
        {'lr': 0.1, 'momentum': 0.9}
        >>> child
        Hyperparameter(lr=0.1, momentum=0.9)
    """

    _fields: ClassVar[dict[str, HyperparameterField[Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = dict(cls._fields)
        for name, value in vars(cls).items():
            if isinstance(value, HyperparameterField):
                value.default = value.check(value.default)
                fields[name] = value
        cls._fields = fields

    def __init__(self, parent: Self | None = None, **values: object) -> None:
        own = self.__dict__
        own["_parent"] = parent
        own.update(self._checked(values))

    @property
    def parent(self) -> Self | None:
        """The set this one falls back to, or ``None``."""
        return cast("Self | None", self.__dict__["_parent"])

    def field_names(self) -> tuple[str, ...]:
        """Return the names of the declared fields (empty for the open base class).

        Example:
            >>> from kusari.optimizers import Hyperparameter
            >>> Hyperparameter().field_names()
            ()
        """
        return tuple(self._fields)

    def own_values(self) -> dict[str, Any]:
        """Return the values set on this very set, without the parent's.

        Example:
            >>> from kusari.optimizers import Hyperparameter
            >>> Hyperparameter(Hyperparameter(lr=0.1), momentum=0.9).own_values()
            {'momentum': 0.9}
        """
        return {key: value for key, value in self.__dict__.items() if key != "_parent"}

    def get_dict(self) -> dict[str, Any]:
        """Return every value this set can see: the parent's, then its own on top.

        For typed subclasses the declared fields are always included (with their defaults
        when nothing sets them).

        Returns:
            A new dictionary from names to values.

        Example:
            >>> from kusari.optimizers import Hyperparameter
            >>> Hyperparameter(Hyperparameter(lr=0.1, eps=1e-8), lr=0.5).get_dict()
            {'lr': 0.5, 'eps': 1e-08}
        """
        parent = self.parent
        if parent is not None:
            result = parent.get_dict()
        else:
            result = {name: field.default for name, field in self._fields.items()}
        result.update(self.own_values())
        return result

    def update(self, **values: object) -> None:
        """Set several values at once; all are validated before any is stored.

        ``None`` values are skipped, which is how update rules take optional overrides.

        Args:
            **values: The names and values to set.

        Raises:
            AttributeError: If a typed subclass does not declare one of the names.
            TypeError: If a value has the wrong type; nothing is changed.
            ValueError: If a value is out of range; nothing is changed.

        Example:
            >>> from kusari.optimizers import Hyperparameter
            >>> hp = Hyperparameter(lr=0.1)
            >>> hp.update(lr=0.2, momentum=None)
            >>> hp.get_dict()
            {'lr': 0.2}
        """
        self.__dict__.update(self._checked(values))

    def _checked(self, values: dict[str, object]) -> dict[str, object]:
        checked: dict[str, object] = {}
        for name, value in values.items():
            if value is None:
                continue
            field = self._field(name)
            checked[name] = value if field is None else field.check(value)
        return checked

    def _field(self, name: str) -> HyperparameterField[Any] | None:
        fields = self._fields
        if not fields or name.startswith("_"):
            return None
        try:
            return fields[name]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__} has no hyperparameter {name!r}; "
                f"its hyperparameters are: {', '.join(fields)}"
            ) from None

    if not TYPE_CHECKING:
        # Chainer's open set: any attribute can be set, and one this set lacks is read from
        # the parent.  Both are hidden from mypy, so that typed code type-checks against
        # declared fields only (a misspelt field is a mypy error, not a new attribute).
        def __setattr__(self, name: str, value: object) -> None:
            if name in ("_parent", "parent"):
                raise AttributeError(f"the parent of a {type(self).__name__} cannot be reassigned")
            field = self._field(name)
            if field is not None:
                field.__set__(self, value)
            else:
                self.__dict__[name] = value

        def __getattr__(self, name: str) -> Any:
            if name.startswith("__"):
                raise AttributeError(name)
            parent = self.__dict__.get("_parent")
            if parent is None:
                raise AttributeError(f"{type(self).__name__} has no hyperparameter {name!r}")
            return getattr(parent, name)

    def __repr__(self) -> str:
        values = self.get_dict()
        names = [*self._fields, *sorted(name for name in values if name not in self._fields)]
        body = ", ".join(f"{name}={values[name]!r}" for name in names)
        return f"{type(self).__name__}({body})"


class _HasHyperparam:
    """What a :class:`HyperparameterProxy` is installed on: anything with ``hyperparam``."""

    hyperparam: Hyperparameter


@final
class HyperparameterProxy(Generic[_T]):
    """A typed attribute that reads and writes one field of ``self.hyperparam``.

    Optimizers use it so that ``optimizer.lr`` is ``optimizer.hyperparam.lr``, typed.
    The field name defaults to the attribute name it is assigned to.

    Args:
        attr_name: The hyperparameter to alias; the attribute's own name when omitted.

    Example:
        >>> from kusari.optimizers import Hyperparameter, HyperparameterProxy
        >>> class Holder:
        ...     lr: HyperparameterProxy[float] = HyperparameterProxy()
        ...     def __init__(self) -> None:
        ...         self.hyperparam = Hyperparameter(lr=0.1)
        >>> holder = Holder()
        >>> holder.lr = 0.5
        >>> holder.hyperparam.lr
        0.5
    """

    def __init__(self, attr_name: str | None = None) -> None:
        self._attr_name = attr_name
        self.__doc__ = None if attr_name is None else f"Alias of ``self.hyperparam.{attr_name}``."

    def __set_name__(self, owner: type[Any], name: str) -> None:
        if self._attr_name is None:
            self._attr_name = name
            self.__doc__ = f"Alias of ``self.hyperparam.{name}``."

    @property
    def attr_name(self) -> str:
        """The hyperparameter name this proxy aliases."""
        if self._attr_name is None:
            raise AttributeError("HyperparameterProxy was created without a name and never bound")
        return self._attr_name

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> HyperparameterProxy[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type[Any]) -> _T: ...
    def __get__(self, instance: object, owner: type[Any]) -> _T | HyperparameterProxy[_T]:
        if instance is None:
            return self
        return cast(_T, getattr(cast(_HasHyperparam, instance).hyperparam, self.attr_name))

    def __set__(self, instance: object, value: _T) -> None:
        setattr(cast(_HasHyperparam, instance).hyperparam, self.attr_name, value)
